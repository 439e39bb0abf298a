"""The emulator's shared state: settings, clocks, every resource store, faults and the recorder.

One :class:`EmulatorState` lives in the aiohttp application; every handler reaches it through
``call.state``. Each resource (files, uploads, caches, batches, tunings, file-search stores, auth
tokens) has its store here and its own module for routes.

Time: ``clock`` is monotonic seconds (injectable for virtual time); ``now()`` is the wall clock
derived from it, so every ``createTime``/``expireTime`` and every expiry check moves with an
injected clock.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._auth_tokens import TokenStore
from ._batches import BatchStore
from ._caches import CacheStore
from ._catalog import ModelInfo, default_models, default_tuned_models
from ._errors import ApiError
from ._faults import FaultConfig, Faults
from ._file_search import FileSearchStore
from ._files import FileStore
from ._oauth import OAuthStore
from ._operations import OperationStore
from ._recorder import Recorder
from ._tunings import TuningStore
from ._upload import UploadStore
from ._vertex_jobs import VertexStore

if TYPE_CHECKING:
    from ._upload import UploadSession

__all__ = ["STATE_KEY", "EmulatorState", "Settings"]


@dataclass
class Settings:
    """Emulator-wide settings.

    Attributes:
        api_key: The only key accepted; ``None`` accepts any non-empty key.
        seed: Mixed into every generated text and into fault RNGs.
        video_polls: How many ``operations.get`` calls a video operation takes to finish.
        video_delay: Seconds before a video operation may finish.
        file_uri_scheme: The scheme of ``uri``/``downloadUri`` of generated files. ``https`` (the
            default) keeps google-genai's ``files.download(file=video)`` working (it only parses
            ``https://`` URIs); ``http`` makes the URI fetchable directly from the emulator.
        chunk_words: Roughly how many words each streamed text event carries.
        file_processing_gets: ``files.get`` calls an upload that starts PROCESSING needs before
            it is ACTIVE.
        file_processing_delay: Seconds such an upload stays PROCESSING at least.
        file_processing_types: MIME prefixes of uploads that start PROCESSING.
        file_processing_min_bytes: Uploads at least this large start PROCESSING.
        job_polls: Polls (GETs of the job or its operation) each stage of a batch, tuning or
            file-search import takes (PENDING -> RUNNING -> SUCCEEDED is two stages).
        job_delay: Seconds each such stage lasts at least.
        batch_shuffle: Return inline batch results in a deterministic shuffled order, as the
            real service does (clients must match them by ``metadata``/``key``); with two or
            more results, never the request order.
        batch_expiry: Seconds after which a batch that has not finished becomes EXPIRED.
        cache_min_ttl: The smallest TTL, in seconds, a cached content may be given.
        cache_min_tokens: The fewest tokens a cached content may hold (the real API requires
            between 1,024 and 4,096 depending on the model; 1 here so small tests work).
        cache_default_ttl: The TTL of a cache created without ``ttl`` or ``expireTime``.
        bearer_tokens: Vertex AI bearer tokens accepted besides those ``POST /token`` issued
            (they never expire).
        token_lifetime: Seconds (of ``clock``) a token issued by ``POST /token`` stays valid;
            also its ``expires_in``.
        vertex_projects: The Vertex AI projects served; a call naming another one is refused
            with 403 PERMISSION_DENIED. Empty (the default): every project is served.
    """

    api_key: str | None = None
    seed: int = 0
    video_polls: int = 2
    video_delay: float = 0.0
    file_uri_scheme: str = "https"
    chunk_words: int = 8
    file_processing_gets: int = 1
    file_processing_delay: float = 0.0
    file_processing_types: tuple[str, ...] = ("video/",)
    file_processing_min_bytes: int = 20 * 1024 * 1024
    job_polls: int = 1
    job_delay: float = 0.0
    batch_shuffle: bool = True
    batch_expiry: float = 48 * 3600.0
    cache_min_ttl: float = 1.0
    cache_min_tokens: int = 1
    cache_default_ttl: float = 3600.0
    bearer_tokens: tuple[str, ...] = ()
    token_lifetime: float = 3600.0
    vertex_projects: tuple[str, ...] = ()


class EmulatorState:
    """Everything the handlers share.

    Args:
        settings: Emulator-wide settings.
        faults: The default faults for every model.
        model_faults: Faults for particular models.
        record_limit: How many requests the recorder keeps.
        clock: Monotonic seconds (rate-limit windows and operation delays use it).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        faults: FaultConfig | None = None,
        model_faults: Mapping[str, FaultConfig] | None = None,
        record_limit: int | None = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or Settings()
        self.clock = clock
        self._epoch = time.time()
        self._clock0 = clock()
        self._workdir: Path | None = None
        self.models: dict[str, ModelInfo] = {m.name: m for m in default_models()}
        self.tuned_models: dict[str, dict[str, Any]] = {
            t["name"]: t for t in default_tuned_models()
        }
        self.operations = OperationStore(clock)
        self.files = FileStore(self.now, clock)
        self.uploads = UploadStore(self.workdir)
        self.caches = CacheStore(self)
        self.batches = BatchStore(self)
        self.tunings = TuningStore(self)
        self.file_search = FileSearchStore(self)
        self.auth_tokens = TokenStore(self)
        self.oauth = OAuthStore(self)
        self.vertex = VertexStore(self)
        self.faults = Faults(faults, model_faults, seed=self.settings.seed, clock=clock)
        self.recorder = Recorder(record_limit)
        self._response_ids = itertools.count(1)

    def now(self) -> _dt.datetime:
        """The emulator's wall clock (UTC), moving with ``clock``."""
        return _dt.datetime.fromtimestamp(self._epoch + (self.clock() - self._clock0), tz=_dt.UTC)

    def workdir(self) -> Path:
        """The emulator's temporary directory, created on first use and removed by
        :meth:`close`."""
        if self._workdir is None or not self._workdir.exists():
            self._workdir = Path(tempfile.mkdtemp(prefix="gemini-emulator-"))
        return self._workdir

    def close(self) -> None:
        """Remove the temporary directory and forget everything stored in it. Idempotent."""
        workdir, self._workdir = self._workdir, None
        self.uploads.clear()
        self.files.forget_on_disk()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    def finish_upload(self, session: UploadSession, base: str) -> dict[str, Any]:
        """Turn a completed upload into its resource; returns the final response body.

        Raises:
            ApiError: When the target rejects the upload (e.g. the store was deleted).
        """
        if session.target != "files":
            return self.file_search.finish_upload(session, base)
        settings = self.settings
        meta = session.meta
        processing = session.mime_type.startswith(settings.file_processing_types) or (
            session.received >= settings.file_processing_min_bytes
        )
        folder = self.workdir() / "files"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / session.path.name
        session.path.replace(target)
        session.path = target
        name = meta.get("name")
        stored = self.files.add_path(
            target,
            session.mime_type,
            size=session.received,
            sha256=session.hasher.hexdigest(),
            display_name=meta.get("displayName"),
            file_id=name.removeprefix("files/") if name else None,
            processing_gets=settings.file_processing_gets if processing else 0,
            processing_delay=settings.file_processing_delay if processing else 0.0,
        )
        if processing and stored.state == "ACTIVE":
            stored.state = "PROCESSING"
            stored.gets_left = 0
        host = base.split("://", 1)[-1]
        return {"file": stored.to_json(f"{settings.file_uri_scheme}://{host}")}

    def next_response_id(self) -> str:
        """A unique ``responseId``."""
        return f"emu-{next(self._response_ids):08d}"

    def model(self, name: str, method: str, version: str = "v1beta") -> ModelInfo:
        """The model a request names, checked to support ``method``.

        Tuned models resolve to their base model's abilities under the tuned name.

        Raises:
            ApiError: 404 NOT_FOUND, worded as the real API words it, for an unknown model or
                one that does not support ``method``.
        """
        info = self.models.get(name)
        if info is None and name.startswith("tunedModels/"):
            tuned = self.tuned_models.get(name)
            if tuned is not None and method == "generateContent":
                self.tunings.poll(name, counts=False)
                state = tuned.get("state", "ACTIVE")
                if state != "ACTIVE":
                    raise ApiError(
                        400,
                        f"Tuned model {name} is not ready for use: its state is {state}.",
                        status="FAILED_PRECONDITION",
                    )
            base = self.models.get(tuned["baseModel"]) if tuned else None
            if tuned is not None and base is not None:
                info = ModelInfo(
                    wire={**base.wire, "name": name},
                    kind=base.kind,
                    thinking=base.thinking,
                    dims=base.dims,
                )
        if info is None or method not in info.methods:
            raise ApiError(
                404,
                f"{name} is not found for API version {version}, or is not supported for "
                f"{method}. Call ListModels to see the list of available models and their "
                "supported methods.",
            )
        return info


STATE_KEY: web.AppKey[EmulatorState] = web.AppKey("genai_actors_emulator_state", EmulatorState)
