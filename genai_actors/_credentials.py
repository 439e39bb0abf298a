"""Vertex AI credentials: google-auth objects turned into bearer tokens, refreshed single-flight.

google-auth (the ``genai-actors[vertex]`` extra) does the OAuth work: Application Default
Credentials (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud user login, the metadata server), a
service-account or user key file, or any ``google.auth.credentials.Credentials`` the caller
builds. :class:`TokenSource` keeps one such object and hands out its token:

- a token is refreshed when it is missing or inside google-auth's refresh window before its
  expiry (``credentials.expired`` is true 3 min 45 s early), so a request never leaves with a
  token about to lapse;
- the refresh (blocking HTTP in google-auth) runs in a worker thread, never on the event loop;
- one refresh serves every caller: concurrent callers on a loop wait on one lock and find the
  fresh token when they get it; a thread lock makes loops (the blocking ``Client``'s thread
  and the caller's) share one refresh too.

Tokens are secrets: they never appear in a repr, a log or an error (:meth:`TokenSource.secrets`
feeds the transport's scrub).
"""

from __future__ import annotations

import asyncio
import datetime
import math
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from . import _log
from .errors import InvalidOptionError

__all__ = [
    "CLOUD_PLATFORM_SCOPE",
    "TokenSource",
    "load_default",
    "load_file",
    "require_google_auth",
]

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
_EXTRA_HINT = "Vertex AI needs google-auth: pip install 'genai-actors[vertex]'"
_KEPT_TOKENS = 4  # recent tokens scrubbed from errors (a request may still carry the last one)

_log_auth = _log.get_logger("genai_actors.auth")


def require_google_auth() -> None:
    """Imports google-auth and its ``requests`` transport.

    Raises:
        ImportError: google-auth or requests is missing; the message names the extra.
    """
    try:
        import google.auth
        import google.auth.transport.requests  # noqa: F401
    except ImportError as exc:
        raise ImportError(f"{_EXTRA_HINT} ({exc})") from None


def load_default(project: str | None) -> tuple[Any, str | None]:
    """Application Default Credentials with the cloud-platform scope, and their project.

    Args:
        project: The project already known; ADC's own project is returned only when it is
            ``None``.

    Returns:
        ``(credentials, project)``; the project may be ``None`` when ADC does not name one.

    Raises:
        ImportError: google-auth is not installed (the message names the extra).
        google.auth.exceptions.DefaultCredentialsError: No credentials could be found.
    """
    require_google_auth()
    import google.auth

    credentials, found = google.auth.default(scopes=[CLOUD_PLATFORM_SCOPE])
    return credentials, project or found


def load_file(path: str | os.PathLike[str]) -> tuple[Any, str | None]:
    """Credentials from a key file: a service account's (``"type": "service_account"``), or a
    user's (``"type": "authorized_user"``, as ``gcloud auth application-default login`` writes).

    Only these two types are read (google-auth's loader of any type is deprecated: a file of
    another type could make the process fetch and run what the file names).

    Returns:
        ``(credentials, project)``: a service account's ``project_id``, else ``None``.

    Raises:
        ImportError: google-auth is not installed (the message names the extra).
        InvalidOptionError: (option ``credentials``) The file cannot be read, is not JSON, or
            is of another type.
        ValueError: google-auth refused the file's contents (a malformed key).
    """
    require_google_auth()
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
    except (OSError, ValueError) as exc:
        raise InvalidOptionError(
            "credentials", f"cannot read the key file {os.fspath(path)!r}: {type(exc).__name__}"
        ) from None
    kind = info.get("type") if isinstance(info, dict) else None
    if kind == "service_account":
        from google.oauth2 import service_account

        made = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=[CLOUD_PLATFORM_SCOPE]
        )
        project = info.get("project_id")
        return made, project if isinstance(project, str) and project else None
    if kind == "authorized_user":
        from google.oauth2 import credentials as user_credentials

        made = user_credentials.Credentials.from_authorized_user_info(  # type: ignore[no-untyped-call]
            info, scopes=[CLOUD_PLATFORM_SCOPE]
        )
        return made, None
    raise InvalidOptionError(
        "credentials",
        f"the key file {os.fspath(path)!r} is of type {kind!r}; expected 'service_account' or "
        "'authorized_user' (pass a google-auth credentials object for other kinds)",
    )


def _with_scope(credentials: Any) -> Any:
    """``credentials`` scoped to cloud-platform when they need a scope and have none."""
    from google.auth import credentials as auth_credentials

    return auth_credentials.with_scopes_if_required(  # type: ignore[no-untyped-call]
        credentials, [CLOUD_PLATFORM_SCOPE]
    )


def _needs_refresh(credentials: Any) -> bool:
    # google-auth's `expired` is already true inside its refresh window before the expiry.
    return not getattr(credentials, "token", None) or bool(getattr(credentials, "expired", False))


def _can_refresh(credentials: Any) -> bool:
    """False for google-auth user credentials holding only a token (no refresh token and no
    refresh handler: their refresh would raise); True for every other kind."""
    try:
        from google.oauth2 import credentials as user
    except ImportError:
        return True
    if isinstance(credentials, user.Credentials):
        return bool(
            credentials.refresh_token or getattr(credentials, "refresh_handler", None) is not None
        )
    return True


_REFRESH_WINDOW_S = 225.0  # google-auth's REFRESH_THRESHOLD (3 min 45 s), read when importable


def _refresh_deadline(credentials: Any) -> float | None:
    """The wall-clock time (``time.time()``) from which google-auth's ``expired`` is true, when
    it is the base class's plain rule on ``expiry`` (``None`` otherwise: ask ``expired``).

    ``expired`` costs ~10 us a call (it builds datetimes); comparing one float is ~0.1 us.
    """
    try:
        from google.auth import _helpers, credentials as base
    except ImportError:
        return None
    if getattr(type(credentials), "expired", None) is not base.Credentials.expired:
        return None  # a class with its own rule
    expiry = getattr(credentials, "expiry", None)
    if expiry is None:
        return math.inf
    if not isinstance(expiry, datetime.datetime):
        return None
    window = getattr(_helpers, "REFRESH_THRESHOLD", None)
    seconds = (
        window.total_seconds() if isinstance(window, datetime.timedelta) else _REFRESH_WINDOW_S
    )
    aware = expiry if expiry.tzinfo is not None else expiry.replace(tzinfo=datetime.UTC)
    return aware.timestamp() - seconds


class TokenSource:
    """Bearer tokens of one google-auth credentials object (or of ADC, loaded on first need).

    Args:
        credentials: A ``google.auth.credentials.Credentials``; ``None`` loads Application
            Default Credentials on the first call (in a worker thread).
        project: The project, for loading ADC (``None`` lets ADC name it).
        loader: How to load credentials when ``credentials`` is ``None`` (default
            :func:`load_default`); for tests.

    Attributes:
        refreshes: How many refreshes ran (for tests and metrics).
    """

    __slots__ = (
        "_credentials",
        "_fast",
        "_issued",
        "_loader",
        "_locks",
        "_project",
        "_stale",
        "_thread_lock",
        "refreshes",
    )

    def __init__(
        self,
        credentials: Any | None,
        *,
        project: str | None = None,
        loader: Callable[[str | None], tuple[Any, str | None]] | None = None,
    ) -> None:
        self._credentials = None if credentials is None else _with_scope(credentials)
        self._project = project
        self._loader = loader or load_default
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._thread_lock = threading.Lock()
        self._issued: list[str] = []
        # (token, expiry object, refresh deadline): the last token checked the slow way, valid
        # while the credentials still hold that very token and expiry and the deadline is ahead.
        self._fast: tuple[Any, Any, float] | None = None
        # A token the server refused although google-auth still thinks it valid (revoked,
        # or expired early by a skewed clock): the next call refreshes instead of using it.
        self._stale: str | None = None
        self.refreshes = 0

    @property
    def credentials(self) -> Any | None:
        """The google-auth credentials object (``None`` until ADC was loaded)."""
        return self._credentials

    @property
    def quota_project_id(self) -> str | None:
        """The credentials' quota project (sent as ``x-goog-user-project``), if any."""
        value = getattr(self._credentials, "quota_project_id", None)
        return value if isinstance(value, str) and value else None

    async def token(self) -> str:
        """A valid access token, refreshed first when missing or about to expire.

        Concurrent callers share one refresh: the first refreshes (in a worker thread), the
        others wait for it and use its token.

        Raises:
            ImportError: google-auth is not installed (the message names the extra).
            google.auth.exceptions.RefreshError: The token endpoint refused the credentials.
            google.auth.exceptions.DefaultCredentialsError: No ADC could be found.
            RuntimeError: The credentials gave no token after a refresh.

        Cancellation: a refresh already running in its thread completes there and its token
        is kept for the next caller; the cancelled caller gets nothing.
        """
        credentials = self._credentials
        fast = self._fast
        if (
            fast is not None
            and credentials is not None
            and credentials.token is fast[0]
            and credentials.expiry is fast[1]
            and time.time() < fast[2]
        ):
            token: str = fast[0]
            return token
        if credentials is not None and not self._needs(credentials):
            return self._checked(credentials)
        import anyio.to_thread

        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        async with lock:
            credentials = self._credentials
            if credentials is None or self._needs(credentials):
                await anyio.to_thread.run_sync(self._refresh_blocking)
            credentials = self._credentials
        if not getattr(credentials, "token", None):
            raise RuntimeError("the Vertex AI credentials gave no access token after a refresh")
        return self._checked(credentials)

    def _needs(self, credentials: Any) -> bool:
        stale = self._stale
        return _needs_refresh(credentials) or (
            stale is not None and getattr(credentials, "token", None) == stale
        )

    def invalidate(self, token: str) -> bool:
        """Marks ``token`` refused by the server: the next :meth:`token` refreshes (once for
        all callers) if the credentials still hold it.

        Returns:
            True if the credentials can be refreshed (they still hold ``token`` and google-auth
            knows how to refresh them), False for a fixed token: a retry would be refused too.
        """
        credentials = self._credentials
        if credentials is None or getattr(credentials, "token", None) != token:
            return True  # already replaced: the caller may retry with the new one
        if not _can_refresh(credentials):
            return False
        self._stale = token
        self._fast = None
        return True

    def _checked(self, credentials: Any) -> str:
        """The token of credentials just found valid; remembers it for the fast path."""
        token: str = credentials.token
        deadline = _refresh_deadline(credentials)
        if deadline is not None:
            self._fast = (token, getattr(credentials, "expiry", None), deadline)
        return self._issue(token)

    def _refresh_blocking(self) -> None:
        """Loads (ADC) and refreshes the credentials unless another thread just did (worker
        thread)."""
        with self._thread_lock:
            if self._credentials is None:
                require_google_auth()
                credentials, project = self._loader(self._project)
                self._credentials = _with_scope(credentials)
                self._project = self._project or project
            credentials = self._credentials
            if not self._needs(credentials):
                return
            import google.auth.transport.requests

            credentials.refresh(google.auth.transport.requests.Request())
            self._stale = None
            self.refreshes += 1
            _log_auth.debug("auth.refreshed", expiry=str(getattr(credentials, "expiry", None)))

    def _issue(self, token: str) -> str:
        issued = self._issued
        if not issued or issued[-1] != token:
            if token in issued:
                issued.remove(token)
            issued.append(token)
            del issued[:-_KEPT_TOKENS]
        return token

    def secrets(self) -> tuple[str, ...]:
        """The tokens handed out recently (and the current one): scrubbed from errors."""
        current = getattr(self._credentials, "token", None)
        tokens = tuple(self._issued)
        if isinstance(current, str) and current and current not in tokens:
            tokens += (current,)
        return tokens

    def __repr__(self) -> str:
        kind = type(self._credentials).__name__ if self._credentials is not None else "ADC"
        return f"TokenSource(credentials={kind}, token='***')"
