"""The pytest plugin that provides the ``gemini_emulator`` fixture."""
