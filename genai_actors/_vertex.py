"""The Vertex AI backend: its URLs, its resource prefix, its authentication, and how the client's
arguments and the environment choose them (the rules of google-genai's client, restated).

Three modes:

- **project and location** (the usual one): ``https://{location}-aiplatform.googleapis.com/``
  (``https://aiplatform.googleapis.com/`` for ``global``, ``https://aiplatform.{us|eu}.rep.
  googleapis.com/`` for the multi-regions), every path under ``projects/{p}/locations/{l}/``
  (not a path already starting with ``projects/``, nor a GET of ``publishers/...``), and an
  OAuth bearer token from google-auth (:class:`~genai_actors._credentials.TokenSource`), with
  ``x-goog-user-project`` when the credentials carry a quota project;
- **express mode** (an API key, no project or location): ``https://aiplatform.googleapis.com/``,
  no prefix, the key in ``x-goog-api-key``;
- **gateway** (a custom base URL not on ``googleapis.com``, with neither both project and
  location nor an API key given as arguments): no prefix and no authentication header (the
  gateway authenticates through ``http_options.headers``).

The API version is ``v1beta1`` unless ``GOOGLE_GENAI_API_VERSION`` or ``http_options`` says
otherwise. A custom base URL (``http_options.base_url``, else ``GOOGLE_VERTEX_BASE_URL``) replaces
the host but keeps the version and the prefix, unless ``http_options.base_url_resource_scope`` is
``COLLECTION``: the base URL then names the collection, and paths get neither (google-genai's
rule, per call too). The client certificate and ``mtls`` hosts are the transport's choice
(``genai_actors._transport._mtls``), made once per backend and kept in ``client_tls``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import msgspec

from . import _log
from ._backend import ClientTls, check_api_key, missing_scoped_base_url
from ._credentials import TokenSource, load_default, load_file, require_google_auth
from .errors import InvalidOptionError
from .types._http import HttpOptions

__all__ = ["VERTEX_API_VERSION", "VertexBackend", "resolve_vertex"]

VERTEX_API_VERSION = "v1beta1"
GLOBAL_BASE_URL = "https://aiplatform.googleapis.com/"
MULTI_REGIONS = frozenset({"us", "eu"})

_log_config = _log.get_logger("genai_actors.config")


class VertexBackend:
    """Vertex AI: project/location paths with bearer tokens, express mode, or a gateway.

    Args:
        project: The Google Cloud project (``None`` in express and gateway modes).
        location: The region, ``global``, ``us`` or ``eu`` (``None`` in express and gateway
            modes).
        tokens: Where bearer tokens come from (project/location mode), else ``None``.
        api_key: The express-mode key, else ``None``.
        default_base_url: The base URL the mode implies.
        custom_base_url: True when the base URL was given (argument or environment).

    Raises:
        InvalidOptionError: A bad API key (as the Developer API's).
    """

    name = "Vertex AI"
    vertexai = True
    default_api_version = VERTEX_API_VERSION

    __slots__ = (
        "_api_key",
        "_auth_cache",
        "_prefix",
        "client_tls",
        "custom_base_url",
        "default_base_url",
        "dynamic_auth",
        "location",
        "project",
        "static_headers",
        "tokens",
    )

    def __init__(
        self,
        *,
        project: str | None,
        location: str | None,
        tokens: TokenSource | None,
        api_key: str | None,
        default_base_url: str,
        custom_base_url: bool = False,
    ) -> None:
        self.project = project
        self.location = location
        self.tokens = tokens
        self.default_base_url = default_base_url
        self._api_key = None if api_key is None else check_api_key(api_key)
        self.static_headers: Mapping[str, str] = (
            {"x-goog-api-key": self._api_key} if self._api_key is not None else {}
        )
        self.dynamic_auth = tokens is not None and self._api_key is None
        self._prefix = f"projects/{project}/locations/{location}/" if project and location else ""
        self._auth_cache: tuple[str, dict[str, str]] | None = None
        self.custom_base_url = custom_base_url
        self.client_tls: ClientTls | None = None  # chosen by the transport on first use

    @property
    def mode(self) -> str:
        """``"project"``, ``"express"`` or ``"gateway"``."""
        if self._api_key is not None:
            return "express" if not self._prefix else "project"
        return "project" if self._prefix else "gateway"

    @property
    def api_key(self) -> str | None:
        """The express-mode API key (never put it in a log, repr or error)."""
        return self._api_key

    @property
    def is_ephemeral_token(self) -> bool:
        """True when the key is an ephemeral ``auth_tokens/...`` token (refused for REST)."""
        return self._api_key is not None and self._api_key.startswith("auth_tokens/")

    def resource_path(self, method: str, path: str) -> str:
        """``path`` under ``projects/{p}/locations/{l}/`` unless it starts with ``projects/``
        or is a GET of ``publishers/...`` (a base model: no project prefix)."""
        prefix = self._prefix
        if (
            not prefix
            or path.startswith("projects/")
            or (method.upper() == "GET" and path.startswith("publishers/"))
        ):
            return path
        return prefix + path

    async def auth_headers(self) -> Mapping[str, str]:
        """``Authorization: Bearer <token>`` (refreshed when needed), plus
        ``x-goog-user-project`` when the credentials carry a quota project.

        Raises:
            ImportError: google-auth is not installed (the message names the extra).
            google.auth.exceptions.RefreshError: The token endpoint refused the credentials.
            google.auth.exceptions.DefaultCredentialsError: No ADC could be found.

        Cancellation: see :meth:`TokenSource.token` (a running refresh completes in its thread).
        """
        tokens = self.tokens
        if tokens is None:
            return self.static_headers
        token = await tokens.token()
        cached = self._auth_cache
        if cached is not None and cached[0] == token:
            return cached[1]
        headers = {"Authorization": f"Bearer {token}"}
        quota = tokens.quota_project_id
        if quota:
            headers["x-goog-user-project"] = quota
        self._auth_cache = (token, headers)
        return headers

    def reauthorize(self, headers: Mapping[str, str]) -> bool:
        """After a 401 for a request sent with ``headers``: marks its bearer token refused so
        the next :meth:`auth_headers` refreshes. Returns True when a retry may succeed (the
        token can be refreshed, or was replaced meanwhile), False otherwise (an API key, a
        fixed token)."""
        tokens = self.tokens
        sent = headers.get("Authorization", "")
        if tokens is None or not sent.startswith("Bearer "):
            return False
        self._auth_cache = None
        return tokens.invalidate(sent.removeprefix("Bearer "))

    def secrets(self) -> tuple[str, ...]:
        """The API key, or the tokens handed out recently."""
        found: tuple[str, ...] = () if self._api_key is None else (self._api_key,)
        if self.tokens is not None:
            found += self.tokens.secrets()
        return found

    def __repr__(self) -> str:
        auth = "api_key='***'" if self._api_key is not None else "token='***'"
        return (
            f"VertexBackend(project={self.project!r}, location={self.location!r}, "
            f"mode={self.mode!r}, {auth})"
        )


def _env_key(env: Mapping[str, str]) -> str | None:
    google = env.get("GOOGLE_API_KEY") or None
    gemini = env.get("GEMINI_API_KEY") or None
    if google and gemini and google != gemini:
        _log_config.warning("config.api_key_conflict", chosen="GOOGLE_API_KEY")
    return google or gemini


def _check_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise InvalidOptionError(
            "http_options.base_url", f"must start with https:// or http://, got {url!r}"
        )
    return url


def resolve_vertex(
    *,
    api_key: str | None,
    credentials: object | None,
    project: str | None,
    location: str | None,
    options: HttpOptions,
    environ: Mapping[str, str] | None = None,
) -> tuple[VertexBackend, HttpOptions]:
    """Resolves the client's Vertex AI arguments and the environment, as google-genai does.

    Explicit arguments beat the environment (``GOOGLE_CLOUD_PROJECT``,
    ``GOOGLE_CLOUD_LOCATION``, ``GOOGLE_API_KEY`` / ``GEMINI_API_KEY``,
    ``GOOGLE_VERTEX_BASE_URL``, ``GOOGLE_GENAI_API_VERSION``); an explicit key beats an
    environment project/location and an explicit project/location or credentials beat an
    environment key; between two environment values, project/location win. Without a
    location (and no key) the location is ``global``. Without a project (and no key or custom
    base URL) Application Default Credentials are loaded now, for their project.

    Args:
        credentials: A google-auth credentials object, or the path of a key file (a service
            account's or a user's), or ``None`` for Application Default Credentials (loaded on
            the first request when the project is known).

    Raises:
        InvalidOptionError: Both ``api_key`` and ``credentials``; neither a project (nor ADC
            naming one) nor an API key; an API key together with only one of project and
            location; a bad key or base URL.
        ImportError: google-auth is needed and missing (the message names the extra).
        google.auth.exceptions.DefaultCredentialsError: ADC was needed and not found, or the
            key file is not one.
    """
    env = os.environ if environ is None else environ
    if credentials is not None and api_key is not None:
        raise InvalidOptionError(
            "credentials", "credentials and api_key are mutually exclusive: give one"
        )
    env_project = env.get("GOOGLE_CLOUD_PROJECT") or None
    env_location = env.get("GOOGLE_CLOUD_LOCATION") or None
    env_api_key = _env_key(env)
    the_project = project or env_project
    the_location = location or env_location
    key = api_key or env_api_key

    if credentials is not None and env_api_key:
        key = None  # explicit credentials beat a key from the environment
    elif api_key and not project and not location and (env_project or env_location):
        the_project = the_location = None  # an explicit key beats the environment's place
    elif (project or location) and not api_key and env_api_key:
        key = None  # an explicit place beats the environment's key
    elif not project and not location and not api_key and (env_project or env_location):
        key = None  # between environment values, the place wins

    custom = options.base_url or env.get("GOOGLE_VERTEX_BASE_URL") or None
    if custom is not None:
        _check_url(custom)
    elif options.base_url_resource_scope is not None:
        raise missing_scoped_base_url()
    if not the_location and not key and (custom is None or custom.endswith(".googleapis.com")):
        the_location = "global"

    loaded: tuple[Any, str | None] | None = None
    if isinstance(credentials, str | os.PathLike):
        loaded = load_file(credentials)
        credentials = loaded[0]
        the_project = the_project or loaded[1]
    if not the_project and not key and custom is None:
        file_project = getattr(credentials, "project_id", None)
        if isinstance(file_project, str) and file_project:
            the_project = file_project
        else:
            adc, the_project = load_default(None)
            if credentials is None:
                credentials = adc

    if not ((the_project and the_location) or key) and custom is None:
        raise InvalidOptionError(
            "project",
            "Vertex AI needs a project (project=... or GOOGLE_CLOUD_PROJECT) or an API key "
            "(express mode)",
        )
    if key and bool(the_project) != bool(the_location):
        raise InvalidOptionError(
            "location" if the_project else "project",
            "with an API key on Vertex AI, give both project and location, or neither "
            "(express mode)",
        )

    gateway = False
    if custom is None and ((key and not the_location) or the_location == "global"):
        base = GLOBAL_BASE_URL
    elif custom is None and the_location in MULTI_REGIONS:
        base = f"https://aiplatform.{the_location}.rep.googleapis.com/"
    elif (
        custom is not None
        and not custom.endswith(".googleapis.com")
        and not ((project and location) or api_key)
    ):
        base, gateway = custom, True
        the_project = the_location = None
    else:
        base = custom or f"https://{the_location}-aiplatform.googleapis.com/"

    env_version = (env.get("GOOGLE_GENAI_API_VERSION") or "").strip()
    version = VERTEX_API_VERSION if not env_version or env_version == "beta" else env_version

    tokens: TokenSource | None = None
    if not key and not gateway:
        if credentials is not None:
            require_google_auth()
        tokens = TokenSource(credentials, project=the_project)
    backend = VertexBackend(
        project=the_project if not gateway else None,
        location=the_location if not gateway else None,
        tokens=tokens,
        api_key=key if key else None,
        default_base_url=base,
        custom_base_url=custom is not None,
    )
    resolved = msgspec.structs.replace(
        options, base_url=base, api_version=options.api_version or version
    )
    return backend, resolved
