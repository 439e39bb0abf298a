"""Tokenizer models trained at test time, and a loopback HTTP server to fetch them from.

The real Gemma models cannot be fetched here, so each session trains a small SentencePiece model
(BPE with byte fallback, identity normalisation and no dummy prefix, as Gemma's) and a small
``tokenizers`` BPE model of the same kind; every loading, caching and counting path runs on them.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import genai_actors._tokenizer._local as local_module
from genai_actors._tokenizer._models import TokenizerSpec

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "What is your name? My name is Gemini, and I count tokens.",
    "def get_weather(city: str) -> dict: return {'city': city, 'temperature': 21}",
    "Le café est très bon, merci beaucoup !",
    "東京は日本の首都です。天気はどうですか?",
    "function call get_weather city Paris unit celsius description required enum",
    "Numbers like 1234567 and 3.14159 are split into digits.",
]


def train_sentencepiece(vocab_size: int = 512) -> bytes:
    """A small SentencePiece model shaped like Gemma's (BPE, byte fallback, identity)."""
    import sentencepiece

    out = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 40),
        model_writer=out,
        vocab_size=vocab_size,
        model_type="bpe",
        byte_fallback=True,
        normalization_rule_name="identity",
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        split_digits=True,
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return out.getvalue()


def train_tokenizers_json(vocab_size: int = 300) -> str:
    """A small ``tokenizer.json`` shaped like Gemma 4's: BPE over ``▁``, byte fallback, BOS."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(byte_fallback=True))
    tok.normalizer = normalizers.Replace(" ", "\u2581")
    tok.pre_tokenizer = pre_tokenizers.Split("\u2581", behavior="merged_with_next")
    tok.decoder = decoders.Sequence(
        [decoders.Replace("\u2581", " "), decoders.ByteFallback(), decoders.Fuse()]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["<pad>", "<bos>", "<eos>"], show_progress=False
    )
    tok.train_from_iterator(CORPUS * 20, trainer)
    data = json.loads(tok.to_str())
    vocab = data["model"]["vocab"]
    for byte in range(256):
        vocab.setdefault(f"<0x{byte:02X}>", len(vocab))
    # A BOS the way Gemma's post-processor adds it: counting must leave it out.
    data["post_processor"] = {
        "type": "TemplateProcessing",
        "single": [
            {"SpecialToken": {"id": "<bos>", "type_id": 0}},
            {"Sequence": {"id": "A", "type_id": 0}},
        ],
        "pair": [{"Sequence": {"id": "A", "type_id": 0}}],
        "special_tokens": {"<bos>": {"id": "<bos>", "ids": [vocab["<bos>"]], "tokens": ["<bos>"]}},
    }
    return json.dumps(data)


@pytest.fixture(scope="session")
def spm_bytes() -> bytes:
    """The bytes of the test SentencePiece model."""
    return train_sentencepiece()


@pytest.fixture(scope="session")
def spm_path(spm_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test SentencePiece model as a file."""
    path = tmp_path_factory.mktemp("models") / "tiny.spiece.model"
    path.write_bytes(spm_bytes)
    return path


@pytest.fixture(scope="session")
def hf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test ``tokenizer.json``."""
    path = tmp_path_factory.mktemp("hf") / "tokenizer.json"
    path.write_text(train_tokenizers_json())
    return path


@pytest.fixture
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget the process-wide loaded-model memo, so each test loads from disk or network."""
    monkeypatch.setattr(local_module, "_LOADED", {})


class ModelServer:
    """A loopback HTTP server serving one body at ``/model`` and counting its requests."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.requests = 0
        self.status = 200
        self.stall = threading.Event()  # set: hold each response until `release` is set
        self.release = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests += 1
                if server.stall.is_set():
                    server.release.wait(10)
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    self.wfile.write(server.body)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/model"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)


@pytest.fixture
def model_server(spm_bytes: bytes) -> Iterator[ModelServer]:
    """A loopback server holding the test SentencePiece model."""
    server = ModelServer(spm_bytes)
    try:
        yield server
    finally:
        server.close()


def pinned_spec(data: bytes, url: str) -> TokenizerSpec:
    """A pin for ``data`` served at ``url``, shaped like the real Gemma 3 pin."""
    return TokenizerSpec(
        name="gemma3",
        url=url,
        sha256=hashlib.sha256(data).hexdigest(),
        file_name="gemma3_cleaned_262144_v2.spiece.model",
    )
