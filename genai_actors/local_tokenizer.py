"""google-genai's module name for the local tokenizer: ``from genai_actors import local_tokenizer``.

The class is also :class:`genai_actors.LocalTokenizer`; this module lets code written against
``google.genai.local_tokenizer`` run unchanged, and holds what LocalTokenizer raises and warns:
:class:`TokenizerModelError` (a ``ValueError``: the model cannot be fetched or fails its hash)
and :class:`UncountedFieldsWarning` (a ``UserWarning``: Part fields left out of a count).
"""

from __future__ import annotations

from ._tokenizer._cache import TokenizerModelError as TokenizerModelError
from ._tokenizer._local import (
    LocalTokenizer as LocalTokenizer,
    UncountedFieldsWarning as UncountedFieldsWarning,
)

__all__ = ["LocalTokenizer", "TokenizerModelError", "UncountedFieldsWarning"]
