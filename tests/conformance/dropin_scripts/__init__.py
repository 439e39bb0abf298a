"""Scripts written for google-genai, run unchanged but for their imports by ``test_dropin.py``."""
