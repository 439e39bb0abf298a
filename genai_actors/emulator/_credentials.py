"""Credential files whose ``token_uri`` is the emulator, so google-auth runs offline.

:func:`service_account_info` makes a service-account key (a fresh 2048-bit RSA key, made with
``cryptography``) in the JSON shape Google's IAM console downloads; :func:`authorized_user_info`
makes the ``authorized_user`` file ``gcloud auth application-default login`` writes. Both are
plain dicts to dump to a file for ``GOOGLE_APPLICATION_CREDENTIALS`` or to give to
``google.oauth2.service_account.Credentials.from_service_account_info``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["authorized_user_info", "service_account_info", "write_json"]


def service_account_info(
    token_uri: str,
    *,
    project_id: str = "emulator-project",
    client_email: str | None = None,
) -> tuple[dict[str, Any], bytes]:
    """A service-account key file's contents and the key's public half (PEM).

    Raises:
        ImportError: Without ``cryptography`` (the ``genai-actors[emulator-tls]`` extra).
    """
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError as exc:  # pragma: no cover - cryptography ships with the extras
        raise ImportError(
            "making a service-account key needs cryptography: "
            "pip install 'genai-actors[emulator-tls]'"
        ) from exc
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    email = client_email or f"emulator@{project_id}.iam.gserviceaccount.com"
    key_id = hashlib.sha1(public_pem, usedforsecurity=False).hexdigest()
    info = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": key_id,
        "private_key": private_pem,
        "client_email": email,
        "client_id": str(int(key_id[:15], 16)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "universe_domain": "googleapis.com",
    }
    return info, public_pem


def authorized_user_info(
    token_uri: str, *, quota_project_id: str | None = None, refresh_token: str = "1//emulator"
) -> dict[str, Any]:
    """An ``authorized_user`` credentials file's contents (user credentials with a refresh
    token), refreshed at ``token_uri``."""
    info: dict[str, Any] = {
        "type": "authorized_user",
        "client_id": "emulator-client.apps.googleusercontent.com",
        "client_secret": "emulator-secret",
        "refresh_token": refresh_token,
        "token_uri": token_uri,
    }
    if quota_project_id is not None:
        info["quota_project_id"] = quota_project_id
    return info


def write_json(path: str | os.PathLike[str], info: dict[str, Any]) -> Path:
    """Write ``info`` to ``path`` readable by its owner only; returns the path."""
    target = Path(path)
    target.write_text(json.dumps(info, indent=2))
    target.chmod(0o600)
    return target
