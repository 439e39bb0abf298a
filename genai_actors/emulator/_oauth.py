"""The OAuth 2.0 token endpoint (``POST /token``) and the bearer-token check of Vertex AI calls.

google-auth refreshes a service account's token by posting a signed JWT (the
``urn:ietf:params:oauth:grant-type:jwt-bearer`` grant) to the key file's ``token_uri``, and a
user's token by posting its ``refresh_token``; pointing ``token_uri`` at ``{emulator}/token``
makes that whole flow run offline. Every token issued here expires after
``Settings.token_lifetime`` seconds of the emulator's clock; tokens given with
``Emulator(bearer_tokens=[...])`` / ``--bearer-token`` never expire.

The JWT's claims are checked (issuer, audience, times); its signature is checked when the
service account's public key was registered (:meth:`OAuthStore.register_service_account`,
which :func:`~._credentials.service_account_info` does for the key it makes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._errors import ApiError

if TYPE_CHECKING:
    from ._state import EmulatorState

__all__ = ["IssuedToken", "OAuthStore", "authenticate_bearer", "token_endpoint"]

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_SEE = "See https://developers.google.com/identity/sign-in/web/devconsole-project."
MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    f"login cookie or other valid authentication credential. {_SEE}"
)
_INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    f"cookie or other valid authentication credential. {_SEE}"
)
_WWW_AUTHENTICATE = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'


@dataclass
class IssuedToken:
    """An access token the endpoint issued.

    Attributes:
        token: The bearer token.
        subject: The service account's email, or the refresh token's client id.
        grant: ``jwt-bearer`` or ``refresh_token``.
        scopes: The scopes asked for.
        expires_at: Emulator clock time after which the token is refused.
    """

    token: str
    subject: str
    grant: str
    scopes: tuple[str, ...]
    expires_at: float


class OAuthStore:
    """Issued tokens, issuance counts and registered service-account keys.

    Args:
        state: The emulator's state (its clock and ``Settings.token_lifetime``/``bearer_tokens``).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._tokens: dict[str, IssuedToken] = {}
        self._ids = itertools.count(1)
        self._keys: dict[str, Any] = {}
        self.issued: Counter[str] = Counter()

    @property
    def issued_total(self) -> int:
        """How many tokens the endpoint has issued."""
        return sum(self.issued.values())

    def register_service_account(self, client_email: str, public_key_pem: bytes) -> None:
        """Check the signature of JWTs issued by ``client_email`` with this RSA public key."""
        self._keys[client_email] = public_key_pem

    def issue(self, subject: str, grant: str, scopes: tuple[str, ...]) -> IssuedToken:
        """Make a new access token valid for ``Settings.token_lifetime`` seconds."""
        number = next(self._ids)
        digest = hashlib.sha256(f"{self._state.settings.seed}:{number}:{subject}".encode())
        token = f"ya29.emulator-{number:06d}-{digest.hexdigest()[:24]}"
        issued = IssuedToken(
            token=token,
            subject=subject,
            grant=grant,
            scopes=scopes,
            expires_at=self._state.clock() + self._state.settings.token_lifetime,
        )
        self._tokens[token] = issued
        self.issued[grant] += 1
        return issued

    def get(self, token: str) -> IssuedToken | None:
        """The issued token, expired or not."""
        return self._tokens.get(token)

    def expire(self, token: str | None = None) -> int:
        """Expire one issued token (or all); returns how many were live."""
        now = self._state.clock()
        live = [t for t in self._tokens.values() if t.expires_at > now]
        if token is not None:
            live = [t for t in live if t.token == token]
        for item in live:
            item.expires_at = now
        return len(live)

    def check(self, token: str) -> None:
        """Accept ``token`` or raise the error Google answers with.

        Raises:
            ApiError: 401 UNAUTHENTICATED, reason ``ACCESS_TOKEN_EXPIRED`` for an issued token
                past its expiry, ``ACCESS_TOKEN_TYPE_UNSUPPORTED`` for an unknown token.
        """
        if token in self._state.settings.bearer_tokens:
            return
        issued = self._tokens.get(token)
        if issued is not None and issued.expires_at > self._state.clock():
            return
        reason = "ACCESS_TOKEN_EXPIRED" if issued is not None else "ACCESS_TOKEN_TYPE_UNSUPPORTED"
        raise unauthenticated(_INVALID_CREDENTIALS, reason)

    def snapshot(self) -> dict[str, Any]:
        """What ``GET /_emulator/oauth`` returns."""
        now = self._state.clock()
        return {
            "issued": self.issued_total,
            "issuedByGrant": dict(self.issued),
            "live": sum(1 for t in self._tokens.values() if t.expires_at > now),
            "tokenLifetime": self._state.settings.token_lifetime,
        }

    # -- grants ----------------------------------------------------------------------------------

    def jwt_grant(self, assertion: str, audience: str) -> IssuedToken:
        """Check a service account's signed JWT and issue a token for it.

        Raises:
            OAuthError: ``invalid_grant`` for a malformed, mis-addressed, expired or wrongly
                signed assertion.
        """
        parts = assertion.split(".")
        if len(parts) != 3:
            raise OAuthError("invalid_grant", "Invalid JWT: Token must be a short-lived token")
        try:
            header = json.loads(_unb64(parts[0]))
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, binascii.Error):
            raise OAuthError("invalid_grant", "Invalid JWT: malformed token") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise OAuthError("invalid_grant", "Invalid JWT: malformed token")
        issuer = claims.get("iss")
        if not isinstance(issuer, str) or not issuer:
            raise OAuthError("invalid_grant", "Invalid JWT: no issuer")
        # google-auth addresses every service-account JWT to Google's endpoint, whatever the
        # key file's token_uri says.
        if claims.get("aud") not in (audience, GOOGLE_TOKEN_URI):
            raise OAuthError("invalid_grant", "Invalid JWT audience.")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or not 0 < exp - iat <= 3600:
            raise OAuthError(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
                "reasonable timeframe. Check your iat and exp values in the JWT claim.",
            )
        if exp < time.time() - 300:
            raise OAuthError("invalid_grant", "Invalid JWT: Token has expired.")
        key = self._keys.get(issuer)
        if key is not None:
            _verify_rs256(key, f"{parts[0]}.{parts[1]}".encode(), _unb64(parts[2]))
        scopes = tuple(str(claims.get("scope", "")).split())
        return self.issue(issuer, "jwt-bearer", scopes)

    def refresh_grant(self, form: dict[str, str]) -> IssuedToken:
        """Issue a token for a user's refresh token.

        Raises:
            OAuthError: ``invalid_request`` without a refresh token or client id.
        """
        refresh = form.get("refresh_token", "")
        client_id = form.get("client_id", "")
        if not refresh or not client_id:
            raise OAuthError("invalid_request", "Missing required parameter: refresh_token")
        return self.issue(client_id, "refresh_token", tuple(form.get("scope", "").split()))


class OAuthError(Exception):
    """An OAuth error answered as ``400 {"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


def unauthenticated(message: str, reason: str) -> ApiError:
    """The 401 Vertex AI answers for a missing or bad credential."""
    return ApiError(
        401,
        message,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
                "metadata": {"service": "aiplatform.googleapis.com"},
            }
        ],
        headers={"WWW-Authenticate": _WWW_AUTHENTICATE},
    )


def authenticate_bearer(state: EmulatorState, request: web.Request) -> None:
    """Check a Vertex AI request's ``Authorization: Bearer`` header.

    Raises:
        ApiError: 401 UNAUTHENTICATED without a bearer token, or for one the emulator did not
            issue (or issued and it expired) and was not configured.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthenticated(MISSING_CREDENTIALS, "CREDENTIALS_MISSING")
    state.oauth.check(token)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _verify_rs256(public_key_pem: bytes, signed: bytes, signature: bytes) -> None:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
    except ImportError as exc:  # pragma: no cover - cryptography ships with the extras
        raise ImportError(
            "checking service-account JWT signatures needs cryptography: "
            "pip install 'genai-actors[emulator-tls]'"
        ) from exc
    key = serialization.load_pem_public_key(public_key_pem)
    if not isinstance(key, rsa.RSAPublicKey):
        raise OAuthError("invalid_grant", "Invalid JWT Signature.")
    try:
        key.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise OAuthError("invalid_grant", "Invalid JWT Signature.") from None


def token_endpoint(state: EmulatorState) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The ``POST /token`` handler serving ``state``."""

    async def handler(request: web.Request) -> web.Response:
        return await _token(state, request)

    return handler


async def _token(state: EmulatorState, request: web.Request) -> web.Response:
    """``POST /token``: the jwt-bearer and refresh_token grants, answered as Google's
    ``oauth2.googleapis.com/token`` answers (``access_token``, ``expires_in``, ``token_type``)."""
    form = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    grant = form.get("grant_type", "")
    try:
        if grant == JWT_GRANT:
            audience = f"{request.scheme}://{request.host}{request.path}"
            issued = state.oauth.jwt_grant(form.get("assertion", ""), audience)
        elif grant == "refresh_token":
            issued = state.oauth.refresh_grant(form)
        else:
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant}")
    except OAuthError as exc:
        return web.json_response(
            {"error": exc.error, "error_description": exc.description}, status=400
        )
    body: dict[str, Any] = {
        "access_token": issued.token,
        "expires_in": max(0, int(state.settings.token_lifetime)),
        "token_type": "Bearer",
    }
    return web.json_response(body)
