"""The :class:`Emulator`: an emulated Gemini API server on a loopback port.

Use it inside a running event loop (``async with Emulator() as emu``) or from synchronous code,
where it runs on its own thread and event loop (``with Emulator() as emu``); the second form is
what the pytest fixture uses, so blocking clients (google-genai's sync client) can call it too.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from genai_actors._tokenizer._core import load_encoder

from ._app import build_app
from ._auth_tokens import TokenStore
from ._batches import BatchStore
from ._credentials import authorized_user_info, service_account_info, write_json
from ._faults import FaultConfig, Faults
from ._files import FileStore
from ._live import LIVE_KEY
from ._live_state import LiveStore
from ._oauth import OAuthStore
from ._operations import OperationStore
from ._recorder import Recorder
from ._state import EmulatorState, Settings
from ._tls import TlsFiles, make_certificate, server_context
from ._upload import UploadStore

__all__ = ["Emulator", "serve"]


class Emulator:
    """An offline Gemini API server: the Developer API and Vertex AI on one port.

    Args:
        host: The interface to bind (loopback by default).
        port: The port; 0 picks a free one.
        api_key: The only API key accepted; ``None`` accepts any non-empty key.
        seed: Mixed into generated content and the fault RNG.
        faults: Faults for every model.
        model_faults: Faults for particular models, by id or ``models/...`` name.
        video_polls: Polls (``operations.get``) a video operation takes to finish.
        video_delay: Seconds before a video operation may finish.
        file_uri_scheme: Scheme of generated files' URIs (see :class:`Settings`).
        chunk_words: About how many words each streamed text event carries.
        record_limit: How many requests ``recorded`` keeps (``None``: all).
        clock: Monotonic seconds for rate-limit windows, operation delays and the wall clock
            every timestamp and expiry uses.
        job_polls: Polls each stage of a batch, tuning or file-search import takes.
        job_delay: Seconds each such stage lasts at least.
        file_processing_gets: ``files.get`` calls a PROCESSING upload needs to become ACTIVE.
        file_processing_delay: Seconds a PROCESSING upload stays PROCESSING at least.
        tokenizer_model: A tokenizer model file (SentencePiece ``.model`` or ``tokenizer.json``)
            to count every token with, as :class:`genai_actors.LocalTokenizer` does with the same
            file (``countTokens``, ``usageMetadata``, and ``computeTokens``, which is served
            only then); by default a token is a word or a punctuation mark. Read here, blocking.
        tls: Serve HTTPS and WSS with a self-signed certificate for 127.0.0.1 and localhost
            (made with ``cryptography``); :attr:`tls_ca_path` is the PEM clients must trust.
        certfile: Serve HTTPS and WSS with this certificate (PEM) instead; needs ``keyfile``.
        keyfile: The private key of ``certfile``.
        bearer_tokens: Vertex AI bearer tokens accepted besides those the emulator's OAuth
            token endpoint (``POST /token``, :attr:`token_uri`) issues.
        token_lifetime: Seconds a token issued by ``POST /token`` stays valid (``expires_in``).
        vertex_projects: The only Vertex AI projects served (others: 403 PERMISSION_DENIED);
            empty (the default) serves every project.

    More knobs (cache TTL bounds, batch shuffling and expiry, which uploads start PROCESSING)
    are fields of :class:`~._state.Settings`, changeable at run time through
    ``emu.state.settings`` or ``POST /_emulator/settings``. Uploads are stored in a temporary
    directory that :meth:`aclose` removes.

    Raises:
        ValueError: For a negative ``video_polls``/``video_delay``, an unknown URI scheme, or a
            ``tokenizer_model`` that is not a tokenizer model.
        OSError: ``tokenizer_model`` cannot be read.
        ImportError: A ``tokenizer.json`` without the ``genai-actors[tokenizers]`` extra.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        seed: int = 0,
        faults: FaultConfig | None = None,
        model_faults: Mapping[str, FaultConfig] | None = None,
        video_polls: int = 2,
        video_delay: float = 0.0,
        file_uri_scheme: str = "https",
        chunk_words: int = 8,
        record_limit: int | None = 10_000,
        clock: Callable[[], float] = time.monotonic,
        job_polls: int = 1,
        job_delay: float = 0.0,
        file_processing_gets: int = 1,
        file_processing_delay: float = 0.0,
        tokenizer_model: str | PathLike[str] | None = None,
        tls: bool = False,
        certfile: str | os.PathLike[str] | None = None,
        keyfile: str | os.PathLike[str] | None = None,
        bearer_tokens: Iterable[str] = (),
        token_lifetime: float = 3600.0,
        vertex_projects: Iterable[str] = (),
    ) -> None:
        if video_polls < 0 or video_delay < 0:
            raise ValueError("video_polls and video_delay must be >= 0")
        if min(job_polls, file_processing_gets) < 0 or min(job_delay, file_processing_delay) < 0:
            raise ValueError("job and file-processing polls and delays must be >= 0")
        if file_uri_scheme not in ("http", "https"):
            raise ValueError("file_uri_scheme must be 'http' or 'https'")
        if chunk_words < 1:
            raise ValueError("chunk_words must be >= 1")
        if (certfile is None) != (keyfile is None):
            raise ValueError("certfile and keyfile go together")
        if token_lifetime < 0:
            raise ValueError("token_lifetime must be >= 0")
        settings = Settings(
            api_key=api_key,
            seed=seed,
            video_polls=video_polls,
            video_delay=video_delay,
            file_uri_scheme=file_uri_scheme,
            chunk_words=chunk_words,
            job_polls=job_polls,
            job_delay=job_delay,
            file_processing_gets=file_processing_gets,
            file_processing_delay=file_processing_delay,
            bearer_tokens=tuple(bearer_tokens),
            token_lifetime=float(token_lifetime),
            vertex_projects=tuple(vertex_projects),
        )
        self.state = EmulatorState(
            settings,
            faults=faults,
            model_faults=model_faults,
            record_limit=record_limit,
            clock=clock,
        )
        tokenizer = None if tokenizer_model is None else load_encoder(tokenizer_model)
        self.app = build_app(self.state, tokenizer)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._tls: TlsFiles | None = None
        self._tls_dir: Path | None = None  # a certificate made here, removed by aclose()
        self._make_tls = tls and certfile is None
        if certfile is not None and keyfile is not None:
            self._tls = TlsFiles(Path(certfile), Path(keyfile))

    # -- accessors -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash).

        Raises:
            RuntimeError: If the emulator is not running.
        """
        if self._url is None:
            raise RuntimeError("the emulator is not running")
        return self._url

    @property
    def token_uri(self) -> str:
        """The OAuth 2.0 token endpoint (``{url}/token``) for a credentials file's ``token_uri``.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        return f"{self.url}/token"

    @property
    def oauth(self) -> OAuthStore:
        """Issued Vertex AI tokens: ``issued`` counts by grant, ``expire()``,
        ``register_service_account``."""
        return self.state.oauth

    def service_account(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        project_id: str = "emulator-project",
        client_email: str | None = None,
    ) -> dict[str, Any]:
        """Make a service-account key whose ``token_uri`` is :attr:`token_uri` and whose
        signature the token endpoint checks; write it to ``path`` when given.

        Returns:
            The key file's contents (for ``Credentials.from_service_account_info``).

        Raises:
            RuntimeError: If the emulator is not running.
            ImportError: Without ``cryptography`` (the ``emulator-tls`` extra).
        """
        info, public_pem = service_account_info(
            self.token_uri, project_id=project_id, client_email=client_email
        )
        self.state.oauth.register_service_account(info["client_email"], public_pem)
        if path is not None:
            write_json(path, info)
        return info

    def authorized_user(
        self, path: str | os.PathLike[str] | None = None, *, quota_project_id: str | None = None
    ) -> dict[str, Any]:
        """User credentials (``authorized_user``) refreshed at :attr:`token_uri`; written to
        ``path`` when given.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        info = authorized_user_info(self.token_uri, quota_project_id=quota_project_id)
        if path is not None:
            write_json(path, info)
        return info

    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: If the emulator is not running.
        """
        return int(self.url.rsplit(":", 1)[1])

    @property
    def recorded(self) -> Recorder:
        """Every API request received so far (``emu.recorded.clear()`` forgets them)."""
        return self.state.recorder

    @property
    def faults(self) -> Faults:
        """The fault controller: ``configure``, ``fail_next``, ``clear``."""
        return self.state.faults

    @property
    def operations(self) -> OperationStore:
        """The long-running operation store."""
        return self.state.operations

    @property
    def files(self) -> FileStore:
        """The file store (uploads and generated media)."""
        return self.state.files

    @property
    def uploads(self) -> UploadStore:
        """Resumable upload sessions; ``emu.uploads.drop_connection(...)`` scripts drops."""
        return self.state.uploads

    @property
    def batches(self) -> BatchStore:
        """Batch jobs (``finish``/``fail`` force their outcome)."""
        return self.state.batches

    @property
    def tls_ca_path(self) -> Path | None:
        """The certificate (PEM) clients must trust while serving TLS, else None."""
        return self._tls.ca_path if self._tls is not None else None

    @property
    def live(self) -> LiveStore:
        """Live sessions: ``settings``, ``add_fault(LiveFault(...))``, ``consumed(id)``."""
        return self.app[LIVE_KEY]

    @property
    def auth_tokens(self) -> TokenStore:
        """Ephemeral tokens; ``check`` is what the Live endpoint validates with."""
        return self.state.auth_tokens

    # -- in the current event loop ---------------------------------------------------------------

    async def start(self) -> str:
        """Bind and start serving in the running event loop; returns :attr:`url`.

        Raises:
            RuntimeError: If already running.
            OSError: If the address cannot be bound.

        If cancelled, or if binding fails, the half-started runner is cleaned up first, so no
        socket is left open.
        """
        owned_elsewhere = (
            self._thread is not None and self._thread is not threading.current_thread()
        )
        if self._runner is not None or owned_elsewhere:
            raise RuntimeError("the emulator is already running")
        if self._make_tls and self._tls_dir is None:
            self._tls_dir = Path(tempfile.mkdtemp(prefix="gemini-emulator-tls-"))
            self._tls = make_certificate(self._tls_dir)
        runner = web.AppRunner(
            self.app, access_log=None, handle_signals=False, shutdown_timeout=0.5
        )
        await runner.setup()
        try:
            context = server_context(self._tls) if self._tls is not None else None
            site = web.TCPSite(runner, self._host, self._port, ssl_context=context)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        shown = f"[{host}]" if ":" in host else host
        scheme = "https" if self._tls is not None else "http"
        self._url = f"{scheme}://{shown}:{port}"
        return self._url

    async def aclose(self) -> None:
        """Stop serving, close open connections and remove the temporary directory. Idempotent.

        On cancellation the runner is still cleaned up and the directory removed before the
        cancellation propagates.
        """
        runner, self._runner = self._runner, None
        self._url = None
        try:
            if runner is not None:
                await runner.cleanup()
        finally:
            self.state.close()
            tls_dir, self._tls_dir = self._tls_dir, None
            if tls_dir is not None:
                shutil.rmtree(tls_dir, ignore_errors=True)
                self._tls = None

    async def __aenter__(self) -> Emulator:
        """Start serving (see :meth:`start`)."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop serving (see :meth:`aclose`)."""
        await self.aclose()

    # -- on a thread of its own ------------------------------------------------------------------

    def start_in_thread(self, timeout: float = 10.0) -> str:
        """Serve from a background thread with its own event loop; returns :attr:`url`.

        Raises:
            RuntimeError: If already running, or if the server did not start within ``timeout``
                seconds (the startup error is chained).
        """
        if self._runner is not None or self._thread is not None:
            raise RuntimeError("the emulator is already running")
        ready = threading.Event()
        failure: list[BaseException] = []

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                await self.start()
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            try:
                await self._stop.wait()
            finally:
                await self.aclose()

        self._thread = threading.Thread(
            target=asyncio.run, args=(main(),), name="gemini-emulator", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout) or failure:
            self.stop_thread()
            cause = failure[0] if failure else None
            raise RuntimeError("the emulator failed to start") from cause
        return self.url

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a server started with :meth:`start_in_thread` and join its thread. Idempotent."""
        thread, self._thread = self._thread, None
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:
                pass
        if thread is not None:
            thread.join(timeout)
        self._loop = self._stop = None

    def __enter__(self) -> Emulator:
        self.start_in_thread()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_thread()

    def __repr__(self) -> str:
        where = self._url or "stopped"
        return f"<Emulator {where}>"


async def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    api_key: str | None = None,
    ready: Callable[[str], None] | None = None,
    **options: object,
) -> None:
    """Run an emulator until cancelled (the command line uses :class:`Emulator` directly).

    Args:
        host: The interface to bind.
        port: The port to bind (0 picks a free one).
        api_key: The only API key accepted; ``None`` accepts any.
        ready: Called with the URL once serving.
        **options: More :class:`Emulator` keyword arguments.

    Raises:
        OSError: If the address cannot be bound.

    Cancellation (Ctrl-C under ``asyncio.run``) stops the server and closes its sockets before
    propagating.
    """
    emulator = Emulator(host=host, port=port, api_key=api_key, **options)  # type: ignore[arg-type]
    async with emulator:
        if ready is not None:
            ready(emulator.url)
        await asyncio.Event().wait()
