"""What every API surface shares: send a built request, decode its answer, page, per-call options.

A surface method goes one way (see ``docs/architecture.md``): coerce ``config`` into its config
struct (``coerce_config``), build a :class:`~genai_actors._transformers.Request` (a pure builder
beside the surface or in ``_transformers``), then :func:`call` it (send, decode, attach the
``sdk_http_response``) or :func:`send` it when the answer needs custom decoding. Nothing here
knows a particular surface; no surface imports another surface for a helper.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from .._transformers import InvalidRequestError, Request, VertexLocation
from .._watch import check_timeout
from ..errors import UnknownApiResponseError
from ..types._base import HttpResponse, dec_hook
from ..types._http import HttpOptions

if TYPE_CHECKING:
    from .._api_client import ApiClient, RawResponse

__all__ = [
    "call",
    "call_options",
    "check_timeout",
    "decode",
    "decode_object",
    "http_response",
    "page_query",
    "sdk_http_response",
    "require_developer_api",
    "send",
    "vertex_location",
]

T = TypeVar("T")

_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}
_OBJECT = msgspec.json.Decoder()


def decode(content: bytes, tp: type[T]) -> T:
    """Decodes a response body into ``tp``: the one rule for every surface.

    Lenient as the API needs: unknown fields are ignored, and scalars sent as strings (int64
    counts such as ``"sizeBytes": "1024"``) become the declared type. An empty body decodes
    as ``{}``.

    Raises:
        UnknownApiResponseError: The body is not JSON, or a known field has the wrong type.
    """
    decoder = _DECODERS.get(tp)
    if decoder is None:
        decoder = _DECODERS[tp] = msgspec.json.Decoder(tp, strict=False, dec_hook=dec_hook)
    try:
        result: T = decoder.decode(content or b"{}")
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise UnknownApiResponseError(
            f"unexpected {getattr(tp, '__name__', tp)} response from the API: {exc}"
        ) from None
    return result


def decode_object(content: bytes) -> dict[str, Any]:
    """Decodes a response body that must be a JSON object, as builtins (``{}`` when empty).

    Raises:
        UnknownApiResponseError: The body is not JSON, or not an object.
    """
    try:
        data = _OBJECT.decode(content or b"{}")
    except msgspec.DecodeError as exc:
        raise UnknownApiResponseError(f"the response is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UnknownApiResponseError("the response is not a JSON object")
    return data


def http_response(raw: RawResponse) -> HttpResponse:
    """google-genai's ``sdk_http_response`` of a result: the response headers."""
    return sdk_http_response(raw.header_dict)


# msgspec's own constructor: the headers are already a dict of str, so the conversion a wire
# struct's constructor may run on user input is skipped on this per-call path.
_raw_struct: Callable[..., Any] = type(msgspec.Struct).__call__


def sdk_http_response(headers: Mapping[str, str]) -> HttpResponse:
    """The ``sdk_http_response`` for a response's ``header_dict()`` (lowercase names, repeated
    values joined): a copy, the caller's to change."""
    made: HttpResponse = _raw_struct(HttpResponse, headers=dict(headers))
    return made


def call_options(config: object) -> HttpOptions | Mapping[str, Any] | None:
    """The per-call ``http_options`` of a config (a config struct, a dict, or ``None``)."""
    if config is None:
        return None
    if isinstance(config, Mapping):
        options: Any = config.get("http_options")
    else:
        options = getattr(config, "http_options", None)
    return options if isinstance(options, HttpOptions | Mapping) else None


def page_query(
    page_size: object, page_token: object, path: str = "config.page_size"
) -> dict[str, object] | None:
    """``pageSize`` / ``pageToken`` query parameters of a list call.

    Raises:
        InvalidRequestError: ``page_size`` is not a positive integer (nothing is sent).
    """
    query: dict[str, object] = {}
    if page_size is not None:
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size <= 0:
            raise InvalidRequestError(path, f"must be a positive integer, got {page_size!r}")
        query["pageSize"] = page_size
    if page_token:
        query["pageToken"] = page_token
    return query or None


def vertex_location(api: ApiClient) -> VertexLocation | None:
    """The Vertex AI project and location of ``api``'s backend, or ``None`` for the Developer API.

    Request builders take it as their ``vertex=`` argument.
    """
    backend = api.backend
    if not backend.vertexai:
        return None
    project = getattr(backend, "project", None) or ""
    location = getattr(backend, "location", None) or ""
    return VertexLocation(str(project), str(location))


def require_developer_api(api: ApiClient, feature: str, hint: str) -> None:
    """Refuses a Gemini-Developer-API-only ``feature`` on Vertex AI, before sending.

    Raises:
        UnsupportedByBackendError: The client is on Vertex AI.
    """
    if api.vertexai:
        raise api.unsupported(feature, hint)


def send(
    api: ApiClient,
    request: Request,
    *,
    headers: Mapping[str, str] | None = None,
    idempotent: bool = True,
) -> Coroutine[Any, Any, RawResponse]:
    """Sends a built request through the transport (retries, deadlines, typed errors):
    ``await`` it.

    A plain function returning :meth:`ApiClient.request`'s coroutine (no coroutine frame of
    its own): the request's pre-send checks raise when it is called.

    Args:
        api: The client's HTTP seam.
        request: Verb, path, query, body and per-call options.
        headers: Extra headers for this call.
        idempotent: False for a request that creates a job or stored resource (retried only
            after answers proving nothing was done).

    Raises:
        APIError: An error status, after retries. TransportError: no usable answer.
        ClientClosedError: The client is closed.

    Cancellation: the request is aborted and its connection freed; a request cancelled after
    it was sent may still be executed by the server.
    """
    return api.request(
        request.method,
        request.path,
        body=request.body,
        query=request.query,
        http_options=request.http_options,
        headers=headers,
        idempotent=idempotent,
    )


async def call(
    api: ApiClient,
    request: Request,
    response_type: type[T],
    *,
    headers: Mapping[str, str] | None = None,
    idempotent: bool = True,
) -> T:
    """Sends ``request`` and decodes the answer into ``response_type``.

    When the type has an ``sdk_http_response`` field, it is set from the response headers,
    as google-genai does.

    Raises:
        UnknownApiResponseError: The answer does not decode. Otherwise as :func:`send`.
    """
    raw = await api.request(  # not through send(): one Python call fewer per call
        request.method,
        request.path,
        body=request.body,
        query=request.query,
        http_options=request.http_options,
        headers=headers,
        idempotent=idempotent,
    )
    decoder = _DECODERS.get(response_type)
    if decoder is None:
        result = decode(raw.content, response_type)
    else:
        try:
            result = decoder.decode(raw.content or b"{}")
        except (msgspec.DecodeError, msgspec.ValidationError):
            result = decode(raw.content, response_type)  # raises the error decode() raises
    if response_type in _WITH_HTTP_RESPONSE or _has_http_response(response_type):
        # The response's own dict: nothing reads it after this call.
        result.sdk_http_response = _raw_struct(  # type: ignore[attr-defined]
            HttpResponse, headers=raw.header_dict
        )
    return result


# Response types seen with an ``sdk_http_response`` field (a set lookup per call, not a
# ``getattr`` and a tuple scan).
_WITH_HTTP_RESPONSE: set[type[Any]] = set()


def _has_http_response(tp: type[Any]) -> bool:
    if "sdk_http_response" in getattr(tp, "__struct_fields__", ()):
        _WITH_HTTP_RESPONSE.add(tp)
        return True
    return False
