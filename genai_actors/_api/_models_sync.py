"""The blocking ``client.models`` of :class:`~genai_actors.Client`.

A facade over :class:`~genai_actors._models.AsyncModels`: every method runs the async one on
the client's loop thread and blocks until it finishes. Arguments, results and errors are the
async methods'; interrupting the calling thread (``KeyboardInterrupt``) cancels the call.

Automatic function calling works with sync tools (run in worker threads) and, unlike
google-genai's blocking client, also with coroutine tools (run on the client's loop thread).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .._sync import LoopThread, SyncStream
    from ..pagers import Pager
    from ..types._media import (
        EditImageResponse,
        GenerateImagesResponse,
        RecontextImageResponse,
        SegmentImageResponse,
        UpscaleImageResponse,
    )
    from ..types._models import (
        ComputeTokensResponse,
        CountTokensResponse,
        DeleteModelResponse,
        EmbedContentResponse,
        Model,
    )
    from ..types._operations import GenerateVideosOperation
    from ..types._response import GenerateContentResponse
    from ._models import AsyncModels

__all__ = ["Models"]


class Models:
    """``client.models`` on the blocking :class:`~genai_actors.Client`. Thread-safe."""

    def __init__(self, aio: AsyncModels, bridge: LoopThread) -> None:
        self._aio = aio
        self._bridge = bridge

    def generate_content(
        self, *, model: str, contents: Any, config: Any = None
    ) -> GenerateContentResponse:
        """Blocking :meth:`AsyncModels.generate_content`."""
        return self._bridge.run(
            self._aio.generate_content(model=model, contents=contents, config=config)
        )

    def generate_content_stream(
        self, *, model: str, contents: Any, config: Any = None
    ) -> SyncStream[GenerateContentResponse]:
        """Blocking :meth:`AsyncModels.generate_content_stream`: an iterator of chunks.

        Bad input raises here, before anything is sent. ``close()`` (or ``with``) closes the
        stream early and frees its connection; iterating to the end closes it too.
        """
        stream = self._aio.generate_content_stream(model=model, contents=contents, config=config)
        return self._bridge.iterate(stream)

    def embed_content(
        self, *, model: str, contents: Any, config: Any = None
    ) -> EmbedContentResponse:
        """Blocking :meth:`AsyncModels.embed_content`."""
        return self._bridge.run(
            self._aio.embed_content(model=model, contents=contents, config=config)
        )

    def count_tokens(self, *, model: str, contents: Any, config: Any = None) -> CountTokensResponse:
        """Blocking :meth:`AsyncModels.count_tokens`."""
        return self._bridge.run(
            self._aio.count_tokens(model=model, contents=contents, config=config)
        )

    def compute_tokens(
        self, *, model: str, contents: Any, config: Any = None
    ) -> ComputeTokensResponse:
        """Blocking :meth:`AsyncModels.compute_tokens` (Vertex AI only)."""
        return self._bridge.run(
            self._aio.compute_tokens(model=model, contents=contents, config=config)
        )

    def get(self, *, model: str, config: Any = None) -> Model:
        """Blocking :meth:`AsyncModels.get`."""
        return self._bridge.run(self._aio.get(model=model, config=config))

    def list(self, *, config: Any = None) -> Pager[Model]:
        """Blocking :meth:`AsyncModels.list`: a :class:`~genai_actors.pagers.Pager`."""
        return self._bridge.pager(self._bridge.run(self._aio.list(config=config)))

    def update(self, *, model: str, config: Any = None) -> Model:
        """Blocking :meth:`AsyncModels.update`."""
        return self._bridge.run(self._aio.update(model=model, config=config))

    def delete(self, *, model: str, config: Any = None) -> DeleteModelResponse:
        """Blocking :meth:`AsyncModels.delete`."""
        return self._bridge.run(self._aio.delete(model=model, config=config))

    def generate_images(
        self, *, model: str, prompt: str, config: Any = None
    ) -> GenerateImagesResponse:
        """Blocking :meth:`AsyncModels.generate_images` (Vertex AI only)."""
        return self._bridge.run(
            self._aio.generate_images(model=model, prompt=prompt, config=config)
        )

    def edit_image(
        self,
        *,
        model: str,
        prompt: str,
        reference_images: Sequence[Any],
        config: Any = None,
    ) -> EditImageResponse:
        """Blocking :meth:`AsyncModels.edit_image` (Vertex AI only)."""
        return self._bridge.run(
            self._aio.edit_image(
                model=model, prompt=prompt, reference_images=reference_images, config=config
            )
        )

    def upscale_image(
        self, *, model: str, image: Any, upscale_factor: str, config: Any = None
    ) -> UpscaleImageResponse:
        """Blocking :meth:`AsyncModels.upscale_image` (Vertex AI only)."""
        return self._bridge.run(
            self._aio.upscale_image(
                model=model, image=image, upscale_factor=upscale_factor, config=config
            )
        )

    def recontext_image(
        self, *, model: str, source: Any, config: Any = None
    ) -> RecontextImageResponse:
        """Blocking :meth:`AsyncModels.recontext_image` (Vertex AI only)."""
        return self._bridge.run(
            self._aio.recontext_image(model=model, source=source, config=config)
        )

    def segment_image(self, *, model: str, source: Any, config: Any = None) -> SegmentImageResponse:
        """Blocking :meth:`AsyncModels.segment_image` (Vertex AI only)."""
        return self._bridge.run(self._aio.segment_image(model=model, source=source, config=config))

    def generate_videos(
        self,
        *,
        model: str,
        prompt: str | None = None,
        image: Any = None,
        video: Any = None,
        source: Any = None,
        config: Any = None,
    ) -> GenerateVideosOperation:
        """Blocking :meth:`AsyncModels.generate_videos`."""
        return self._bridge.run(
            self._aio.generate_videos(
                model=model,
                prompt=prompt,
                image=image,
                video=video,
                source=source,
                config=config,
            )
        )
