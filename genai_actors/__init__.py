# genai_actors: the Gemini client, built on supervisors.
