"""Per-call options: ``HttpOptions`` checked, merged and resolved into a :class:`Plan`.

A :class:`Plan` is everything fixed for calls sharing one effective ``HttpOptions``: URL parts,
headers, timeouts, the retry policy, ``extra_body``, and a cache of built URLs keyed by method
and path. The client's plan is built once; a call with its own ``http_options`` gets a plan of
the client's options with the call's laid over them (:func:`merge_http_options`).

With ``base_url_resource_scope=COLLECTION`` a plan's URLs carry no API version (and on Vertex AI
with a custom base URL no project prefix). On Vertex AI a plan also carries the client's TLS
choice (:mod:`._mtls`): the SSL context with the client certificate, and ``mtls`` hosts.

Every bad option value raises :class:`~genai_actors.errors.InvalidOptionError` naming the option
(``http_options.timeout``...). Every URL built here passes :func:`check_resource_path` first, so
no request can leave with a dot segment hidden in a resource name.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import msgspec

from .. import __version__
from ..errors import InvalidOptionError, InvalidRequestError
from ..types._http import HttpOptions, HttpRetryOptions, ResourceScope
from ._retry import RetryPolicy
from ._session import DEFAULT_TIMEOUT, TransportConfig, proxy_for
from ._timeouts import Timeouts

if TYPE_CHECKING:
    import ssl

    from yarl import URL

    from .._backend import Backend

__all__ = [
    "Plan",
    "client_timeout",
    "check_resource_path",
    "coerce_http_options",
    "deep_merge",
    "merge_extra_body",
    "merge_http_options",
]

MIN_TIMEOUT_MS = 1000
"""An ``HttpOptions.timeout`` under this many milliseconds is refused as a unit mistake."""

PRODUCT = f"genai-actors/{__version__}"
LANGUAGE = "gl-python/" + sys.version.split()[0]
URL_CACHE_LIMIT = 1024
# yarl's URL class and the URL builder, imported on the first URL built (not at import: cold
# start), then read from here (an import statement costs microseconds even when cached).
_url_tools: tuple[type[URL], Callable[..., str]] | None = None
_FIELDS = HttpOptions.__struct_fields__
_BAD_HEADER_CHARS = ("\r", "\n", "\x00")


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it: nested objects merge, any other value replaces.

    The one deep merge of the code base (``extra_body`` over a request body, client options
    under call options). Neither argument is modified.
    """
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def merge_extra_body(body: bytes | None, extra: Mapping[str, Any]) -> bytes:
    """Merges ``extra`` into an encoded JSON object body and re-encodes it.

    Raises:
        InvalidOptionError: The body is not a JSON object (``extra_body`` cannot apply).
    """
    try:
        decoded: Any = msgspec.json.decode(body) if body else {}
    except msgspec.DecodeError:
        decoded = None
    if not isinstance(decoded, dict):
        raise InvalidOptionError("extra_body", "needs a JSON object request body")
    return msgspec.json.encode(deep_merge(decoded, extra))


def check_resource_path(path: str) -> None:
    """Refuses a resource path that could reach another resource than the one named.

    Each ``/``-separated segment is percent-decoded (up to three times over); a segment that
    is then ``.`` or ``..``, or contains ``/``, ``\\`` or NUL, is refused
    (``models/%2e%2e/files`` would otherwise be normalised by a server or proxy into ``files``).

    Raises:
        InvalidRequestError: The path has such a segment; nothing was sent.
    """
    if (
        "%" not in path
        and "/." not in path
        and "\\" not in path
        and "\x00" not in path
        and not path.startswith(".")
    ):
        return
    for segment in path.split("?", 1)[0].split("/"):
        decoded = segment
        for _ in range(3):  # a proxy may decode more than once: %252e is %2e is .
            if "%" not in decoded:
                break
            decoded = unquote(decoded)
        if decoded in (".", "..") or "/" in decoded or "\\" in decoded or "\x00" in decoded:
            raise InvalidRequestError(
                "",
                f"the resource path {path!r} has a segment {segment!r} that is a dot segment "
                "or holds '/', '\\' or NUL once decoded; resource names cannot contain these",
            )


def coerce_http_options(value: HttpOptions | Mapping[str, Any] | None) -> HttpOptions:
    """Accepts ``HttpOptions``, a dict of its fields, or ``None``; checks every value.

    Raises:
        InvalidOptionError: Unknown field, wrong type, or a bad value (the message names the
            field, e.g. ``http_options.timeout``).
    """
    if value is None:
        return HttpOptions()
    if isinstance(value, HttpOptions):
        _check(value)
        return value
    if not isinstance(value, Mapping):
        raise InvalidOptionError(
            "http_options", f"expected HttpOptions or a dict, not {type(value).__name__}"
        )
    data = dict(value)
    retry = data.get("retry_options")
    if isinstance(retry, HttpRetryOptions):
        data["retry_options"] = msgspec.structs.asdict(retry)
    unknown = sorted(str(key) for key in data if key not in _FIELDS)
    if unknown:
        raise InvalidOptionError(
            "http_options",
            f"unknown field(s) {', '.join(unknown)}; supported: {', '.join(_FIELDS)}",
        )
    try:
        options = msgspec.convert(data, HttpOptions, strict=False)
    except msgspec.ValidationError as exc:
        text = str(exc)
        where = text.rpartition("at `$.")[2].rstrip("`").split("[", 1)[0]
        known = where.split(".", 1)[0] in _FIELDS
        option = f"http_options.{where}" if known else "http_options"
        raise InvalidOptionError(option, text) from None
    _check(options)
    return options


def _check(options: HttpOptions) -> None:
    """Checks the values of an ``HttpOptions`` (also one built directly, which msgspec does not)."""
    for name in ("base_url", "api_version"):
        item = getattr(options, name)
        if item is not None and not isinstance(item, str):
            raise InvalidOptionError(f"http_options.{name}", f"expected a str, got {item!r}")
    scope = options.base_url_resource_scope
    if scope is not None and not isinstance(scope, str):
        raise InvalidOptionError(
            "http_options.base_url_resource_scope",
            f"expected a ResourceScope or its name, got {scope!r}",
        )
    timeout = options.timeout
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise InvalidOptionError(
                "http_options.timeout", f"expected a number of milliseconds, got {timeout!r}"
            )
        if not (timeout > 0 and math.isfinite(timeout)):
            raise InvalidOptionError(
                "http_options.timeout",
                f"must be a positive, finite number of milliseconds, got {timeout!r}",
            )
        if timeout < MIN_TIMEOUT_MS:
            raise InvalidOptionError(
                "http_options.timeout",
                f"is in milliseconds, as in google-genai: {timeout!r} ms is under one second, "
                f"almost certainly meant as seconds (write {timeout * 1000:g} for {timeout:g} s)",
            )
    headers = options.headers
    if headers is not None:
        if not isinstance(headers, Mapping):
            raise InvalidOptionError("http_options.headers", "expected a dict of str to str")
        for key, item in headers.items():
            if not isinstance(key, str) or not isinstance(item, str):
                raise InvalidOptionError(
                    "http_options.headers", f"expected str names and values, got {key!r}"
                )
            if any(c in key or c in item for c in _BAD_HEADER_CHARS):
                raise InvalidOptionError(
                    "http_options.headers", f"header {key!r} holds CR, LF or NUL"
                )
    if options.extra_body is not None and not isinstance(options.extra_body, Mapping):
        raise InvalidOptionError("http_options.extra_body", "expected a dict")
    retry = options.retry_options
    if retry is not None and not isinstance(retry, HttpRetryOptions | Mapping):
        raise InvalidOptionError(
            "http_options.retry_options", f"expected HttpRetryOptions or a dict, got {retry!r}"
        )


def merge_http_options(base: HttpOptions, override: HttpOptions | Mapping[str, Any]) -> HttpOptions:
    """Lays per-call options over client options: set fields win, headers and extra_body merge.

    ``retry_options`` given per call replaces the client's (unset fields take the defaults).

    Raises:
        InvalidOptionError: ``override`` has unknown fields, wrong types or bad values.
    """
    override = coerce_http_options(override)
    headers = base.headers
    if override.headers:
        headers = {**(base.headers or {}), **override.headers}
    extra_body = base.extra_body
    if override.extra_body:
        extra_body = deep_merge(base.extra_body or {}, override.extra_body)
    return HttpOptions(
        base_url=override.base_url or base.base_url,
        base_url_resource_scope=(
            override.base_url_resource_scope
            if override.base_url_resource_scope is not None
            else base.base_url_resource_scope
        ),
        api_version=override.api_version or base.api_version,
        headers=headers,
        timeout=override.timeout if override.timeout is not None else base.timeout,
        retry_options=(
            override.retry_options if override.retry_options is not None else base.retry_options
        ),
        extra_body=extra_body,
    )


def client_timeout(
    budget: float, config: TransportConfig, *, stream: bool, explicit: bool
) -> Timeouts:
    """The timeouts of one attempt with ``budget`` seconds left of the call.

    ``sock_connect`` is the connect timeout (a new connection's TCP and TLS handshakes). The
    wait for a pooled connection counts only against the call's budget: ``total`` for a plain
    request or a stream with an explicit timeout; a stream without one has no ``total`` (it may
    run for hours), so ``connect`` (pool wait, DNS and handshakes together) gets the budget.
    """
    if not stream:
        return Timeouts(total=budget, sock_connect=config.connect_timeout)
    return Timeouts(
        total=budget if explicit else None,
        connect=None if explicit else budget,
        sock_connect=config.connect_timeout,
        sock_read=config.stream_idle_timeout,
    )


class Plan:
    """Everything resolved for calls sharing one effective ``HttpOptions``.

    Attributes:
        base_url: The base URL (on its ``mtls`` host when the client's TLS choice says so).
        api_version: The API version segment.
        path_version: The version put in URLs: ``api_version``, or ``None`` with
            ``base_url_resource_scope=COLLECTION``.
        prefixed: False when the backend's resource prefix is left out (COLLECTION scope on
            a client given its base URL).
        tls: The SSL context for https (the client certificate's), or ``None`` for the
            transport's shared one.
        headers: Headers of every request (static auth included).
        timeout: The call's budget in seconds (``HttpOptions.timeout``, given in milliseconds,
            else 600 s).
        explicit_timeout: True when ``HttpOptions.timeout`` was set (it then bounds streams).
        retry: The retry policy.
        extra_body: The dict merged into JSON bodies, or ``None``.
        urls: Built URLs by ``(method, path)`` (calls without a query only).
        origin: The base URL's scheme and authority, and its URL object (made on the first
            URL built): a URL without a query is that object given a path, about three times
            cheaper than parsing the whole URL.
        ready: True once :meth:`prepare` ran; ``request_timeout``, ``stream_timeout`` and
            ``proxy`` are set then.
    """

    __slots__ = (
        "api_version",
        "base_url",
        "explicit_timeout",
        "extra_body",
        "headers",
        "origin",
        "path_version",
        "prefixed",
        "proxy",
        "ready",
        "request_timeout",
        "retry",
        "stream_timeout",
        "timeout",
        "tls",
        "urls",
    )

    def __init__(self, options: HttpOptions, backend: Backend, config: TransportConfig) -> None:
        """Resolves ``options`` (already checked) over the backend's and transport's defaults.

        Raises:
            InvalidOptionError: Bad ``retry_options``.
            ImportError: mTLS is asked for on Vertex AI and google-auth is missing (the
                client's first plan only; see :func:`._mtls.client_tls`).
        """
        base_url = options.base_url or backend.default_base_url
        tls = backend.client_tls
        if tls is None:
            from ._mtls import client_tls

            tls = client_tls(backend)
        if tls.mtls_endpoint:
            from .._backend import to_mtls_url

            base_url = to_mtls_url(base_url)
        self.base_url = base_url
        self.tls: ssl.SSLContext | None = tls.context
        self.api_version = options.api_version or backend.default_api_version
        scope = options.base_url_resource_scope
        collection = scope is not None and ResourceScope(scope) is ResourceScope.COLLECTION
        self.path_version: str | None = None if collection else self.api_version
        self.prefixed = not (collection and backend.custom_base_url)
        headers = {
            "Content-Type": "application/json",
            "user-agent": f"{PRODUCT} {LANGUAGE}",
            "x-goog-api-client": f"{PRODUCT} {LANGUAGE}",
        }
        headers.update(backend.static_headers)
        if options.headers:
            headers.update(options.headers)
        explicit = options.timeout is not None
        self.timeout: float = (
            options.timeout / 1000.0 if options.timeout is not None else DEFAULT_TIMEOUT
        )
        if explicit and "X-Server-Timeout" not in headers:
            headers["X-Server-Timeout"] = str(math.ceil(self.timeout))
        self.headers = headers
        self.retry = RetryPolicy.from_options(options.retry_options)
        self.extra_body = options.extra_body or None
        self.explicit_timeout = explicit
        self.urls: dict[tuple[str, str], URL] = {}
        self.origin: tuple[str, URL] | None = None
        self.ready = False  # the transport-level settings below are made by prepare()
        self.request_timeout: Timeouts
        self.stream_timeout: Timeouts
        self.proxy: str | None

    def prepare(self, config: TransportConfig) -> None:
        """Builds the timeouts and reads the proxy: on first use, not at construction.

        The connect timeout is ``sock_connect`` (TCP and TLS of one new connection):
        waiting for a pooled connection is not connecting, and is bounded only by the call's
        budget (``total``; for a stream without an explicit timeout, ``connect`` set to the
        call's default budget bounds the pool wait alone).
        """
        self.request_timeout = client_timeout(self.timeout, config, stream=False, explicit=True)
        self.stream_timeout = client_timeout(
            self.timeout, config, stream=True, explicit=self.explicit_timeout
        )
        self.proxy = proxy_for(self.base_url)
        self.ready = True

    def target(
        self, backend: Backend, method: str, path: str, query: Mapping[str, object] | None
    ) -> URL:
        """The URL of ``path`` (cached by method and path when there is no query).

        Raises:
            InvalidRequestError: The path fails :func:`check_resource_path`.
        """
        if query is None:
            url = self.urls.get((method, path))
            if url is not None:
                return url
        URL, build_url = _url_tools or _load_url_tools()
        check_resource_path(path)
        resource = backend.resource_path(method, path) if self.prefixed else path
        text = build_url(self.base_url, self.path_version, resource, query)
        origin = self.origin
        if origin is None:
            split = urlsplit(self.base_url)
            prefix = f"{split.scheme}://{split.netloc}"
            origin = self.origin = (prefix, URL(prefix, encoded=True))
        prefix = origin[0]
        if (
            query is None
            and text.startswith(prefix)
            and text.startswith("/", len(prefix))
            and "?" not in text
            and "#" not in text
        ):
            url = origin[1].with_path(text[len(prefix) :], encoded=True)
        else:
            url = URL(text, encoded=True)
        if query is None:
            if len(self.urls) >= URL_CACHE_LIMIT:
                self.urls.clear()
            self.urls[(method, path)] = url
        return url


def _load_url_tools() -> tuple[type[URL], Callable[..., str]]:
    global _url_tools
    from yarl import URL

    from .._backend import build_url

    _url_tools = (URL, build_url)
    return _url_tools
