"""``client.auth_tokens``: ephemeral tokens for the Live API (Gemini Developer API only).

``create`` POSTs ``auth_tokens`` on ``v1alpha`` (the only version serving them; a per-call
``http_options.api_version`` overrides it). A token may lock the Live setup of the sessions
it opens: ``live_connect_constraints`` (model + :class:`~genai_actors.types.LiveConnectConfig`)
becomes ``bidiGenerateContentSetup``, the Live ``setup`` object without its wrapper, and
``lock_additional_fields`` becomes ``fieldMask``:

- ``None``: no mask; the server locks the whole setup;
- ``[]``: the fields set in the setup, two levels deep (``generationConfig.temperature``);
- names: those fields plus the names (a name of a generation setting, such as
  ``temperature``, means ``generationConfig.temperature``).

Unlike google-genai, every path in the mask is camelCase (the form proto JSON field masks
take), and options that need a constrained setup are refused without one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from .._transformers import InvalidRequestError, Request, camel, coerce_config, live_setup
from ..types._auth_tokens import AuthToken, CreateAuthTokenConfig
from ..types._generate import GenerationConfig
from ..types._http import HttpOptions
from ._toolkit import call, require_developer_api

if TYPE_CHECKING:
    from .._api_client import ApiClient

__all__ = ["AsyncTokens", "build_token_body", "field_mask"]

AUTH_TOKENS_API_VERSION = "v1alpha"

_GENERATION_CONFIG_NAMES = frozenset(GenerationConfig.__struct_fields__) | frozenset(
    camel(f) for f in GenerationConfig.__struct_fields__
)


def _time(value: object, path: str) -> str:
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)
        return moment.astimezone(datetime.UTC).isoformat()
    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidRequestError(
                path, f"expected a datetime or an RFC 3339 timestamp, got {value!r}"
            ) from None
        return _time(parsed, path)
    raise InvalidRequestError(path, f"expected a datetime or an RFC 3339 string, got {value!r}")


def _parsed(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)


def field_mask(setup: Mapping[str, Any], additional: list[str]) -> str:
    """The ``fieldMask`` locking the fields set in ``setup`` plus ``additional`` names.

    Paths go two levels deep (``generationConfig.temperature``); a name of a generation
    setting gets the ``generationConfig.`` prefix; every segment is camelCase; duplicates are
    dropped (first occurrence kept).

    Raises:
        InvalidRequestError: An empty or malformed name.
    """
    paths: list[str] = []
    for key, value in setup.items():
        if isinstance(value, dict) and value:
            paths.extend(f"{key}.{inner}" for inner in value)
        else:
            paths.append(key)
    for i, name in enumerate(additional):
        if (
            not isinstance(name, str)
            or not name.strip()
            or any(not p for p in name.strip().split("."))
        ):
            raise InvalidRequestError(
                f"config.lock_additional_fields[{i}]", f"expected a field name, got {name!r}"
            )
        text = name.strip()
        if text in _GENERATION_CONFIG_NAMES:
            text = f"generationConfig.{text}"
        paths.append(".".join(camel(p) for p in text.split(".")))
    return ",".join(dict.fromkeys(paths))


def build_token_body(cfg: CreateAuthTokenConfig) -> dict[str, Any]:
    """The ``auth_tokens`` request body for a (coerced) config.

    Raises:
        InvalidRequestError: Bad times, negative ``uses``, a new-session window ending after
            the token, or ``lock_additional_fields`` without a constrained setup.
    """
    body: dict[str, Any] = {}
    expire = new_session = None
    if cfg.expire_time is not None:
        expire = body["expireTime"] = _time(cfg.expire_time, "config.expire_time")
    if cfg.new_session_expire_time is not None:
        new_session = body["newSessionExpireTime"] = _time(
            cfg.new_session_expire_time, "config.new_session_expire_time"
        )
    if expire is not None and new_session is not None and _parsed(new_session) > _parsed(expire):
        raise InvalidRequestError(
            "config.new_session_expire_time", "must not be later than config.expire_time"
        )
    if cfg.uses is not None:
        if isinstance(cfg.uses, bool) or cfg.uses < 0:
            raise InvalidRequestError(
                "config.uses", f"must be >= 0 (0 = unlimited), got {cfg.uses}"
            )
        body["uses"] = cfg.uses
    setup: dict[str, Any] = {}
    constraints = cfg.live_connect_constraints
    if constraints is not None:
        setup = live_setup(
            constraints.model,
            constraints.config,
            path="config.live_connect_constraints.config",
        )
    if setup:
        body["bidiGenerateContentSetup"] = setup
    if cfg.lock_additional_fields is not None:
        if not setup:
            raise InvalidRequestError(
                "config.lock_additional_fields",
                "needs config.live_connect_constraints (a model or a Live config to lock)",
            )
        body["fieldMask"] = field_mask(setup, list(cfg.lock_additional_fields))
    return body


def _create_request(cfg: CreateAuthTokenConfig) -> Request:
    """``auth_tokens.create``: ``POST auth_tokens`` on ``v1alpha`` unless the config's
    ``http_options.api_version`` says otherwise (no body when the config sets nothing).

    Raises:
        InvalidRequestError: As :func:`build_token_body`.
    """
    payload = build_token_body(cfg)
    options = cfg.http_options if cfg.http_options is not None else HttpOptions()
    if options.api_version is None:
        options = msgspec.structs.replace(options, api_version=AUTH_TOKENS_API_VERSION)
    return Request("POST", "auth_tokens", None, payload or None, options)


class AsyncTokens:
    """``client.auth_tokens`` on :class:`~genai_actors.AsyncClient` (Gemini Developer API)."""

    def __init__(self, api_client: ApiClient) -> None:
        self._api = api_client

    async def create(
        self, *, config: CreateAuthTokenConfig | Mapping[str, Any] | None = None
    ) -> AuthToken:
        """Creates an ephemeral token for the Live API.

        Args:
            config: ``expire_time``, ``new_session_expire_time``, ``uses``,
                ``live_connect_constraints``, ``lock_additional_fields`` (see the module
                docstring), ``http_options`` (``api_version`` defaults to ``v1alpha``).

        Returns:
            The token; its ``name`` is the key a Live-only client uses.

        Raises:
            InvalidRequestError: A bad config (nothing is sent).
            UnsupportedByBackendError: On Vertex AI.
            APIError: The server refused (e.g. an unknown model, a time too far ahead).
        """
        require_developer_api(self._api, "auth_tokens.create", "ephemeral tokens are mldev only")
        cfg = coerce_config(config, CreateAuthTokenConfig)
        return await call(self._api, _create_request(cfg), AuthToken)
