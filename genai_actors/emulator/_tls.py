"""TLS for the emulator: a self-signed certificate for 127.0.0.1 and localhost, made with
``cryptography``.

google-genai always opens Live sessions over ``wss://`` when it has an API key, so the emulator
serves HTTPS and WSS when asked (``Emulator(tls=True)``); clients trust the certificate written
to :attr:`TlsFiles.ca_path` (``SSL_CERT_FILE`` or an ``ssl`` context).
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TlsFiles", "make_certificate", "server_context"]


@dataclass(frozen=True)
class TlsFiles:
    """Where a certificate and its key are (PEM); ``ca_path`` is the certificate to trust."""

    certfile: Path
    keyfile: Path

    @property
    def ca_path(self) -> Path:
        """The certificate clients should trust (self-signed: the certificate itself)."""
        return self.certfile


def make_certificate(folder: Path) -> TlsFiles:
    """Write a new self-signed certificate (valid a day, for 127.0.0.1, ::1 and localhost).

    Raises:
        ImportError: ``cryptography`` is not installed (the ``emulator-tls`` extra).
    """
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as exc:  # pragma: no cover - cryptography ships with the dev tools
        raise ImportError(
            "the emulator's TLS mode needs the 'cryptography' package: "
            "pip install 'genai-actors[emulator-tls]'"
        ) from exc
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Gemini API emulator")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(folder / "emulator-cert.pem", folder / "emulator-key.pem")
    files.certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """The server-side context serving ``files``.

    Raises:
        OSError / ssl.SSLError: The files cannot be read or do not match.
    """
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(files.certfile), str(files.keyfile))
    return context
