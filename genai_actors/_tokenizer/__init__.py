# genai_actors._tokenizer: offline token counting (LocalTokenizer), exact for Gemini's
# tokenizers.
#   _core.py     leaf (sentencepiece / tokenizers only): the encoders, and what a request counts,
#                gathered from wire-form dicts; the emulator counts with it too
#   _models.py   Gemini model names -> tokenizer (pinned Gemma 3 file, Gemma 4 HuggingFace repo)
#   _cache.py    the per-user model cache: fetch once, verify the sha256 on every load
#   _local.py    LocalTokenizer: count_tokens / compute_tokens and their async twins
#
# This __init__ imports nothing, so the emulator can use _core without loading the client;
# `genai_actors.LocalTokenizer` resolves lazily to _local.LocalTokenizer.
"""Offline, exact token counting with Gemini's open tokenizer models."""

from __future__ import annotations

__all__: list[str] = []
