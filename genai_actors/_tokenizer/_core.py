"""The counting core: tokenizer encoders, and which strings of a request are counted.

A leaf module (it imports sentencepiece, and ``tokenizers`` when a HuggingFace model is loaded,
nothing of genai_actors), shared by :class:`~genai_actors.LocalTokenizer` and the emulator so
that both count the same tokens.

What is counted follows google-genai's local tokenizer, read from the wire form of a request
(camelCase dicts, as ``types.to_builtins`` produces and as the API receives):

- a Part's ``text``;
- a function call's name, and the keys and string leaves of its ``args``, at any depth;
- a function response's name, and the keys and string leaves of its ``response``;
- a function declaration's name and description, and its ``parameters`` / ``response`` Schema;
- from a Schema: ``format``, ``description``, ``enum``, ``required``, property keys, nested
  ``items`` and ``properties``, and the string leaves of ``example`` (never ``type``/``title``).

Numbers and booleans are never counted. Inline and file data are noted (``Gathered.media``), as
are any other Part fields (``Gathered.uncounted``): the caller decides whether that is an error.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "TOKENIZERS_EXTRA",
    "Encoder",
    "Gathered",
    "HuggingFaceEncoder",
    "SentencePieceEncoder",
    "encoder_from_bytes",
    "load_encoder",
    "piece_bytes",
]

TOKENIZERS_EXTRA = "genai-actors[tokenizers]"

# Part fields that are counted (or carry nothing countable and are kept by google-genai).
_PART_COUNTED = frozenset(
    {
        "text",
        "functionCall",
        "functionResponse",
        "videoMetadata",
        "function_call",
        "function_response",
        "video_metadata",
    }
)
_PART_MEDIA = frozenset({"inlineData", "fileData", "inline_data", "file_data"})
_SPACE = "\u2581"  # SentencePiece's word-boundary mark, "▁"
# Batches at least this long (in characters) are encoded on several threads.
_PARALLEL_CHARS = 64 * 1024


def piece_bytes(piece: str) -> bytes:
    """The bytes a token piece stands for: ``<0xXX>`` is that byte, ``▁`` a space.

    A ``<0x..>`` piece whose digits are not hex is taken as text; nothing is raised.
    (Vocabularies with byte-level pieces, GPT-2's ``Ġ``, are not of this kind; Gemma's are.)
    """
    if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
        try:
            return bytes((int(piece[3:5], 16),))
        except ValueError:
            pass
    return piece.replace(_SPACE, " ").encode("utf-8")


class Encoder:
    """A loaded tokenizer model: token ids and byte pieces for lists of texts.

    Encoders are safe to share between threads (the piece memo only ever gains entries).
    """

    kind = "abstract"

    def __init__(self) -> None:
        self._pieces: dict[int, bytes] = {}

    def count(self, texts: Sequence[str]) -> int:
        """The total number of tokens of ``texts``, each encoded on its own."""
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """The token ids of each text (no BOS/EOS or other special tokens are added)."""
        raise NotImplementedError

    def pieces(self, ids: Iterable[int]) -> list[bytes]:
        """The bytes each token id stands for (byte pieces as raw bytes, ``▁`` as a space)."""
        table = self._pieces
        out = []
        for token_id in ids:
            piece = table.get(token_id)
            if piece is None:
                piece = table[token_id] = self._piece_bytes(token_id)
            out.append(piece)
        return out

    def _piece_bytes(self, token_id: int) -> bytes:
        return piece_bytes(self._piece(token_id))

    def _piece(self, token_id: int) -> str:
        raise NotImplementedError


class SentencePieceEncoder(Encoder):
    """A SentencePiece model (the Gemma 3 tokenizer of Gemini 2.x and 3.x)."""

    kind = "sentencepiece"

    def __init__(self, processor: Any) -> None:
        super().__init__()
        self._sp = processor
        self._encode = processor.encode
        self.vocab_size: int = processor.GetPieceSize()

    def count(self, texts: Sequence[str]) -> int:
        if len(texts) == 1 and len(texts[0]) < _PARALLEL_CHARS:
            return len(self._encode(texts[0]))
        return sum(map(len, self.encode(texts)))

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        if not texts:
            return []
        # sentencepiece's batch call starts a thread pool each time: it pays only for long input.
        if sum(map(len, texts)) < _PARALLEL_CHARS:
            if len(texts) == 1:
                return [self._encode(texts[0])]
            small: list[list[int]] = self._encode(list(texts), num_threads=1)
            return small
        result: list[list[int]] = self._encode(list(texts))
        return result

    def _piece_bytes(self, token_id: int) -> bytes:
        text: str = self._sp.IdToPiece(token_id)
        if self._sp.IsByte(token_id):
            return bytes((int(text[3:5], 16),))
        return text.replace(_SPACE, " ").encode("utf-8")


class HuggingFaceEncoder(Encoder):
    """A HuggingFace ``tokenizers`` model (``tokenizer.json``; the Gemma 4 tokenizer)."""

    kind = "tokenizers"

    def __init__(self, tokenizer: Any) -> None:
        super().__init__()
        self._tok = tokenizer
        self.vocab_size: int = tokenizer.get_vocab_size()

    def count(self, texts: Sequence[str]) -> int:
        if len(texts) == 1:
            return len(self._tok.encode(texts[0], add_special_tokens=False).ids)
        return sum(len(ids) for ids in self.encode(texts))

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        if not texts:
            return []
        encodings = self._tok.encode_batch_fast(list(texts), add_special_tokens=False)
        return [e.ids for e in encodings]

    def _piece(self, token_id: int) -> str:
        piece = self._tok.id_to_token(token_id)
        return "" if piece is None else str(piece)


def _tokenizers_module() -> Any:
    try:
        import tokenizers
    except ImportError as exc:
        raise ImportError(
            "a HuggingFace tokenizer.json model needs the 'tokenizers' library: "
            f'pip install "{TOKENIZERS_EXTRA}"'
        ) from exc
    return tokenizers


def encoder_from_bytes(data: bytes, source: str = "the model") -> Encoder:
    """Build an encoder from a model file's bytes: SentencePiece, or a ``tokenizer.json``.

    Args:
        data: The file's content.
        source: What to call the file in an error message (a path).

    Raises:
        ValueError: The bytes are neither a SentencePiece model nor a tokenizer JSON.
        ImportError: A ``tokenizer.json`` without the ``tokenizers`` library installed (the
            message names the ``genai-actors[tokenizers]`` extra).
    """
    if data.lstrip()[:1] == b"{":
        tokenizers = _tokenizers_module()
        try:
            return HuggingFaceEncoder(tokenizers.Tokenizer.from_str(data.decode("utf-8")))
        except Exception as exc:  # tokenizers raises a bare Exception for a bad file
            raise ValueError(f"{source} is not a valid tokenizer.json: {exc}") from None
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor()
    try:
        processor.LoadFromSerializedProto(data)
    except RuntimeError as exc:
        raise ValueError(f"{source} is not a valid SentencePiece model: {exc}") from None
    return SentencePieceEncoder(processor)


def load_encoder(path: str | os.PathLike[str]) -> Encoder:
    """Read a SentencePiece model or a ``tokenizer.json`` from ``path`` (no hash check).

    Raises:
        OSError: The file cannot be read.
        ValueError: It is not a tokenizer model.
        ImportError: A ``tokenizer.json`` without the ``tokenizers`` extra.
    """
    return encoder_from_bytes(Path(path).read_bytes(), str(path))


class Gathered:
    """The strings a request counts, in order, each with the role of its Content.

    Attributes:
        texts: The counted strings.
        roles: The role of the Content each string came from (``None`` for tools, schemas and
            Contents without a role).
        media: How many inline or file data parts were met (never counted as text).
        media_paths: Where they were (``contents[0].parts[1].inline_data``).
        uncounted: Paths of the Part fields that are neither counted nor media.
    """

    __slots__ = ("media", "media_paths", "roles", "texts", "uncounted")

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.roles: list[str | None] = []
        self.media = 0
        self.media_paths: list[str] = []
        self.uncounted: list[str] = []

    def _add(self, text: str, role: str | None) -> None:
        self.texts.append(text)
        self.roles.append(role)

    # -- contents -------------------------------------------------------------------------------

    def contents(self, contents: Iterable[Mapping[str, Any]], path: str = "contents") -> None:
        """Gather every Content of a list."""
        for index, content in enumerate(contents):
            self.content(content, f"{path}[{index}]")

    def content(self, content: Mapping[str, Any], path: str = "content") -> None:
        """Gather one Content's parts under its role."""
        role = content.get("role")
        for index, part in enumerate(content.get("parts") or ()):
            self.part(part, role, f"{path}.parts[{index}]")

    def part(self, part: Mapping[str, Any], role: str | None = None, path: str = "part") -> None:
        """Gather one Part: function call, function response, then text (google-genai's order)."""
        for key, value in part.items():
            if value is None or key in _PART_COUNTED:
                continue
            if key in _PART_MEDIA:
                self.media += 1
                self.media_paths.append(f"{path}.{key}")
            else:
                self.uncounted.append(f"{path}.{key}")
        call = part.get("functionCall", part.get("function_call"))
        if call:
            self._named(call, "args", role)
        response = part.get("functionResponse", part.get("function_response"))
        if response:
            self._named(response, "response", role)
        text = part.get("text")
        if text is not None:
            self._add(text, role)

    def _named(self, value: Mapping[str, Any], field: str, role: str | None) -> None:
        name = value.get("name")
        if name:
            self._add(name, role)
        inner = value.get(field)
        if inner and isinstance(inner, Mapping):
            self._mapping(inner, role)

    def _mapping(self, value: Mapping[str, Any], role: str | None) -> None:
        for key in value:
            self._add(str(key), role)
        for item in value.values():
            self._any(item, role)

    def _any(self, value: Any, role: str | None) -> None:
        if isinstance(value, str):
            self._add(value, role)
        elif isinstance(value, Mapping):
            self._mapping(value, role)
        elif isinstance(value, list | tuple):
            for item in value:
                self._any(item, role)

    # -- tools and schemas ----------------------------------------------------------------------

    def tools(self, tools: Iterable[Mapping[str, Any]]) -> None:
        """Gather the function declarations of each Tool (other tool kinds count nothing)."""
        for tool in tools:
            for decl in tool.get("functionDeclarations", tool.get("function_declarations")) or ():
                self.function_declaration(decl)

    def function_declaration(self, decl: Mapping[str, Any]) -> None:
        """Gather a declaration's name, description and parameters / response schemas."""
        for key in ("name", "description"):
            value = decl.get(key)
            if value:
                self._add(value, None)
        for key in ("parameters", "response"):
            schema = decl.get(key)
            if schema:
                self.schema(schema)

    def schema(self, schema: Mapping[str, Any]) -> None:
        """Gather a Schema's counted fields, recursively (never ``type`` or ``title``)."""
        for key in ("format", "description"):
            value = schema.get(key)
            if value:
                self._add(value, None)
        for key in ("enum", "required"):
            for value in schema.get(key) or ():
                self._add(value, None)
        items = schema.get("items")
        if items:
            self.schema(items)
        properties = schema.get("properties")
        if properties:
            for key, value in properties.items():
                self._add(key, None)
                self.schema(value)
        example = schema.get("example")
        if example:
            self._any(example, None)
