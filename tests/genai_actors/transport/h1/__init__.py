"""Tests of the h1 HTTP client (genai_actors._transport._h1)."""
