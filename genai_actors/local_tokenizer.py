"""google-genai's module name for the local tokenizer: ``from genai_actors import local_tokenizer``.

The class is :class:`genai_actors.LocalTokenizer`; this module lets code written against
``google.genai.local_tokenizer`` run unchanged.
"""

from __future__ import annotations

from ._tokenizer._local import LocalTokenizer as LocalTokenizer

__all__ = ["LocalTokenizer"]
