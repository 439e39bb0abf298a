"""Loading tokenizer models: the pinned download over a loopback HTTP server, the per-user cache
(sha256 checked on every load, atomic writes, corrupt files replaced), local files, the
HuggingFace cache, and the errors that say how to pre-seed the cache."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import anyio
import pytest

from genai_actors import LocalTokenizer
from genai_actors._tokenizer import _cache, _models
from genai_actors._tokenizer._cache import cache_dir_for, load_pinned
from genai_actors.local_tokenizer import TokenizerModelError

from .conftest import ModelServer, pinned_spec

pytestmark = pytest.mark.usefixtures("fresh_memo")


def test_fetched_once_then_read_from_the_cache(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """The first load downloads and caches the file; the next loads read the cache only."""
    spec = pinned_spec(spm_bytes, model_server.url)
    assert load_pinned(spec, tmp_path, timeout=5) == spm_bytes
    assert (tmp_path / spec.file_name).read_bytes() == spm_bytes  # type: ignore[operator]
    assert load_pinned(spec, tmp_path, timeout=5) == spm_bytes
    assert model_server.requests == 1
    assert [p.name for p in tmp_path.iterdir()] == [spec.file_name]  # no temporary file left


def test_corrupt_cache_file_is_replaced(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """A cached file that fails its hash (checked on every load) is fetched again."""
    spec = pinned_spec(spm_bytes, model_server.url)
    cached = tmp_path / str(spec.file_name)
    cached.write_bytes(spm_bytes[:-10] + b"corrupted!")
    assert load_pinned(spec, tmp_path, timeout=5) == spm_bytes
    assert cached.read_bytes() == spm_bytes
    assert model_server.requests == 1


def test_hash_mismatch_is_refused_and_says_how_to_pre_seed(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """A download that does not match the pin raises, caches nothing, and explains the fix."""
    spec = pinned_spec(b"another file", model_server.url)
    with pytest.raises(TokenizerModelError, match="sha256") as info:
        load_pinned(spec, tmp_path, timeout=5)
    message = str(info.value)
    assert str(tmp_path / str(spec.file_name)) in message
    assert "GENAI_ACTORS_CACHE_DIR" in message
    assert isinstance(info.value, ValueError)
    assert list(tmp_path.iterdir()) == []


def test_fetch_failures_raise_with_the_pre_seed_hint(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """An HTTP error or a refused connection is a TokenizerModelError naming the URL."""
    model_server.status = 404
    spec = pinned_spec(spm_bytes, model_server.url)
    with pytest.raises(TokenizerModelError, match=r"404.*copy it to"):
        load_pinned(spec, tmp_path, timeout=5)
    closed = pinned_spec(spm_bytes, "http://127.0.0.1:9/model")
    with pytest.raises(TokenizerModelError, match="cannot fetch"):
        load_pinned(closed, tmp_path, timeout=5)


def test_download_has_a_finite_timeout(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """A server that never answers is given up on after the timeout."""
    model_server.stall.set()
    spec = pinned_spec(spm_bytes, model_server.url)
    started = time.monotonic()
    with pytest.raises(TokenizerModelError, match=r"timed out|within"):
        load_pinned(spec, tmp_path, timeout=0.3)
    assert time.monotonic() - started < 3
    with pytest.raises(ValueError, match="timeout"):
        load_pinned(spec, tmp_path, timeout=float("inf"))
    with pytest.raises(ValueError, match="timeout"):
        LocalTokenizer("gemini-2.5-flash", timeout=0)


def test_cache_directory_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The argument wins over GENAI_ACTORS_CACHE_DIR, which wins over the per-user default."""
    monkeypatch.setenv("GENAI_ACTORS_CACHE_DIR", str(tmp_path / "env"))
    assert cache_dir_for(tmp_path / "arg") == tmp_path / "arg"
    assert cache_dir_for() == tmp_path / "env"
    monkeypatch.delenv("GENAI_ACTORS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache_dir_for() == tmp_path / "xdg" / "genai-actors" / "tokenizers"


def test_local_tokenizer_end_to_end_through_the_cache(
    model_server: ModelServer,
    spm_bytes: bytes,
    spm_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the Gemma 3 pin pointed at the test model, a LocalTokenizer downloads it into
    GENAI_ACTORS_CACHE_DIR once and counts as the same file given directly."""
    spec = pinned_spec(spm_bytes, model_server.url)
    monkeypatch.setitem(_models.KNOWN_MODELS, "gemini-2.5-flash", spec)
    monkeypatch.setenv("GENAI_ACTORS_CACHE_DIR", str(tmp_path))
    tok = LocalTokenizer("gemini-2.5-flash")
    assert not tok.loaded
    count = tok.count_tokens("What is your name?").total_tokens
    direct = LocalTokenizer("gemini-2.5-flash", model_path=spm_path)
    assert count == direct.count_tokens("What is your name?").total_tokens
    assert (tmp_path / str(spec.file_name)).exists()
    LocalTokenizer("gemini-2.5-flash").count_tokens("again")  # shared: no second download
    assert model_server.requests == 1


def test_mirror_url_is_still_hash_checked(
    model_server: ModelServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """download_url fetches from a mirror, but the real pinned sha256 still applies."""
    tok = LocalTokenizer("gemini-2.5-flash", cache_dir=tmp_path, download_url=model_server.url)
    with pytest.raises(TokenizerModelError, match=_models.GEMMA3.sha256 or "?"):
        tok.count_tokens("x")
    assert model_server.requests == 1


async def test_aload_does_not_block_the_event_loop(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a download is held by the server, the event loop keeps running other tasks (here
    the task that lets the server answer: were the loop blocked, the fetch would time out)."""
    spec = pinned_spec(spm_bytes, model_server.url)
    monkeypatch.setitem(_models.KNOWN_MODELS, "gemini-2.5-flash", spec)
    model_server.stall.set()
    tok = LocalTokenizer("gemini-2.5-flash", cache_dir=tmp_path, timeout=5)
    ran: list[int] = []

    async def release_when_the_loop_has_run() -> None:
        for _ in range(5000):  # the server's thread counts the request
            if model_server.requests:
                break
            await anyio.sleep(0.001)
        for step in range(5):  # the loop keeps turning while the fetch is held
            ran.append(step)
            await anyio.sleep(0.001)
        model_server.release.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(release_when_the_loop_has_run)
        await tok.aload()
    assert ran == [0, 1, 2, 3, 4]
    assert tok.loaded
    assert model_server.requests == 1


def test_local_model_path_skips_download_and_hash(spm_path: Path, tmp_path: Path) -> None:
    """model_path loads that file as is, with nothing written to the cache."""
    tok = LocalTokenizer("gemini-3-pro-preview", model_path=spm_path, cache_dir=tmp_path)
    tok.load()
    assert tok.loaded
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        LocalTokenizer("gemini-2.5-flash", model_path=tmp_path / "missing").load()
    bad = tmp_path / "bad.model"
    bad.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="not a valid SentencePiece model"):
        LocalTokenizer("gemini-2.5-flash", model_path=bad).load()


def test_gemma4_models_use_tokenizer_json_without_special_tokens(hf_path: Path) -> None:
    """A Gemma 4 model counts with a tokenizer.json through `tokenizers`, BOS left out."""
    from tokenizers import Tokenizer

    oracle = Tokenizer.from_file(str(hf_path))
    tok = LocalTokenizer("gemini-3.5-flash", model_path=hf_path)
    text = "Hello wörld 😀 the quick fox"
    ids = oracle.encode(text, add_special_tokens=False).ids
    assert tok.count_tokens(text).total_tokens == len(ids)
    assert len(oracle.encode(text).ids) == len(ids) + 1  # the model does add a BOS by default
    info = (tok.compute_tokens(text).tokens_info or [])[0]
    assert info.token_ids == ids
    assert b"".join(info.tokens or []) == text.encode()


def test_gemma4_from_the_huggingface_cache(
    hf_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without model_path, the tokenizer.json is found in the HuggingFace cache layout."""
    snapshot = tmp_path / "models--google--gemma-4-E4B-it" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "tokenizer.json").write_bytes(hf_path.read_bytes())
    (tmp_path / "models--google--gemma-4-E4B-it" / "refs").mkdir()
    (tmp_path / "models--google--gemma-4-E4B-it" / "refs" / "main").write_text("abc123")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    direct = LocalTokenizer("gemini-3.1-pro-preview", model_path=hf_path)
    cached = LocalTokenizer("gemini-3.1-pro-preview")
    assert (
        cached.count_tokens("the fox").total_tokens == direct.count_tokens("the fox").total_tokens
    )
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty"))
    with pytest.raises(TokenizerModelError, match="hf download google/gemma-4-E4B-it"):
        LocalTokenizer("gemini-3.1-flash-lite").load()


def test_missing_tokenizers_extra_is_named(monkeypatch: pytest.MonkeyPatch, hf_path: Path) -> None:
    """Without the tokenizers library, a Gemma 4 model's error names the extra to install."""
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # what an absent package looks like
    with pytest.raises(ImportError, match=r"genai-actors\[tokenizers\]"):
        LocalTokenizer("gemini-3.5-flash", model_path=hf_path).load()


def test_unwritable_cache_still_loads(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """A cache directory that cannot be written does not stop the model from loading."""
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    spec = pinned_spec(spm_bytes, model_server.url)
    assert load_pinned(spec, blocker / "cache", timeout=5) == spm_bytes


def test_default_timeout_is_finite() -> None:
    """The default download timeout is finite (google-genai's has none)."""
    assert 0 < _cache.DEFAULT_TIMEOUT < 600
    assert os.path.basename(_models.GEMMA3.url or "") == _models.GEMMA3.file_name


def test_concurrent_loads_leave_one_whole_file(
    model_server: ModelServer, spm_bytes: bytes, tmp_path: Path
) -> None:
    """Several threads loading into one cache all get the model; one whole file remains."""
    from concurrent.futures import ThreadPoolExecutor

    spec = pinned_spec(spm_bytes, model_server.url)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: load_pinned(spec, tmp_path, timeout=5), range(4)))
    assert all(r == spm_bytes for r in results)
    assert [p.name for p in tmp_path.iterdir()] == [spec.file_name]
    assert (tmp_path / str(spec.file_name)).read_bytes() == spm_bytes
