"""Which tokenizer each Gemini model uses, and where that tokenizer's model file comes from.

Gemini 2.x and 3.x models use the Gemma 3 SentencePiece model, fetched from a pinned URL and
checked against a pinned sha256. The newer models google-genai maps to Gemma 4 use a HuggingFace
``tokenizer.json``, read from a local file or the HuggingFace cache (never downloaded here).
"""

from __future__ import annotations

import dataclasses

__all__ = ["GEMMA3", "GEMMA4", "KNOWN_MODELS", "TokenizerSpec", "spec_for"]


@dataclasses.dataclass(frozen=True)
class TokenizerSpec:
    """Where a tokenizer's model comes from.

    Attributes:
        name: ``gemma3`` or ``gemma4``.
        url: The pinned download URL (SentencePiece models), else ``None``.
        sha256: The pinned hash of the file at ``url``, else ``None``.
        file_name: The file's name in the cache directory.
        hf_repo: The HuggingFace repository whose ``tokenizer.json`` is used, else ``None``.
    """

    name: str
    url: str | None = None
    sha256: str | None = None
    file_name: str | None = None
    hf_repo: str | None = None


GEMMA3 = TokenizerSpec(
    name="gemma3",
    url=(
        "https://raw.githubusercontent.com/google/gemma_pytorch/"
        "014acb7ac4563a5f77c76d7ff98f31b568c16508/tokenizer/gemma3_cleaned_262144_v2.spiece.model"
    ),
    sha256="1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
    file_name="gemma3_cleaned_262144_v2.spiece.model",
)
GEMMA4 = TokenizerSpec(name="gemma4", hf_repo="google/gemma-4-E4B-it")

_GEMMA3_MODELS = (
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "gemini-2.5-flash-lite",
    "gemini-2.0-flash",
    "gemini-2.0-flash-lite",
    "gemini-2.5-pro-preview-06-05",
    "gemini-2.5-pro-preview-05-06",
    "gemini-2.5-pro-exp-03-25",
    "gemini-live-2.5-flash",
    "gemini-2.5-flash-preview-05-20",
    "gemini-2.5-flash-preview-04-17",
    "gemini-2.5-flash-lite-preview-06-17",
    "gemini-2.0-flash-001",
    "gemini-2.0-flash-lite-001",
    "gemini-3-pro-preview",
    "gemini-3-flash-preview",
)
_GEMMA4_MODELS = ("gemini-3.5-flash", "gemini-3.1-flash-lite", "gemini-3.1-pro-preview")

# Model id -> tokenizer, in the order the error message lists them.
KNOWN_MODELS: dict[str, TokenizerSpec] = {
    **dict.fromkeys(_GEMMA3_MODELS, GEMMA3),
    **dict.fromkeys(_GEMMA4_MODELS, GEMMA4),
}


def spec_for(model_name: str) -> TokenizerSpec:
    """The tokenizer of a model id (a ``models/`` prefix is accepted).

    Raises:
        ValueError: An unknown model; the message lists the known ones.
    """
    if not isinstance(model_name, str):
        raise TypeError(f"model_name must be a str, not {type(model_name).__name__}")
    spec = KNOWN_MODELS.get(model_name.removeprefix("models/"))
    if spec is None:
        raise ValueError(
            f"no local tokenizer is known for model {model_name!r}; "
            f"known models: {', '.join(KNOWN_MODELS)}"
        )
    return spec
