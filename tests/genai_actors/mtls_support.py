"""Client certificates for the mTLS tests (REST and Live on Vertex AI)."""

from __future__ import annotations

import datetime
import json
import ssl
from pathlib import Path
from typing import Any

import pytest

from genai_actors._transport import _session
from genai_actors.emulator import _server

__all__ = ["MTLS_ENV", "certificate_config", "require_client_certificate", "self_signed"]

# Every variable google-auth's client-certificate lookup or the transport's trust roots read.
MTLS_ENV = (
    "GOOGLE_API_USE_CLIENT_CERTIFICATE",
    "CLOUDSDK_CONTEXT_AWARE_USE_CLIENT_CERTIFICATE",
    "GOOGLE_API_USE_MTLS_ENDPOINT",
    "GOOGLE_API_CERTIFICATE_CONFIG",
    "CLOUDSDK_CONTEXT_AWARE_CERTIFICATE_CONFIG_FILE_PATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


def self_signed(folder: Path, name: str, *, server: bool) -> tuple[Path, Path]:
    """A self-signed certificate (its own CA) and its key, PEM files in ``folder``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    cert = builder.sign(key, hashes.SHA256())
    cert_path, key_path = folder / f"{name}-cert.pem", folder / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def certificate_config(folder: Path, cert: Path, key: Path) -> Path:
    """A gcloud ``certificate_config.json`` naming a workload certificate (google-auth's
    default client certificate source)."""
    config = folder / "certificate_config.json"
    workload = {"cert_path": str(cert), "key_path": str(key)}
    config.write_text(json.dumps({"cert_configs": {"workload": workload}}))
    return config


def require_client_certificate(monkeypatch: pytest.MonkeyPatch, client_cert: Path) -> None:
    """Emulators started after this serve TLS requiring a client certificate signed by
    ``client_cert``; the transport's shared SSL context is rebuilt (with ``SSL_CERT_FILE``)."""
    serve = _server.server_context

    def requiring(files: Any) -> ssl.SSLContext:
        context = serve(files)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_verify_locations(cafile=str(client_cert))
        return context

    monkeypatch.setattr(_server, "server_context", requiring)
    monkeypatch.setattr(_session, "_ssl_context", None)
