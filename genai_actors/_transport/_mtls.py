"""mTLS on Vertex AI: the default client certificate, and the ``mtls`` hosts, as google-genai.

google-auth (the ``genai-actors[vertex]`` extra) decides and loads; this module only asks it,
once per client (:func:`client_tls`, called by the client's first :class:`~._options.Plan`):

- the certificate: when ``mtls.should_use_client_cert()`` (``GOOGLE_API_USE_CLIENT_CERTIFICATE``,
  else a ``certificate_config.json`` with a ``workload`` section) and a default client
  certificate source exists, ``mtls.load_default_client_cert`` loads it into a new SSL context
  that trusts what the transport trusts (``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, else certifi's
  bundle); a certificate that fails to load is logged (``tls.client_cert_failed``) and the
  client goes on without one, as google-genai does;
- the host: ``mtls.should_use_mtls_endpoint(client_cert_available=...)`` reads
  ``GOOGLE_API_USE_MTLS_ENDPOINT`` (``never``, ``auto`` = only with a certificate loaded, the
  default, or ``always``); an unknown value is logged and counts as ``auto``.

The Gemini Developer API never uses either (google-genai applies them on Vertex AI only).
genai_actors takes no caller-supplied HTTP client or SSL context, so google-genai's exception
for those (a caller's own ``httpx`` client keeps its own TLS and host) has nothing to apply to.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import _log
from .._backend import NO_CLIENT_TLS, Backend, ClientTls
from ._session import trust_roots

if TYPE_CHECKING:
    import ssl

__all__ = ["client_tls", "resolve_client_tls"]

_EXTRA_HINT = "mTLS on Vertex AI needs google-auth: pip install 'genai-actors[vertex]'"
_CERT_SWITCHES = (
    "GOOGLE_API_USE_CLIENT_CERTIFICATE",
    "CLOUDSDK_CONTEXT_AWARE_USE_CLIENT_CERTIFICATE",
)

_log_tls = _log.get_logger("genai_actors.tls")


def client_tls(backend: Backend) -> ClientTls:
    """The backend's TLS choice, made on the first call and kept on the backend.

    Raises:
        ImportError: The environment asks for mTLS (``GOOGLE_API_USE_CLIENT_CERTIFICATE=true``
            or ``GOOGLE_API_USE_MTLS_ENDPOINT=always``) on Vertex AI and google-auth is
            missing; the message names the extra.
    """
    chosen = backend.client_tls
    if chosen is None:
        chosen = resolve_client_tls(vertexai=backend.vertexai)
        backend.client_tls = chosen
    return chosen


def resolve_client_tls(*, vertexai: bool) -> ClientTls:
    """Asks google-auth (Vertex AI only) for the client certificate and the mTLS host choice.

    Raises:
        ImportError: As :func:`client_tls`.
    """
    if not vertexai:
        return NO_CLIENT_TLS
    try:
        from google.auth import exceptions
        from google.auth.transport import mtls
    except ImportError as exc:
        if _asked_for(os.environ):
            raise ImportError(f"{_EXTRA_HINT} ({exc})") from None
        return NO_CLIENT_TLS
    context = _load_certificate(mtls)
    loaded = context is not None
    decide = getattr(mtls, "should_use_mtls_endpoint", None)
    if decide is None:  # an older google-auth: the certificate alone decides
        return ClientTls(context, loaded)
    try:
        endpoint = bool(decide(client_cert_available=loaded))
    except exceptions.MutualTLSChannelError as exc:
        _log_tls.warning("tls.mtls_endpoint_setting_invalid", error=str(exc))
        endpoint = loaded
    return ClientTls(context, endpoint)


def _asked_for(env: Mapping[str, str]) -> bool:
    switch = next((env[name] for name in _CERT_SWITCHES if env.get(name)), "")
    endpoint = (env.get("GOOGLE_API_USE_MTLS_ENDPOINT") or "").strip().lower()
    return switch.lower() == "true" or endpoint == "always"


def _load_certificate(mtls: Any) -> ssl.SSLContext | None:
    """A context holding the default client certificate, or ``None`` (none configured, or it
    failed to load: logged)."""
    load = getattr(mtls, "load_default_client_cert", None)
    if load is None:
        return None
    try:
        if not (mtls.should_use_client_cert() and mtls.has_default_client_cert_source()):
            return None
        context = _trusting_context()
        return context if load(context) else None
    except Exception as exc:  # google-genai goes on without the certificate, and so do we
        _log_tls.warning("tls.client_cert_failed", error=type(exc).__name__, detail=str(exc))
        return None


def _trusting_context() -> ssl.SSLContext:
    """A new client context trusting what the transport's shared one trusts."""
    import ssl

    cafile, capath = trust_roots()
    return ssl.create_default_context(cafile=cafile, capath=capath)
