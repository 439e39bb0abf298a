"""Ephemeral auth tokens: ``POST {version}/auth_tokens`` and the check the Live endpoint uses.

A token (``auth_tokens/{random}``) has an ``expireTime`` (default 30 minutes, at most 20 hours
ahead), a ``newSessionExpireTime`` (default 1 minute, never after ``expireTime``) before which
new Live sessions may start, and ``uses`` (absent: 1; 0: unlimited). It may lock a Live setup
(``bidiGenerateContentSetup``): with no ``fieldMask`` the whole setup is locked; with one, only
the listed fields (``generationConfig.temperature``, camelCase or snake_case). REST calls that
present a token as their API key are refused with 401 (see ``_auth.authenticate``).

:meth:`TokenStore.check` is what the Live endpoint calls: it raises for an unknown, expired or
used-up token (or a closed new-session window), consumes a use for a new session, and returns
the locked fields a given setup message contradicts.
"""

from __future__ import annotations

import datetime as _dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import ApiError, bad_request
from ._timeutil import parse_timestamp, rfc3339

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState

__all__ = ["AuthToken", "TokenStore", "register"]

_MAX_LIFETIME = _dt.timedelta(hours=20)
_DEFAULT_LIFETIME = _dt.timedelta(minutes=30)
_DEFAULT_NEW_SESSION = _dt.timedelta(minutes=1)
_MISSING: Any = object()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def _normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _paths(setup: dict[str, Any]) -> list[str]:
    """Field paths two levels deep, as google-genai builds a field mask."""
    out: list[str] = []
    for key, value in setup.items():
        if isinstance(value, dict) and value:
            out.extend(f"{key}.{inner}" for inner in value)
        else:
            out.append(key)
    return out


def _at(setup: dict[str, Any], path: str) -> Any:
    node: Any = setup
    for piece in path.split("."):
        if not isinstance(node, dict) or piece not in node:
            return _MISSING
        node = node[piece]
    return node


@dataclass
class AuthToken:
    """One ephemeral token.

    Attributes:
        name: ``auth_tokens/...`` (the value a Live client presents as its key).
        uses: Uses left (None: unlimited).
        setup: The locked Live setup (camelCase), if any.
        mask: The locked field paths (camelCase); None locks the whole setup.
    """

    name: str
    expire: _dt.datetime
    new_session_expire: _dt.datetime
    uses: int | None
    setup: dict[str, Any] | None
    mask: list[str] | None

    def to_json(self) -> dict[str, Any]:
        """The ``AuthToken`` resource."""
        out: dict[str, Any] = {
            "name": self.name,
            "expireTime": rfc3339(self.expire),
            "newSessionExpireTime": rfc3339(self.new_session_expire),
        }
        if self.uses is not None:
            out["uses"] = self.uses
        if self.setup is not None:
            out["bidiGenerateContentSetup"] = self.setup
        if self.mask is not None:
            out["fieldMask"] = ",".join(self.mask)
        return out


class TokenStore:
    """Every ephemeral token, by name.

    Args:
        state: The emulator state (wall clock, models).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._tokens: dict[str, AuthToken] = {}

    def create(self, body: dict[str, Any], version: str) -> AuthToken:
        """Create a token from a validated ``AuthToken`` body.

        Raises:
            ApiError: 400 for times in the past or too far ahead, negative uses, a field mask
                without a setup; 404 for an unknown model in the setup.
        """
        now = self._state.now()
        expire = now + _DEFAULT_LIFETIME
        if "expireTime" in body:
            expire = parse_timestamp(body["expireTime"], "expire_time")
        if expire <= now:
            raise bad_request("expire_time must be in the future.", "expire_time")
        if expire > now + _MAX_LIFETIME:
            raise bad_request("expire_time must be at most 20 hours in the future.", "expire_time")
        new_session = min(now + _DEFAULT_NEW_SESSION, expire)
        if "newSessionExpireTime" in body:
            new_session = parse_timestamp(body["newSessionExpireTime"], "new_session_expire_time")
            if new_session <= now or new_session > expire:
                raise bad_request(
                    "new_session_expire_time must be in the future and not after expire_time.",
                    "new_session_expire_time",
                )
        uses = body.get("uses", 1)
        if uses < 0:
            raise bad_request("uses must not be negative.", "uses")
        setup = body.get("bidiGenerateContentSetup")
        if setup is not None:
            setup = _normalise(setup)
            if "setup" in setup and len(setup) == 1:
                setup = setup["setup"]
            model = setup.get("model")
            if model:
                if not model.startswith(("models/", "tunedModels/")):
                    model = f"models/{model}"
                    setup["model"] = model
                if model not in self._state.models and model not in self._state.tuned_models:
                    raise ApiError(404, f"{model} is not found for API version {version}.")
        mask: list[str] | None = None
        raw_mask = body.get("fieldMask")
        if raw_mask:
            if setup is None:
                raise bad_request("field_mask requires bidi_generate_content_setup.", "field_mask")
            mask = [
                ".".join(_camel(p) for p in f.strip().split("."))
                for f in raw_mask.split(",")
                if f.strip()
            ]
        token = AuthToken(
            name=f"auth_tokens/{secrets.token_urlsafe(30)}",
            expire=expire,
            new_session_expire=new_session,
            uses=None if uses == 0 else uses,
            setup=setup,
            mask=mask,
        )
        self._tokens[token.name] = token
        return token

    def get(self, name: str) -> AuthToken | None:
        """The token called ``name``, if it exists (expired or not)."""
        return self._tokens.get(name)

    def check(
        self, name: str, setup: dict[str, Any] | None = None, *, new_session: bool = True
    ) -> list[str]:
        """Validate a token presented to the Live endpoint.

        Args:
            name: The presented key, ``auth_tokens/...``.
            setup: The client's setup message (``setup`` contents, camelCase or snake_case).
            new_session: Whether this starts a new session (consumes a use and must fall inside
                the new-session window); False for resuming a session.

        Returns:
            The locked field paths (camelCase) whose value in ``setup`` differs from the locked
            value; empty when ``setup`` honours the lock (or there is no lock).

        Raises:
            ApiError: 401 UNAUTHENTICATED for an unknown or expired token, one with no uses left,
                or a new session after ``newSessionExpireTime``.
        """
        token = self._tokens.get(name)
        now = self._state.now()
        if token is None or now >= token.expire:
            raise ApiError(401, "The ephemeral auth token is invalid or has expired.")
        if new_session:
            if now >= token.new_session_expire:
                raise ApiError(401, "The ephemeral auth token can no longer start new sessions.")
            if token.uses is not None:
                if token.uses <= 0:
                    raise ApiError(401, "The ephemeral auth token has no uses left.")
                token.uses -= 1
        if token.setup is None or setup is None:
            return []
        given = _normalise(setup)
        if "setup" in given and len(given) == 1:
            given = given["setup"]
        if "model" in given and not str(given["model"]).startswith(("models/", "tunedModels/")):
            given["model"] = f"models/{given['model']}"
        paths = (
            token.mask
            if token.mask is not None
            else sorted(set(_paths(token.setup)) | set(_paths(given)))
        )
        return sorted(
            p
            for p in paths
            if _at(given, p) != _at(token.setup, p) and _at(given, p) is not _MISSING
        )


async def create_token(call: Call) -> dict[str, Any]:
    """``POST {version}/auth_tokens``."""
    body = call.body_as("AuthToken")
    return call.state.auth_tokens.create(body, call.version).to_json()


def register(router: Router) -> None:
    """Add the auth token route."""
    router.add("POST", "auth_tokens", "", create_token)
