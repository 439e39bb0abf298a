"""The backend seam: where requests go (URL building) and how they are authenticated.

API modules never build URLs or auth headers themselves; they pass a resource path such as
``models/gemini-2.5-flash:generateContent`` to ``ApiClient``, which asks its :class:`Backend`.
:class:`MLDevBackend` is the Gemini Developer API (API key in ``x-goog-api-key``).
``genai_actors._vertex.VertexBackend`` implements the same protocol for Vertex AI: its
``resource_path`` adds ``projects/{project}/locations/{location}/`` and its ``auth_headers``
returns a bearer token, refreshed single-flight in a worker thread before expiry
(``dynamic_auth = True``; ``genai_actors._credentials``).

URL rules (as google-genai): ``base_url`` + ``api_version`` + ``path``, with exactly one ``/``
between the parts; a path containing ``{api_version}`` (upload paths such as
``upload/{api_version}/files``) gets the version substituted there instead of prefixed; a path
that already starts with ``upload/`` or ``download/`` (``upload/v1beta/files``) is used as given.
With ``HttpOptions.base_url_resource_scope=COLLECTION`` there is no version (the base URL names
the collection). :class:`ClientTls` is a client's choice of client certificate and mTLS host
(made by ``genai_actors._transport._mtls``); :func:`to_mtls_url` is the host rewrite.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import quote, urlencode, urlparse, urlunparse

from . import _log
from .errors import InvalidOptionError

if TYPE_CHECKING:
    import ssl

__all__ = [
    "NO_CLIENT_TLS",
    "Backend",
    "ClientTls",
    "MLDevBackend",
    "build_url",
    "check_api_key",
    "resolve_api_key",
    "resolve_api_version",
    "resolve_base_url",
    "to_mtls_url",
]

MLDEV_BASE_URL = "https://generativelanguage.googleapis.com/"
MLDEV_API_VERSION = "v1"

_API_VERSION_PLACEHOLDER = "{api_version}"
_UNVERSIONED_PREFIXES = ("upload/", "download/")
_PATH_SAFE = "/:@-._~!$&'()*+,;=%"
# A path of these characters alone is what quote(path, safe=_PATH_SAFE) returns unchanged.
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/:@\-._~!$&'()*+,;=%]*")

_log_config = _log.get_logger("genai_actors.config")

_GOOGLEAPIS = ("sandbox.googleapis.com", "googleapis.com")  # the more specific one first
_MTLS_SUFFIXES = tuple(".mtls." + domain for domain in _GOOGLEAPIS)
_REP_SUFFIXES = tuple(
    f".{region}.rep.{domain}" for region in ("us", "eu") for domain in _GOOGLEAPIS
)


@dataclass(frozen=True, slots=True)
class ClientTls:
    """A client's TLS choice, made once (``genai_actors._transport._mtls.client_tls``).

    Attributes:
        context: The SSL context holding the default client certificate, or ``None`` (the
            transport's shared context then serves https).
        mtls_endpoint: True when ``*.googleapis.com`` hosts become their ``mtls`` hosts
            (:func:`to_mtls_url`).
    """

    context: ssl.SSLContext | None
    mtls_endpoint: bool


NO_CLIENT_TLS = ClientTls(None, False)
"""No client certificate and no host rewrite: the Developer API, and Vertex AI by default."""


def to_mtls_url(url: str) -> str:
    """``url`` with a ``*.googleapis.com`` host moved to its mTLS host, as google-genai does.

    ``aiplatform.googleapis.com`` becomes ``aiplatform.mtls.googleapis.com`` and
    ``x.sandbox.googleapis.com`` becomes ``x.mtls.sandbox.googleapis.com``. Left unchanged:
    other hosts (the domain is matched on the authority as written, so a host with an explicit
    port or in capitals is left alone, as google-genai leaves it), hosts already on ``mtls``,
    and the multi-region ``{us,eu}.rep`` hosts (which have no mTLS twin).
    """
    parts = urlparse(url)
    host = parts.hostname or ""
    if host.endswith(_MTLS_SUFFIXES) or host.endswith(_REP_SUFFIXES):
        return url
    authority = parts.netloc
    for domain in _GOOGLEAPIS:
        if authority.endswith("." + domain):
            moved = authority[: len(authority) - len(domain)] + "mtls." + domain
            return urlunparse(parts._replace(netloc=moved))
    return url


@runtime_checkable
class Backend(Protocol):
    """What ``ApiClient`` needs from a backend.

    Attributes:
        name: Human-readable name used in errors, e.g. ``"Gemini Developer API"``.
        vertexai: True for Vertex AI.
        default_base_url: Base URL when none is configured.
        default_api_version: API version when none is configured.
        static_headers: Auth headers fixed for the client's lifetime (sent on every request).
        dynamic_auth: True if :meth:`auth_headers` must be awaited before each request.
        custom_base_url: True when the client was given its base URL (argument or
            environment): with ``base_url_resource_scope=COLLECTION`` Vertex AI paths then
            get no ``projects/{p}/locations/{l}/`` prefix.
        client_tls: The client certificate and mTLS host choice; ``None`` until the
            transport makes it (once, on the client's first plan).
    """

    name: str
    vertexai: bool
    default_base_url: str
    default_api_version: str
    static_headers: Mapping[str, str]
    dynamic_auth: bool
    custom_base_url: bool
    client_tls: ClientTls | None

    def resource_path(self, method: str, path: str) -> str:
        """Returns the backend's full resource path for ``path`` (e.g. adds a project prefix)."""
        ...

    async def auth_headers(self) -> Mapping[str, str]:
        """Returns fresh auth headers (called only when ``dynamic_auth``); may refresh a token."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """The strings to scrub from anything shown to users (keys, tokens)."""
        ...


class MLDevBackend:
    """The Gemini Developer API, authenticated by an API key in ``x-goog-api-key``."""

    name = "Gemini Developer API"
    vertexai = False
    default_base_url = MLDEV_BASE_URL
    default_api_version = MLDEV_API_VERSION
    dynamic_auth = False
    custom_base_url = False
    client_tls: ClientTls | None = NO_CLIENT_TLS  # google-genai uses mTLS on Vertex AI only

    __slots__ = ("_api_key", "static_headers")

    def __init__(self, api_key: str) -> None:
        """Creates the backend.

        Args:
            api_key: The key (surrounding whitespace is stripped).

        Raises:
            InvalidOptionError: The key is not a string, is empty, or holds a control character
                (CR, LF, NUL...: it could not travel in a header); the message never shows it.
        """
        api_key = check_api_key(api_key)
        self._api_key = api_key
        self.static_headers: Mapping[str, str] = {"x-goog-api-key": api_key}

    @property
    def is_ephemeral_token(self) -> bool:
        """True when the key is an ephemeral ``auth_tokens/...`` token (Live only)."""
        return self._api_key.startswith("auth_tokens/")

    @property
    def api_key(self) -> str:
        """The API key (never put it in a log, repr or error)."""
        return self._api_key

    def resource_path(self, method: str, path: str) -> str:
        """Developer API paths are used as given."""
        return path

    async def auth_headers(self) -> Mapping[str, str]:
        """The API key header (static; never refreshed)."""
        return self.static_headers

    def secrets(self) -> tuple[str, ...]:
        """The API key."""
        return (self._api_key,)

    def __repr__(self) -> str:
        return "MLDevBackend(api_key='***')"


def check_api_key(api_key: object) -> str:
    """The key with surrounding whitespace stripped, checked before it reaches a header.

    Raises:
        InvalidOptionError: (option ``api_key``) Not a string, empty, or holding a control
            or other non-printable character (CR, LF, NUL, a zero-width space...). The message
            never shows the key.
    """
    if not isinstance(api_key, str):
        raise InvalidOptionError("api_key", f"expected a str, got {type(api_key).__name__}")
    api_key = api_key.strip()
    if not api_key:
        raise InvalidOptionError("api_key", "the API key is empty")
    if not api_key.isprintable():
        for index, char in enumerate(api_key):
            if not char.isprintable():
                kind = _CONTROL_NAMES.get(char, f"U+{ord(char):04X}")
                raise InvalidOptionError(
                    "api_key",
                    f"the API key holds {kind} at position {index} (of {len(api_key)}); "
                    "check how it was read (e.g. a pasted line break); the key is not shown",
                )
    return api_key


_CONTROL_NAMES = {"\r": "a carriage return (CR)", "\n": "a line feed (LF)", "\x00": "a NUL"}


def build_url(
    base_url: str,
    api_version: str | None,
    path: str,
    query: Mapping[str, object] | None = None,
) -> str:
    """Joins base URL, API version and path with single slashes, and encodes the query.

    Args:
        base_url: e.g. ``https://generativelanguage.googleapis.com/`` (a path part is kept).
        api_version: e.g. ``v1beta``; empty or ``None`` means no version segment.
        path: The resource path; characters outside RFC 3986's path set are percent-encoded
            (existing ``%xx`` escapes are kept).
        query: Parameters; ``None`` values are skipped, booleans become ``true``/``false``,
            lists repeat the key.

    Returns:
        The URL as a string.
    """
    path = path.lstrip("/")
    if _API_VERSION_PLACEHOLDER in path:
        if api_version:
            path = path.replace(_API_VERSION_PLACEHOLDER, api_version.strip("/"))
        else:
            path = path.replace(_API_VERSION_PLACEHOLDER + "/", "").replace(
                _API_VERSION_PLACEHOLDER, ""
            )
    elif api_version and not path.startswith(_UNVERSIONED_PREFIXES):
        path = f"{api_version.strip('/')}/{path}"
    if _PLAIN_PATH.fullmatch(path) is None:
        path = quote(path, safe=_PATH_SAFE)
    url = base_url.rstrip("/") + "/" + path
    if query:
        pairs: list[tuple[str, str]] = []
        for key, value in query.items():
            if value is None:
                continue
            values = value if isinstance(value, list | tuple) else (value,)
            for item in values:
                if isinstance(item, bool):
                    pairs.append((key, "true" if item else "false"))
                else:
                    pairs.append((key, str(item)))
        if pairs:
            url += ("&" if "?" in url else "?") + urlencode(pairs)
    return url


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The API key: the argument, else ``GOOGLE_API_KEY`` (wins), else ``GEMINI_API_KEY``.

    Raises:
        InvalidOptionError: (option ``api_key``) No key anywhere, or the key found holds a
            control character (CR, LF, NUL...); the message names where it came from, never
            the key.
    """
    env = os.environ if environ is None else environ
    if api_key is not None and (not isinstance(api_key, str) or api_key.strip()):
        return check_api_key(api_key)
    google = (env.get("GOOGLE_API_KEY") or "").strip()
    gemini = (env.get("GEMINI_API_KEY") or "").strip()
    if google and gemini and google != gemini:
        _log_config.warning("config.api_key_conflict", chosen="GOOGLE_API_KEY")
    key = google or gemini
    if not key:
        raise InvalidOptionError(
            "api_key",
            "no API key: pass api_key=... or set GOOGLE_API_KEY (or GEMINI_API_KEY) "
            "in the environment",
        )
    try:
        return check_api_key(key)
    except InvalidOptionError as exc:
        source = "GOOGLE_API_KEY" if google else "GEMINI_API_KEY"
        raise InvalidOptionError("api_key", f"{exc.reason} (read from {source})") from None


def resolve_base_url(
    base_url: str | None, environ: Mapping[str, str] | None = None, *, scoped: bool = False
) -> str:
    """The base URL: the argument, else ``GOOGLE_GEMINI_BASE_URL``, else the public endpoint.

    Args:
        scoped: The client's options set ``base_url_resource_scope``, which needs a base URL
            from the argument or the environment.

    Raises:
        InvalidOptionError: (option ``http_options.base_url``) The URL is not http(s), or
            ``scoped`` without a base URL (a ``ValueError``, as google-genai raises).
    """
    env = os.environ if environ is None else environ
    given = base_url or env.get("GOOGLE_GEMINI_BASE_URL")
    if scoped and not given:
        raise missing_scoped_base_url()
    url = given or MLDEV_BASE_URL
    if not url.startswith(("https://", "http://")):
        raise InvalidOptionError(
            "http_options.base_url", f"must start with https:// or http://, got {url!r}"
        )
    return url


def missing_scoped_base_url() -> InvalidOptionError:
    """The error of a client given ``base_url_resource_scope`` and no base URL."""
    return InvalidOptionError(
        "http_options.base_url",
        "base_url must be set when base_url_resource_scope is set (the scope says what the "
        "base URL names)",
    )


def resolve_api_version(api_version: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The API version: the argument, else ``GOOGLE_GENAI_API_VERSION`` (``beta`` = ``v1beta``),
    else ``v1`` (google-genai 3.x's default)."""
    if api_version:
        return api_version
    env = os.environ if environ is None else environ
    value = (env.get("GOOGLE_GENAI_API_VERSION") or "").strip()
    if value == "beta":
        return "v1beta"
    return value or MLDEV_API_VERSION


def env_flag(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment variable is ``true`` or ``1`` (case-insensitive)."""
    env = os.environ if environ is None else environ
    return (env.get(name) or "").strip().lower() in ("true", "1")
