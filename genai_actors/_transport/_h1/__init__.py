# genai_actors._transport._h1: a small HTTP/1.1 client on asyncio protocols and httptools.
#   _errors.py    its failures (mapped to genai_actors.errors by _transport._errors)
"""h1: the default HTTP client of the transport (aiohttp remains as a fallback)."""
