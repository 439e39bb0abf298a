"""``LocalTokenizer``: offline, exact token counts for Gemini models (text only).

The surface of google-genai's ``local_tokenizer.LocalTokenizer`` (``count_tokens`` with a
keyword ``config``, ``compute_tokens``), plus async twins that load the model in a worker thread.
Constructing one does no I/O: the model is loaded on the first call (or by :meth:`load` /
:meth:`aload`), then shared by every tokenizer of the process that uses the same file.
"""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path
from typing import Any

import anyio.to_thread

from .._transformers import coerce, coerce_config, t_content, t_contents, t_schema
from ..errors import InvalidRequestError
from ..types import (
    ComputeTokensResponse,
    CountTokensConfig,
    CountTokensResponse,
    Schema,
    TokensInfo,
)
from ..types._base import to_builtins
from . import _cache
from ._core import TOKENIZERS_EXTRA, Encoder, Gathered, encoder_from_bytes
from ._models import TokenizerSpec, spec_for

__all__ = ["LocalTokenizer", "UncountedFieldsWarning"]

# Above this many characters (a few ms of encoding), the async methods encode in a worker
# thread instead of on the event loop.
_INLINE_CHARS = 4096

# Loaded encoders shared by every LocalTokenizer of the process, by model file identity.
_LOADED: dict[tuple[str, ...], Encoder] = {}
_LOAD_LOCK = threading.Lock()


class UncountedFieldsWarning(UserWarning):
    """Some Part fields of the contents (``thought``, ``executable_code``, ...) are not counted."""


def _hf_cache_dirs() -> list[Path]:
    hub = os.environ.get("HF_HUB_CACHE")
    if hub:
        return [Path(hub)]
    home = os.environ.get("HF_HOME")
    base = Path(home) if home else Path.home() / ".cache" / "huggingface"
    return [base / "hub"]


def find_hf_tokenizer(repo: str) -> Path | None:
    """The ``tokenizer.json`` of ``repo`` in the HuggingFace cache, if it is there.

    Looks at the snapshot ``refs/main`` names, then any snapshot (``$HF_HUB_CACHE``, else
    ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``). Never downloads.
    """
    folder = "models--" + repo.replace("/", "--")
    for hub in _hf_cache_dirs():
        root = hub / folder
        try:
            main = (root / "refs" / "main").read_text().strip()
        except OSError:
            main = ""
        candidates = [root / "snapshots" / main / "tokenizer.json"] if main else []
        candidates += sorted((root / "snapshots").glob("*/tokenizer.json"))
        for path in candidates:
            if path.is_file():
                return path
    return None


class LocalTokenizer:
    """Counts and lists the tokens of contents offline, with the model's open tokenizer.

    Args:
        model_name: A Gemini model id (``gemini-2.5-flash``; a ``models/`` prefix is accepted).
            Gemini 2.x and 3.x models use the Gemma 3 SentencePiece model; ``gemini-3.5-flash``,
            ``gemini-3.1-flash-lite`` and ``gemini-3.1-pro-preview`` use the Gemma 4
            HuggingFace tokenizer (the ``genai-actors[tokenizers]`` extra).
        model_path: A local model file to use as is (a SentencePiece ``.model`` or a
            ``tokenizer.json``); no download and no hash check.
        cache_dir: Where the pinned Gemma 3 model is cached (default ``$GENAI_ACTORS_CACHE_DIR``,
            else the per-user cache directory, ``~/.cache/genai-actors/tokenizers`` on Linux).
        timeout: Seconds the one-time download may take.
        download_url: A mirror of the pinned Gemma 3 model file; its sha256 is still checked.

    Raises:
        ValueError: An unknown model name (the message lists the known ones), or a timeout that
            is not a finite number of seconds > 0.
    """

    def __init__(
        self,
        model_name: str,
        *,
        model_path: str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        timeout: float = _cache.DEFAULT_TIMEOUT,
        download_url: str | None = None,
    ) -> None:
        self._spec: TokenizerSpec = spec_for(model_name)
        if not (isinstance(timeout, int | float) and 0 < timeout < float("inf")):
            raise ValueError(f"timeout must be a finite number of seconds > 0, got {timeout!r}")
        self.model_name = model_name
        self._model_path = None if model_path is None else Path(model_path)
        self._cache_dir = cache_dir
        self._timeout = float(timeout)
        self._download_url = download_url
        self._encoder: Encoder | None = None
        self._model_file: Path | None = None

    def __repr__(self) -> str:
        return f"LocalTokenizer({self.model_name!r}, tokenizer={self._spec.name!r})"

    # -- loading --------------------------------------------------------------------------------

    @property
    def model_file(self) -> Path | None:
        """The model file in use, once loaded: ``model_path``, the cached Gemma 3 file, or the
        ``tokenizer.json`` found in the HuggingFace cache (``None`` before loading, or when the
        downloaded model could not be written to the cache). Give it to the emulator
        (``Emulator(tokenizer_model=...)``) to count the same way."""
        return self._model_file

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded (no call will block on file or network I/O)."""
        return self._encoder is not None

    def load(self) -> None:
        """Load the tokenizer model now (blocking); later calls return at once.

        The pinned Gemma 3 model is read from the cache and its sha256 checked, or fetched once
        and cached; the Gemma 4 ``tokenizer.json`` comes from ``model_path`` or the HuggingFace
        cache.

        Raises:
            TokenizerModelError: (a ``ValueError``) The model cannot be fetched, fails its hash,
                or is not in the HuggingFace cache; the message says how to provide it.
            ImportError: A Gemma 4 model without the ``tokenizers`` extra.
            OSError: ``model_path`` cannot be read.
        """
        if self._encoder is None:
            self._encoder = self._load()

    async def aload(self) -> None:
        """:meth:`load` in a worker thread, so the event loop never waits on file or network I/O.

        Cancellation returns at once; the load goes on in its thread and its result is kept for
        the next call.

        Raises:
            The errors of :meth:`load`.
        """
        if self._encoder is None:
            await anyio.to_thread.run_sync(self.load, abandon_on_cancel=True)

    def _load(self) -> Encoder:
        spec = self._spec
        if spec.hf_repo is not None:
            try:
                import tokenizers  # noqa: F401
            except ImportError as exc:
                raise ImportError(
                    f"model {self.model_name!r} uses the Gemma 4 HuggingFace tokenizer, which "
                    f'needs the tokenizers library: pip install "{TOKENIZERS_EXTRA}"'
                ) from exc
        path = self._model_path
        if path is None and spec.hf_repo is not None:
            path = find_hf_tokenizer(spec.hf_repo)
            if path is None:
                raise _cache.TokenizerModelError(
                    f"the tokenizer.json of {spec.hf_repo} (used by {self.model_name!r}) is not in "
                    "the HuggingFace cache. Fetch it where there is internet access (e.g. "
                    f"`hf download {spec.hf_repo} tokenizer.json`, which needs the model's "
                    "license accepted), then copy the HuggingFace cache, or pass "
                    "model_path='.../tokenizer.json'."
                )
        if path is not None:
            stat = path.stat()
            key: tuple[str, ...] = (
                "path",
                str(path.resolve()),
                str(stat.st_mtime_ns),
                str(stat.st_size),
            )
            with _LOAD_LOCK:
                encoder = _LOADED.get(key)
                if encoder is None:
                    encoder = _LOADED[key] = encoder_from_bytes(path.read_bytes(), str(path))
            self._model_file = path
            return encoder
        cache_dir = _cache.cache_dir_for(self._cache_dir)
        key = ("pinned", str(cache_dir.resolve()), spec.sha256 or "")
        with _LOAD_LOCK:
            encoder = _LOADED.get(key)
            if encoder is None:
                data = _cache.load_pinned(
                    spec, cache_dir, timeout=self._timeout, url=self._download_url
                )
                encoder = _LOADED[key] = encoder_from_bytes(data, spec.file_name or spec.name)
        cached = cache_dir / str(spec.file_name)
        self._model_file = cached if cached.is_file() else None
        return encoder

    # -- gathering ------------------------------------------------------------------------------

    def _gather_contents(self, contents: Any) -> Gathered:
        gathered = Gathered()
        if isinstance(contents, str):
            gathered.texts.append(contents)
            gathered.roles.append("user")
            return gathered
        gathered.contents(to_builtins(t_contents(contents)))
        return gathered

    def _checked(self, gathered: Gathered) -> Gathered:
        if gathered.media:
            raise InvalidRequestError(
                _snake(gathered.media_paths[0]),
                "LocalTokenizer counts text only; inline and file data cannot be counted",
            )
        if gathered.uncounted:
            warnings.warn(
                "LocalTokenizer does not count these Part fields: "
                + ", ".join(_snake(p) for p in gathered.uncounted),
                UncountedFieldsWarning,
                stacklevel=4,
            )
        return gathered

    def _gather_count(self, contents: Any, config: Any) -> Gathered:
        gathered = self._gather_contents(contents)
        if config is None:
            return self._checked(gathered)
        cfg = coerce_config(config, CountTokensConfig)
        if cfg.tools:
            gathered.tools(to_builtins(cfg.tools))
        generation = cfg.generation_config
        if generation is not None and generation.response_schema:
            gathered.schema(to_builtins(_schema(generation.response_schema)))
        if cfg.system_instruction:
            system = t_content(cfg.system_instruction, "config.system_instruction")
            gathered.content(to_builtins(system), "config.system_instruction")
        return self._checked(gathered)

    # -- counting -------------------------------------------------------------------------------

    def count_tokens(self, contents: Any, *, config: Any = None) -> CountTokensResponse:
        """Count the tokens of ``contents`` (and the config's tools, schema, system instruction).

        Counted: text; function call and response names, keys and string values; function
        declarations' names, descriptions and schemas; the response schema; the system
        instruction. Loads the model first if needed (blocking: use :meth:`acount_tokens` in
        async code).

        Args:
            contents: Anything ``generate_content`` accepts as contents, text only.
            config: A :class:`~genai_actors.types.CountTokensConfig` or dict: ``tools``,
                ``generation_config.response_schema`` and ``system_instruction`` are counted.

        Returns:
            ``CountTokensResponse(total_tokens=...)``.

        Raises:
            InvalidRequestError: (a ``ValueError``) Inline or file data, or malformed contents.
            TokenizerModelError, ImportError, OSError: As for :meth:`load`.

        Warns:
            UncountedFieldsWarning: A Part has fields that are not counted (``thought``,
                ``executable_code``, ...).
        """
        gathered = self._gather_count(contents, config)
        self.load()
        assert self._encoder is not None
        return CountTokensResponse(total_tokens=self._encoder.count(gathered.texts))

    async def acount_tokens(self, contents: Any, *, config: Any = None) -> CountTokensResponse:
        """:meth:`count_tokens` for async code: loading (and encoding long texts) never blocks
        the event loop.

        Raises:
            The errors of :meth:`count_tokens`. Cancellation while loading returns at once (the
            load finishes in its thread).
        """
        gathered = self._gather_count(contents, config)
        await self.aload()
        encoder = self._encoder
        assert encoder is not None
        if sum(map(len, gathered.texts)) <= _INLINE_CHARS:
            total = encoder.count(gathered.texts)
        else:
            total = await anyio.to_thread.run_sync(encoder.count, gathered.texts)
        return CountTokensResponse(total_tokens=total)

    def compute_tokens(self, contents: Any) -> ComputeTokensResponse:
        """The token ids and byte pieces of each counted string of ``contents``, with its role.

        One ``TokensInfo`` per counted string, in order (a function call gives one for its
        name, each key and each string value), so ids, pieces and roles always line up.
        Pieces are bytes: ``<0xXX>`` byte pieces as that byte, ``▁`` as a space; the pieces
        of a string joined are that string's UTF-8 bytes.

        Returns:
            ``ComputeTokensResponse(tokens_info=[TokensInfo(token_ids, tokens, role), ...])``.

        Raises:
            The errors of :meth:`count_tokens`.
        """
        gathered = self._checked(self._gather_contents(contents))
        self.load()
        assert self._encoder is not None
        return _compute(self._encoder, gathered)

    async def acompute_tokens(self, contents: Any) -> ComputeTokensResponse:
        """:meth:`compute_tokens` for async code (loading and long texts in a worker thread).

        Raises:
            The errors of :meth:`compute_tokens`.
        """
        gathered = self._checked(self._gather_contents(contents))
        await self.aload()
        encoder = self._encoder
        assert encoder is not None
        if sum(map(len, gathered.texts)) <= _INLINE_CHARS:
            return _compute(encoder, gathered)
        return await anyio.to_thread.run_sync(_compute, encoder, gathered)


def _compute(encoder: Encoder, gathered: Gathered) -> ComputeTokensResponse:
    infos = [
        TokensInfo(token_ids=ids, tokens=encoder.pieces(ids), role=role)
        for ids, role in zip(encoder.encode(gathered.texts), gathered.roles, strict=True)
    ]
    return ComputeTokensResponse(tokens_info=infos)


def _schema(value: Any) -> Schema:
    if isinstance(value, Schema):
        return value
    if isinstance(value, dict):
        result: Schema = coerce(value, Schema, "config.generation_config.response_schema")
        return result
    converted = t_schema(value)
    return Schema() if converted is None else converted


def _snake(path: str) -> str:
    """``contents[0].parts[1].inlineData`` -> ``contents[0].parts[1].inline_data``."""
    head, _, last = path.rpartition(".")
    snake = "".join("_" + c.lower() if c.isupper() else c for c in last)
    return f"{head}.{snake}" if head else snake
