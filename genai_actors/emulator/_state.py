"""The emulator's shared state: settings, models, operations, files, faults and the recorder.

One :class:`EmulatorState` lives in the aiohttp application; every handler reaches it through
``call.state``. Resources added later (caches, batches, tunings, file-search stores, tokens) get
their own store attribute here and their own module for routes.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ._catalog import ModelInfo, default_models, default_tuned_models
from ._errors import ApiError
from ._faults import FaultConfig, Faults
from ._files import FileStore
from ._operations import OperationStore
from ._recorder import Recorder

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
    """

    api_key: str | None = None
    seed: int = 0
    video_polls: int = 2
    video_delay: float = 0.0
    file_uri_scheme: str = "https"
    chunk_words: int = 8


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
        self.models: dict[str, ModelInfo] = {m.name: m for m in default_models()}
        self.tuned_models: dict[str, dict[str, Any]] = {
            t["name"]: t for t in default_tuned_models()
        }
        self.operations = OperationStore(clock)
        self.files = FileStore()
        self.faults = Faults(faults, model_faults, seed=self.settings.seed, clock=clock)
        self.recorder = Recorder(record_limit)
        self._response_ids = itertools.count(1)

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
