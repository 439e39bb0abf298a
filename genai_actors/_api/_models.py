"""``client.models``: generation, embeddings, tokens, model metadata, images and videos.

Every method has google-genai's name and keyword parameters (``model=``, ``contents=``,
``config=`` as a typed struct or a dict with snake_case or camelCase keys). A request/response
call runs in the caller's task: build and validate the request (``_transformers``; a bad input
or a field the backend does not support raises before anything is sent), send it through the
:class:`~genai_actors._api_client.ApiClient` (retries, timeouts, typed errors), decode the bytes
straight into a struct.

Methods of Vertex AI only (``compute_tokens`` and the image methods) raise
:class:`~genai_actors.errors.UnsupportedByBackendError` on the Gemini Developer API before
sending anything. The blocking ``Models`` is generated
(``_blocking``, by ``scripts/gen_blocking.py``).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import msgspec

from .. import _log, _transformers
from .._lazy import module_on_first_use
from .._transformers import Request, t_model
from ..errors import UnknownApiResponseError
from ..types._base import to_builtins
from ..types._content import Content
from ..types._response import GenerateContentResponse
from ._toolkit import call, http_response, send, vertex_location

# A plain prompt's body around its encoded text: the bytes encode_json gives the whole payload
# ({"contents": [{"parts": [{"text": ...}], "role": "user"}]}), key order included.
_TEXT_HEAD = b'{"contents":[{"parts":[{"text":'
_TEXT_TAIL = b'}],"role":"user"}]}'
# A str encodes the same with any msgspec JSON encoder (types' hook is for bytes and
# timedeltas): the plain one, called directly, is one Python call fewer than encode_json.
_encode_text = msgspec.json.Encoder().encode

# What a plain generate_content does not use is imported when first used (a cold start is
# import + construct + first call): the other methods' builders, decoders and types, automatic
# function calling, MCP and streams.
if TYPE_CHECKING:
    from .. import pagers
    from .._api_client import ApiClient
    from .._transformers._prepared import Prepared, Table
    from ..pagers import AsyncPager
    from ..types import (
        _media as _media_types,
        _models as _model_types,
        _operations as _operation_types,
    )
    from ..types._generate import GenerateContentConfig
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
        ListModelsResponse,
        Model,
    )
    from ..types._operations import GenerateVideosOperation
    from . import _afc, _mcp, _mcp_stream, _models_media, _models_stream
    from ._afc import AfcPlan
    from ._models_stream import GenerateContentStream
else:
    pagers = module_on_first_use(globals(), "pagers", "genai_actors.pagers")
    _media_types = module_on_first_use(globals(), "_media_types", "genai_actors.types._media")
    _model_types = module_on_first_use(globals(), "_model_types", "genai_actors.types._models")
    _operation_types = module_on_first_use(
        globals(), "_operation_types", "genai_actors.types._operations"
    )
    _afc = module_on_first_use(globals(), "_afc", "genai_actors._api._afc")
    _mcp = module_on_first_use(globals(), "_mcp", "genai_actors._api._mcp")
    _mcp_stream = module_on_first_use(globals(), "_mcp_stream", "genai_actors._api._mcp_stream")
    _models_media = module_on_first_use(
        globals(), "_models_media", "genai_actors._api._models_media"
    )
    _models_stream = module_on_first_use(
        globals(), "_models_stream", "genai_actors._api._models_stream"
    )

__all__ = ["AsyncModels"]

_list = builtins.list  # ``list`` is a method name below
_log_response = _log.get_logger("genai_actors.response")


class AsyncModels:
    """``client.models`` on :class:`~genai_actors.AsyncClient`.

    Safe to share between tasks. Every method raises
    :class:`~genai_actors.errors.ClientClosedError` once the client is closed.
    """

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client
        self._vertex = vertex_location(api_client)
        self._is_vertex = self._vertex is not None
        self._paths: dict[str, str] = {}  # model -> its generateContent path
        self._stream_paths: dict[str, str] = {}  # model -> its streamGenerateContent path
        self._kept: dict[type[Any], Table] | None = None  # configs kept, on first use

    def _path(self, model: str, stream: bool) -> str:
        """The request path of ``model``'s (streamed) generation, remembered per model name.

        Raises:
            InvalidRequestError: ``model`` is not a valid model name.
        """
        path = t_model(model, vertex=self._is_vertex)
        path += ":streamGenerateContent" if stream else ":generateContent"
        if type(model) is str:  # anything else raised above, or is not remembered
            paths = self._stream_paths if stream else self._paths
            if len(paths) >= 256:
                paths.clear()
            paths[model] = path
        return path

    def _text_request(self, model: str, text: str, *, stream: bool) -> Request:
        """The request for a plain string prompt without config: the same body the general
        builder makes, without its normalisation passes."""
        body = b"".join((_TEXT_HEAD, _encode_text(text), _TEXT_TAIL))
        paths = self._stream_paths if stream else self._paths
        path = (paths.get(model) if type(model) is str else None) or self._path(model, stream)
        return Request("POST", path, encoded=body)  # a stream adds alt=sse itself

    def _kept_request(
        self, model: str, text: str, config: Any, *, stream: bool
    ) -> tuple[Request, Prepared] | None:
        """The request for a string prompt with a config built and kept before (only the
        prompt is encoded: see ``_transformers._prepared``) and the config's entry, or
        ``None`` when the config is not kept (the general builder then runs, and raises what
        it raises)."""
        tables = self._kept
        if tables is None:
            tables = self._kept = _transformers.kept_tables(self._vertex)
        table = tables.get(type(config))
        if table is None or not table.entries:
            return None
        kept = _transformers.find_kept(table, config)
        if kept is None:
            return None
        try:
            body = b"".join((_TEXT_HEAD, _encode_text(text), kept.text_tail))
            paths = self._stream_paths if stream else self._paths
            path = (paths.get(model) if type(model) is str else None) or self._path(model, stream)
        except Exception:  # the general builder raises it, in its documented order
            return None
        cfg = config if kept.coerced is None else kept.coerced
        # No query: a stream adds alt=sse itself.
        request = Request("POST", path, None, None, cfg.http_options, config=cfg, encoded=body)
        return request, kept

    # -- generation ------------------------------------------------------------------------

    async def generate_content(
        self, *, model: str, contents: Any, config: Any = None
    ) -> GenerateContentResponse:
        """Generates content (one ``generateContent`` request, or an AFC loop).

        Args:
            model: ``gemini-2.5-flash``, ``models/...`` or ``tunedModels/...``.
            contents: A string, a Part, a Content, a File, or a list of those (or dicts).
            config: A :class:`~genai_actors.types.GenerateContentConfig` or a dict.

        When ``config.tools`` holds Python callables (and no raw function declarations),
        automatic function calling runs them and sends their results back, up to
        ``automatic_function_calling.maximum_remote_calls`` requests (default 10); see
        ``genai_actors._afc`` for the rules. ``response.parsed`` is filled when
        ``response_schema`` (or ``response_json_schema``) is set and the text parses.

        Returns:
            The response. Its ``automatic_function_calling_history`` holds the AFC turns,
            or is ``[]`` when no function ran (``None`` when AFC is disabled, ignores history,
            or a tool declares functions), as in google-genai.

        Raises:
            InvalidRequestError: Bad model name, contents or config (the message names the
                field); nothing is sent.
            UnsupportedByBackendError: A field the backend does not support; nothing is sent.
            UnsupportedFunctionError: A tool whose annotations cannot be described.
            APIError: The API refused the request (the most specific subclass), after retries.
            TransportError: The request could not be completed (connect, timeout, ...).
            ClientClosedError: The client is closed.

        Cancellation: cancelling the caller aborts the request in flight and frees its
        connection (the server may still bill it); coroutine tools are cancelled, a sync
        tool running in its worker thread finishes there.
        """
        request = None
        if type(contents) is str:
            if config is None:  # hot path: a plain prompt needs no config processing
                response = await call(
                    self._api,
                    self._text_request(model, contents, stream=False),
                    GenerateContentResponse,
                )
                response.automatic_function_calling_history = []  # as google-genai's
                return response
            kept = self._kept_request(model, contents, config, stream=False)
            if kept is not None:
                request = kept[0]
                if kept[1].simple:
                    # No tools, AFC settings or schema: what the general path does below.
                    response = await call(self._api, request, GenerateContentResponse)
                    response.automatic_function_calling_history = []
                    return response
        if request is None:
            if _mcp.has_sessions(config):  # MCP sessions: their tools are listed first (_mcp)
                config = await _mcp.resolve_sessions(config, vertex=self._is_vertex)
            request = _transformers.generate_content_request(
                model, contents, config, vertex=self._vertex
            )
        cfg: GenerateContentConfig = request.config
        if (
            not cfg.tools
            and cfg.automatic_function_calling is None
            and cfg.response_schema is None
            and cfg.response_json_schema is None
        ):
            # No tools, AFC settings or schema: what the general path does, without its checks.
            response = await call(self._api, request, GenerateContentResponse)
            response.automatic_function_calling_history = []
            return response
        plan = _afc.plan_afc(cfg) if cfg.tools else None
        if plan is None:
            headers = _mcp.mcp_headers(self._api, cfg.tools)
            response = await call(self._api, request, GenerateContentResponse, headers=headers)
            if _afc.keeps_empty_history(cfg):
                response.automatic_function_calling_history = []
        else:
            response = await self._generate_with_afc(request, contents, plan)
        schema = cfg.response_schema
        if schema is None:
            schema = cfg.response_json_schema
        if schema is not None:
            response.parsed = _transformers.parse_response(response.text, schema, log=_log_response)
        return response

    async def _generate_with_afc(
        self, request: Request, contents: Any, plan: AfcPlan
    ) -> GenerateContentResponse:
        headers = _mcp.mcp_headers(self._api, request.config.tools, "afc")
        if headers is None:
            headers = self._api.feature_headers("afc")
        history: _list[Content] = []
        remaining = plan.maximum_remote_calls
        while True:
            response = await call(self._api, request, GenerateContentResponse, headers=headers)
            remaining -= 1
            candidates = response.candidates
            model_turn = candidates[0].content if candidates else None
            calls = _afc.function_calls_of(model_turn)
            if model_turn is None or not calls:
                break
            if remaining <= 0:
                # No request is left to send results with: the calls go to the caller.
                _afc.budget_exhausted(plan, calls)
                break
            parts = await _afc.run_function_calls(calls, plan.functions)
            if not parts:
                break
            user_turn = Content(role="user", parts=parts)
            if model_turn.role is None:
                model_turn.role = "model"
            if not history:
                history.extend(_transformers.t_contents(contents))
            history.append(model_turn)
            history.append(user_turn)
            payload = dict(request.payload or {})
            payload["contents"] = [
                *payload.get("contents", ()),
                to_builtins(model_turn),
                to_builtins(user_turn),
            ]
            request = Request(
                request.method, request.path, request.query, payload, request.http_options
            )
        if plan.keep_history:
            response.automatic_function_calling_history = history
        return response

    def generate_content_stream(
        self, *, model: str, contents: Any, config: Any = None
    ) -> GenerateContentStream:
        """Streams generated content as :class:`GenerateContentStream` chunks.

        Use ``async for chunk in client.models.generate_content_stream(...)`` directly (no
        ``await``), or ``async with ... as stream``. google-genai's form ``async for chunk in
        await client.aio.models.generate_content_stream(...)`` works too: awaiting opens the
        stream, so HTTP errors raise at the ``await``. Each chunk is a delta (usage and finish
        reason usually come last). With Python tools, automatic function calling streams
        every turn (see :class:`GenerateContentStream`). With a response schema, each chunk's
        ``parsed`` holds its own text parsed, as in google-genai (``None`` for a partial one).

        Returns:
            The stream; nothing is sent until it is awaited, entered or iterated.

        Raises:
            InvalidRequestError: Bad model name, contents or config (raised here, before
                anything is sent).
            UnsupportedByBackendError: A field the backend does not support (raised here).
            ValueError: ``stream_function_call_arguments`` with automatic function calling.
            ClientClosedError: The client is closed (raised here).
            The stream's own errors (see :class:`GenerateContentStream`) are raised when it
            is opened or iterated.
        """
        request = None
        if type(contents) is str:
            if config is None:
                return _models_stream.GenerateContentStream(
                    self._api, self._text_request(model, contents, stream=True)
                )
            kept = self._kept_request(model, contents, config, stream=True)
            if kept is not None:
                request = kept[0]
                if kept[1].simple:
                    return _models_stream.GenerateContentStream(self._api, request)
        if request is None:
            if _mcp.has_sessions(config):  # MCP sessions: listed when the stream opens
                return cast(
                    _models_stream.GenerateContentStream,
                    _mcp_stream.McpDeferredStream(
                        config,
                        lambda cfg: self.generate_content_stream(
                            model=model, contents=contents, config=cfg
                        ),
                        vertex=self._is_vertex,
                    ),
                )
            request = _transformers.generate_content_request(
                model, contents, config, vertex=self._vertex, stream=True
            )
        cfg: GenerateContentConfig = request.config
        schema = cfg.response_schema
        if schema is None:
            schema = cfg.response_json_schema
        plan = _afc.plan_afc(cfg, stream=True) if cfg.tools else None
        if plan is None:
            return _models_stream.GenerateContentStream(
                self._api, request, schema=schema, headers=_mcp.mcp_headers(self._api, cfg.tools)
            )
        return _models_stream.GenerateContentStream(
            self._api,
            request,
            plan=plan,
            contents=_transformers.t_contents(contents),
            headers=_mcp.mcp_headers(self._api, cfg.tools, "afc")
            or self._api.feature_headers("afc"),
            schema=schema,
        )

    # -- embeddings and tokens ---------------------------------------------------------------

    async def embed_content(
        self, *, model: str, contents: Any, config: Any = None
    ) -> EmbedContentResponse:
        """Embeds one or more contents (``batchEmbedContents`` on the Gemini Developer API).

        Args:
            model: An embedding model, e.g. ``gemini-embedding-001``.
            contents: A string, a Content, or a list of them (one embedding each).
            config: :class:`~genai_actors.types.EmbedContentConfig` or a dict
                (``task_type``, ``title``, ``output_dimensionality``; ``mime_type``,
                ``auto_truncate``, ``document_ocr`` and ``audio_track_extraction`` are
                Vertex AI only).

        Returns:
            One embedding per input, in input order.

        Raises:
            InvalidRequestError: No contents, or a bad model name or config; nothing is sent.
            UnsupportedByBackendError: A Vertex-only field on the Gemini Developer API.
            APIError: The API refused the request. TransportError: transport failure.

        Cancellation: cancelling the caller aborts the request and frees its connection.
        """
        request = _transformers.embed_content_request(model, contents, config, vertex=self._vertex)
        raw = await send(self._api, request)
        response = _models_media.decode_embed_response(
            raw.content, request.path, vertex=self._is_vertex
        )
        response.sdk_http_response = http_response(raw)
        return response

    async def count_tokens(
        self, *, model: str, contents: Any, config: Any = None
    ) -> CountTokensResponse:
        """Counts the tokens of ``contents`` for ``model``.

        Raises:
            InvalidRequestError: Bad model name, contents or config; nothing is sent.
            UnsupportedByBackendError: ``system_instruction``, ``tools`` or
                ``generation_config`` on the Gemini Developer API (Vertex AI only).
            APIError: The API refused the request. TransportError: transport failure.

        Cancellation: cancelling the caller aborts the request and frees its connection.
        """
        request = _transformers.count_tokens_request(model, contents, config, vertex=self._vertex)
        return await call(self._api, request, _model_types.CountTokensResponse)

    async def compute_tokens(
        self, *, model: str, contents: Any, config: Any = None
    ) -> ComputeTokensResponse:
        """Returns the token ids and tokens of ``contents`` (Vertex AI only).

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: Bad model name or contents.
            APIError: The API refused the request. TransportError: transport failure.
        """
        request = _transformers.compute_tokens_request(model, contents, config, vertex=self._vertex)
        return await call(self._api, request, _model_types.ComputeTokensResponse)

    # -- model metadata --------------------------------------------------------------------

    async def get(self, *, model: str, config: Any = None) -> Model:
        """Fetches a base model (``models/x``) or a tuned model (``tunedModels/x``).

        Raises:
            InvalidRequestError: A bad model name or config; nothing is sent.
            NotFoundError: No such model. APIError / TransportError: other failures.
        """
        request = _transformers.get_model_request(model, config, vertex=self._vertex)
        raw = await send(self._api, request)
        return self._model(raw.content)

    def _model(self, content: bytes) -> Model:
        if self._is_vertex:
            return _models_media.decode_vertex_model(content)
        try:
            return _model_types.decode_model(content)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise UnknownApiResponseError(
                f"unexpected Model response from the API: {exc}"
            ) from None

    async def list(self, *, config: Any = None) -> AsyncPager[Model]:
        """Lists base models (default) or tuned models (``config={"query_base": False}``).

        Args:
            config: :class:`~genai_actors.types.ListModelsConfig` or a dict: ``page_size``,
                ``page_token``, ``filter``, ``query_base``, ``http_options``.

        Returns:
            An :class:`~genai_actors.pagers.AsyncPager` on the first page; ``async for``
            walks every page, fetching as it goes.

        Raises:
            InvalidRequestError: A bad config; nothing is sent.
            APIError / TransportError: The first page could not be fetched.
        """
        vertex = self._vertex

        async def fetch(config: Any = None) -> ListModelsResponse:
            request = _transformers.list_models_request(config, vertex=vertex)
            raw = await send(self._api, request)
            page = _models_media.decode_list_models(raw.content, vertex=vertex is not None)
            page.sdk_http_response = http_response(raw)
            return page

        first = await fetch(config)
        return pagers.AsyncPager("models", fetch, first, config)

    async def update(self, *, model: str, config: Any = None) -> Model:
        """Updates a tuned model's ``display_name``, ``description`` or
        ``default_checkpoint_id``.

        Raises:
            InvalidRequestError: A bad model name or config; nothing is sent.
            APIError / TransportError: The update failed.
        """
        request = _transformers.update_model_request(model, config, vertex=self._vertex)
        raw = await send(self._api, request)
        return self._model(raw.content)

    async def delete(self, *, model: str, config: Any = None) -> DeleteModelResponse:
        """Deletes a tuned model.

        Raises:
            InvalidRequestError: A bad model name or config; nothing is sent.
            NotFoundError: No such model. APIError / TransportError: other failures.
        """
        request = _transformers.delete_model_request(model, config, vertex=self._vertex)
        return await call(self._api, request, _model_types.DeleteModelResponse)

    # -- images (Vertex AI only) -------------------------------------------------------------

    async def generate_images(
        self, *, model: str, prompt: str, config: Any = None
    ) -> GenerateImagesResponse:
        """Generates images with an Imagen model (Vertex AI only; deprecated upstream).

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: A bad prompt or config.
            APIError / TransportError: The request failed.
        """
        request = _transformers.generate_images_request(model, prompt, config, vertex=self._vertex)
        raw = await send(self._api, request)
        images, positive = _models_media.decode_image_predictions(raw.content, generate=True)
        return _media_types.GenerateImagesResponse(
            sdk_http_response=http_response(raw),
            generated_images=images,
            positive_prompt_safety_attributes=positive,
        )

    async def edit_image(
        self,
        *,
        model: str,
        prompt: str,
        reference_images: Sequence[Any],
        config: Any = None,
    ) -> EditImageResponse:
        """Edits an image from reference images (Vertex AI only; deprecated upstream).

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: A bad prompt, reference image or config.
            APIError / TransportError: The request failed.
        """
        request = _transformers.edit_image_request(
            model, prompt, reference_images, config, vertex=self._vertex
        )
        raw = await send(self._api, request)
        images, _ = _models_media.decode_image_predictions(raw.content)
        return _media_types.EditImageResponse(
            sdk_http_response=http_response(raw), generated_images=images
        )

    async def upscale_image(
        self, *, model: str, image: Any, upscale_factor: str, config: Any = None
    ) -> UpscaleImageResponse:
        """Upscales an image (``x2`` / ``x4``; Vertex AI only).

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: A bad image, factor or config.
            APIError / TransportError: The request failed.
        """
        request = _transformers.upscale_image_request(
            model, image, upscale_factor, config, vertex=self._vertex
        )
        raw = await send(self._api, request)
        images, _ = _models_media.decode_image_predictions(raw.content)
        return _media_types.UpscaleImageResponse(
            sdk_http_response=http_response(raw), generated_images=images
        )

    async def recontext_image(
        self, *, model: str, source: Any, config: Any = None
    ) -> RecontextImageResponse:
        """Places a product in a new scene (Vertex AI only).

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: A bad source or config.
            APIError / TransportError: The request failed.
        """
        request = _transformers.recontext_image_request(model, source, config, vertex=self._vertex)
        raw = await send(self._api, request)
        images, _ = _models_media.decode_image_predictions(raw.content)
        return _media_types.RecontextImageResponse(generated_images=images)

    async def segment_image(
        self, *, model: str, source: Any, config: Any = None
    ) -> SegmentImageResponse:
        """Segments an image into masks (Vertex AI only).

        Raises:
            UnsupportedByBackendError: On the Gemini Developer API (nothing is sent).
            InvalidRequestError: A bad source or config.
            APIError / TransportError: The request failed.
        """
        request = _transformers.segment_image_request(model, source, config, vertex=self._vertex)
        raw = await send(self._api, request)
        return _media_types.SegmentImageResponse(
            generated_masks=_models_media.decode_mask_predictions(raw.content)
        )

    # -- videos -----------------------------------------------------------------------------

    async def generate_videos(
        self,
        *,
        model: str,
        prompt: str | None = None,
        image: Any = None,
        video: Any = None,
        source: Any = None,
        config: Any = None,
    ) -> GenerateVideosOperation:
        """Starts a video generation job (``predictLongRunning``) and returns its operation.

        Wait for it with ``await client.operations.wait(operation, timeout=...)``; the
        finished operation's ``result.generated_videos[i].video`` holds a URI to download.

        Raises:
            InvalidRequestError: Nothing to generate from, ``source`` mixed with
                ``prompt``/``image``/``video``, or a bad field; nothing is sent.
            UnsupportedByBackendError: A field the backend does not support.
            APIError / TransportError: The request failed.
        """
        request = _transformers.generate_videos_request(
            model,
            prompt=prompt,
            image=image,
            video=video,
            source=source,
            config=config,
            vertex=self._vertex,
        )
        raw = await send(self._api, request, idempotent=False)
        try:
            return _operation_types.GenerateVideosOperation.from_api_response(
                raw.content, self._is_vertex
            )
        except ValueError as exc:
            raise UnknownApiResponseError(f"unexpected operation from the API: {exc}") from None
