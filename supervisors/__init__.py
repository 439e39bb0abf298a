# supervisors: OTP-style actors and supervisors on anyio. Knows nothing of Gemini.
