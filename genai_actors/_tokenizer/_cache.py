"""The per-user cache of tokenizer model files: fetched once, verified on every load.

A pinned model is looked up as ``<cache dir>/<file name>``. A cached file whose sha256 matches
the pin is used; a file that does not match is deleted and fetched again. A fetched file is
checked against the pin before it is written, and written atomically (a temporary file in the
same directory, then a rename), so a reader never sees half a model.

The cache directory is, in order: the ``cache_dir`` argument, ``$GENAI_ACTORS_CACHE_DIR``, or
the platform's per-user cache (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux,
``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows) + ``genai-actors/tokenizers``.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from .. import _log
from ..errors import GenAIError
from ._models import TokenizerSpec

__all__ = [
    "CACHE_ENV",
    "DEFAULT_TIMEOUT",
    "MAX_MODEL_BYTES",
    "TokenizerModelError",
    "cache_dir_for",
    "load_pinned",
]

CACHE_ENV = "GENAI_ACTORS_CACHE_DIR"
DEFAULT_TIMEOUT = 60.0
MAX_MODEL_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 20
_log_ = _log.get_logger("genai_actors.tokenizer")


class TokenizerModelError(GenAIError, ValueError):
    """A tokenizer model could not be fetched, or does not match its pinned sha256.

    The message says how to pre-seed the cache on a machine without internet access.
    """


def cache_dir_for(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The directory model files are cached in (see the module docstring for the order)."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "genai-actors" / "Cache" / "tokenizers"
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "genai-actors" / "tokenizers"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _how_to_seed(spec: TokenizerSpec, path: Path) -> str:
    return (
        f"To work offline, download {spec.url} on a machine with internet access and copy it "
        f"to {path} (or set {CACHE_ENV} to a directory holding {spec.file_name}, or give the "
        "file directly: LocalTokenizer(..., model_path=PATH), genai-actors tokens count "
        "--model-file PATH)."
    )


def _read_cached(path: Path, sha256: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:  # absent, or unreadable: fetched (and rewritten if possible)
        return None
    if _sha256(data) == sha256:
        return data
    _log_.warning("tokenizer.cache_corrupt", path=str(path))
    try:
        path.unlink()
    except OSError:
        pass  # replaced by the atomic write below, or read-only: the fetch result still counts
    return None


def _fetch(url: str, timeout: float) -> bytes:
    # Each socket operation waits at most ``timeout``, and the deadline is checked between
    # chunks: a stalled or trickling server is given up on within about twice ``timeout``.
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"User-Agent": "genai-actors"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        chunks = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no complete response within {timeout:g} s")
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_MODEL_BYTES:
                raise OSError(f"the response is larger than {MAX_MODEL_BYTES} bytes")
            chunks.append(chunk)
    return b"".join(chunks)


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:  # a read-only or full cache: the model is still usable this time
        _log_.warning("tokenizer.cache_write_failed", path=str(path), error=str(exc))


def load_pinned(
    spec: TokenizerSpec,
    cache_dir: str | os.PathLike[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    url: str | None = None,
) -> bytes:
    """The bytes of a pinned model file: from the cache, or fetched once and cached.

    Blocks (file and network I/O): call it from a worker thread in async code.

    Args:
        spec: A tokenizer with a pinned ``url`` and ``sha256``.
        cache_dir: The cache directory (default: see :func:`cache_dir_for`).
        timeout: Seconds the whole download may take.
        url: A mirror to fetch from instead of ``spec.url`` (the pinned sha256 still applies).

    Raises:
        TokenizerModelError: The file cannot be fetched, or the fetched file does not match the
            pinned sha256; the message says how to pre-seed the cache.
        ValueError: ``timeout`` is not a finite number of seconds > 0.
    """
    if spec.url is None or spec.sha256 is None or spec.file_name is None:
        raise ValueError(f"tokenizer {spec.name!r} has no pinned model file")
    if not (isinstance(timeout, int | float) and 0 < timeout < float("inf")):
        raise ValueError(f"timeout must be a finite number of seconds > 0, got {timeout!r}")
    path = cache_dir_for(cache_dir) / spec.file_name
    data = _read_cached(path, spec.sha256)
    if data is not None:
        return data
    source = url or spec.url
    _log_.info("tokenizer.fetch", url=source, path=str(path))
    try:
        data = _fetch(source, timeout)
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
        raise TokenizerModelError(
            f"cannot fetch the {spec.name} tokenizer model from {source}: {exc}. "
            + _how_to_seed(spec, path)
        ) from exc
    actual = _sha256(data)
    if actual != spec.sha256:
        raise TokenizerModelError(
            f"the {spec.name} tokenizer model fetched from {source} has sha256 {actual}, "
            f"not the pinned {spec.sha256}. " + _how_to_seed(spec, path)
        )
    _write_atomically(path, data)
    return data
