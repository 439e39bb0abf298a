"""The emulator's tokenizer: one token per word and punctuation mark, or a real tokenizer model.

Every token count the emulator reports (``countTokens``, ``usageMetadata``, cached-content usage)
comes from these functions, so the numbers agree with one another everywhere.

By default a token is a run of word characters or one punctuation mark. An emulator started
with a tokenizer model (``Emulator(tokenizer_model=PATH)``, ``--tokenizer-model PATH``) counts
instead with that model and the counting rules of :class:`genai_actors.LocalTokenizer` (the
shared core ``genai_actors._tokenizer._core``), so its counts equal ``LocalTokenizer``'s for the
same model file; it then also serves ``computeTokens``. The model is bound to each request's
context by the app (:func:`use_encoder`), so emulators with different models can share a process.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

import msgspec

from genai_actors._tokenizer._core import Encoder, Gathered

from ._errors import ApiError, bad_request

if TYPE_CHECKING:
    from ._router import Call, Router

__all__ = [
    "MEDIA_TOKENS",
    "count_content",
    "count_contents",
    "count_part",
    "count_response_schema",
    "count_text",
    "count_tools",
    "current_encoder",
    "register",
    "tokenize",
    "tokens_info",
    "truncate_to_tokens",
    "use_encoder",
]

_TOKEN = re.compile(r"\w+|[^\w\s]")
# What one inline or file-referenced media part costs, as the real API charges an image.
MEDIA_TOKENS = 258
_ENCODE = msgspec.json.encode
_ENCODER: ContextVar[Encoder | None] = ContextVar("genai_actors_emulator_encoder", default=None)


def use_encoder(encoder: Encoder | None) -> Token[Encoder | None]:
    """Count with ``encoder`` (``None``: words) in the current context; returns the reset token."""
    return _ENCODER.set(encoder)


def current_encoder() -> Encoder | None:
    """The tokenizer model counting in the current context, if any."""
    return _ENCODER.get()


def tokenize(text: str) -> list[str]:
    """Split text into words and single punctuation marks (content generation uses these)."""
    return _TOKEN.findall(text)


def count_text(text: str) -> int:
    """Count the tokens of a string."""
    encoder = _ENCODER.get()
    if encoder is not None:
        return encoder.count((text,))
    return len(_TOKEN.findall(text))


def truncate_to_tokens(text: str, limit: int) -> tuple[str, bool]:
    """Cut ``text`` after its ``limit``-th token.

    Returns:
        The (possibly shortened) text and whether anything was cut.
    """
    if limit <= 0:
        return "", bool(text)
    encoder = _ENCODER.get()
    if encoder is not None:
        ids = encoder.encode((text,))[0]
        if len(ids) <= limit:
            return text, False
        # A cut inside a multi-byte character drops that character's leading bytes.
        kept = b"".join(encoder.pieces(ids[:limit])).decode("utf-8", "ignore")
        return kept, True
    for index, match in enumerate(_TOKEN.finditer(text)):
        if index + 1 == limit:
            end = match.end()
            return text[:end], end < len(text.rstrip())
    return text, False


def _count_gathered(gathered: Gathered, encoder: Encoder) -> int:
    return encoder.count(gathered.texts) + MEDIA_TOKENS * gathered.media


def count_part(part: dict[str, Any]) -> int:
    """Count the tokens of one (camelCase) Part."""
    encoder = _ENCODER.get()
    if encoder is not None:
        gathered = Gathered()
        gathered.part(part)
        return _count_gathered(gathered, encoder)
    total = 0
    text = part.get("text")
    if text:
        total += count_text(text)
    if "inlineData" in part or "fileData" in part:
        total += MEDIA_TOKENS
    call = part.get("functionCall")
    if call:
        total += count_text(call.get("name", "")) + count_text(
            _ENCODE(call.get("args") or {}).decode()
        )
    resp = part.get("functionResponse")
    if resp:
        total += count_text(resp.get("name", "")) + count_text(
            _ENCODE(resp.get("response") or {}).decode()
        )
    code = part.get("executableCode")
    if code:
        total += count_text(code.get("code", ""))
    result = part.get("codeExecutionResult")
    if result:
        total += count_text(result.get("output", ""))
    return total


def count_content(content: dict[str, Any]) -> int:
    """Count the tokens of one Content."""
    encoder = _ENCODER.get()
    if encoder is not None:
        gathered = Gathered()
        gathered.content(content)
        return _count_gathered(gathered, encoder)
    return sum(count_part(p) for p in content.get("parts", ()))


def count_contents(contents: Iterable[dict[str, Any]]) -> int:
    """Count the tokens of a list of Contents."""
    return sum(count_content(c) for c in contents)


def count_tools(tools: Iterable[Mapping[str, Any]]) -> int:
    """Count the function declarations of a request's tools (camelCase).

    Words of each declaration's JSON by default; with a tokenizer model, what ``LocalTokenizer``
    counts (names, descriptions, and the Schema fields it lists).
    """
    encoder = _ENCODER.get()
    if encoder is not None:
        gathered = Gathered()
        gathered.tools(tools)
        return encoder.count(gathered.texts)
    return sum(
        count_text(_ENCODE(decl).decode())
        for tool in tools
        for decl in tool.get("functionDeclarations", ())
    )


def count_response_schema(generation_config: Mapping[str, Any] | None) -> int:
    """Count a request's ``generationConfig.responseSchema`` (only with a tokenizer model, as
    ``LocalTokenizer`` does; the default word count leaves schemas out)."""
    encoder = _ENCODER.get()
    if encoder is None or not generation_config:
        return 0
    schema = generation_config.get("responseSchema")
    if not schema:
        return 0
    gathered = Gathered()
    gathered.schema(schema)
    return encoder.count(gathered.texts)


# -- computeTokens ------------------------------------------------------------------------------


async def compute_tokens(call: Call) -> dict[str, Any]:
    """``POST {model}:computeTokens`` ``{contents}``: Vertex AI's shape, served on the Developer
    API paths only when the emulator has a tokenizer model (404 otherwise)."""
    if _ENCODER.get() is None:
        raise ApiError(404, "Method not found.")
    call.state.model(f"{call.segments[0]}/{call.segments[1]}", "countTokens", call.version)
    return {"tokensInfo": tokens_info(call.raw_json())}


def tokens_info(body: Any) -> list[dict[str, Any]]:
    """``tokensInfo`` for a ComputeTokensRequest body: one entry per text gathered from the
    contents (as ``LocalTokenizer.compute_tokens``), with ``tokenIds`` (int64 as JSON strings)
    and base64 ``tokens``. With a tokenizer model these are its ids and pieces; by default each
    token is a word or punctuation mark (the unit every default count uses), its id a stable
    hash and its bytes the token's UTF-8.

    Raises:
        ApiError: 400 without contents or for a malformed Content.
    """
    contents = body.get("contents") if isinstance(body, dict) else None
    if not contents or not isinstance(contents, list):
        raise bad_request(
            "* ComputeTokensRequest.contents: contents is not specified\n", "contents"
        )
    gathered = Gathered()
    try:
        gathered.contents(contents)
    except (AttributeError, TypeError):
        raise bad_request(
            "* ComputeTokensRequest.contents: invalid Content\n", "contents"
        ) from None
    encoder = _ENCODER.get()
    if encoder is not None:
        pairs = [(ids, encoder.pieces(ids)) for ids in encoder.encode(gathered.texts)]
    else:
        pairs = []
        for text in gathered.texts:
            words = [w.encode() for w in _TOKEN.findall(text)]
            pairs.append(([_word_id(w) for w in words], words))
    infos = []
    for (ids, pieces), role in zip(pairs, gathered.roles, strict=True):
        info: dict[str, Any] = {
            "tokenIds": [str(i) for i in ids],
            "tokens": [_b64(p) for p in pieces],
        }
        if role:
            info["role"] = role
        infos.append(info)
    return infos


def _word_id(word: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(word, digest_size=4).digest(), "big") % 262_144


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def register(router: Router) -> None:
    """Add the ``computeTokens`` route (it answers 404 unless a tokenizer model is set)."""
    router.add("POST", "models/*", "computeTokens", compute_tokens)
