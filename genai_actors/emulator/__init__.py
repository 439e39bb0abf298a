# genai_actors.emulator: an offline, wire-faithful Gemini API server.
