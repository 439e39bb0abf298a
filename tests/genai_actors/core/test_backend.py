"""URL building, query encoding and the Developer API backend."""

from __future__ import annotations

import pytest

from genai_actors import errors
from genai_actors._backend import Backend, MLDevBackend, build_url, resolve_api_version

BASE = "https://generativelanguage.googleapis.com/"


@pytest.mark.parametrize(
    ("base", "version", "path", "expected"),
    [
        (BASE, "v1", "models/x:generateContent", f"{BASE}v1/models/x:generateContent"),
        ("https://h.test", "v1beta", "/files", "https://h.test/v1beta/files"),
        ("https://h.test//", "/v1/", "//files", "https://h.test/v1/files"),
        ("https://h.test/proxy/", "v1", "models", "https://h.test/proxy/v1/models"),
        ("https://h.test/", None, "models", "https://h.test/models"),
        ("https://h.test/", "v1", "upload/{api_version}/files", "https://h.test/upload/v1/files"),
        ("https://h.test/", None, "upload/{api_version}/files", "https://h.test/upload/files"),
        ("https://h.test/", "v1", "upload/v1beta/files", "https://h.test/upload/v1beta/files"),
        ("https://h.test/", "v1", "files/a b", "https://h.test/v1/files/a%20b"),
        ("https://h.test/", "v1", "files/a%2Fb", "https://h.test/v1/files/a%2Fb"),
    ],
)
def test_build_url(base: str, version: str | None, path: str, expected: str) -> None:
    """base_url + api_version + path with single slashes, upload paths as google-genai."""
    assert build_url(base, version, path) == expected


def test_paths_left_unquoted_are_those_quote_leaves_unchanged() -> None:
    """build_url skips percent-encoding for a path of RFC 3986 path characters alone: exactly
    the paths ``quote`` would return unchanged (every ASCII character, and some others)."""
    from urllib.parse import quote

    from genai_actors._backend import _PATH_SAFE, _PLAIN_PATH

    for code in [*range(128), 0xA0, 0xE9, 0x2028, 0x1F600]:
        for path in (chr(code), f"models/a{chr(code)}b"):
            plain = _PLAIN_PATH.fullmatch(path) is not None
            assert plain == (quote(path, safe=_PATH_SAFE) == path), repr(path)
        path = f"models/a{chr(code)}b"
        assert build_url("https://h.test/", "v1", path) == (
            "https://h.test/v1/" + quote(path, safe=_PATH_SAFE)
        )


def test_query_encoding() -> None:
    """None is skipped, booleans are lower-case, lists repeat, values are percent-encoded."""
    url = build_url(
        "https://h.test",
        "v1",
        "models",
        {"pageSize": 10, "pageToken": "a b&c=", "skip": None, "flag": True, "f": ["x", "y"]},
    )
    assert url == "https://h.test/v1/models?pageSize=10&pageToken=a+b%26c%3D&flag=true&f=x&f=y"


def test_mldev_backend_hides_the_key() -> None:
    """The backend strips the key, sends it as x-goog-api-key, and never shows it in its repr."""
    backend = MLDevBackend("  secret-key \n")
    assert isinstance(backend, Backend)
    assert backend.static_headers == {"x-goog-api-key": "secret-key"}
    assert "secret" not in repr(backend)
    assert backend.secrets() == ("secret-key",)
    assert backend.resource_path("POST", "models/x") == "models/x"
    assert not backend.is_ephemeral_token
    assert MLDevBackend("auth_tokens/x").is_ephemeral_token
    err = errors.UnsupportedByBackendError(backend.name, "models.generate_images", "")
    assert isinstance(err, ValueError)
    assert "models.generate_images" in str(err)
    assert "Gemini Developer API" in str(err)
    with pytest.raises(ValueError, match="empty"):
        MLDevBackend("  ")


def test_api_version_resolution() -> None:
    """v1 by default (google-genai 3.x); GOOGLE_GENAI_API_VERSION=beta means v1beta."""
    assert resolve_api_version(None, {}) == "v1"
    assert resolve_api_version(None, {"GOOGLE_GENAI_API_VERSION": "beta"}) == "v1beta"
    assert resolve_api_version("v1alpha", {"GOOGLE_GENAI_API_VERSION": "beta"}) == "v1alpha"


def test_proxy_settings_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxies are read from the environment once; NO_PROXY hosts bypass; later changes ignored."""
    from genai_actors._transport import _session

    monkeypatch.setattr(_session, "_proxies", None)
    monkeypatch.setattr(_session, "_proxy_cache", {})
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.setenv("NO_PROXY", "internal.test")
    assert _session.proxy_for("https://generativelanguage.googleapis.com/") == (
        "http://proxy.test:3128"
    )
    assert _session.proxy_for("https://internal.test/") is None
    assert _session.proxy_for("http://plain.test/") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://other.test:1")
    assert _session.proxy_for("https://generativelanguage.googleapis.com/x") == (
        "http://proxy.test:3128"
    )


def test_api_client_names_backend_in_unsupported_errors() -> None:
    """ApiClient.unsupported builds an UnsupportedByBackendError naming backend and feature."""
    import genai_actors as ga

    api = ga.AsyncClient(api_key="k").api_client
    err = api.unsupported("config.labels", "Vertex AI only")
    assert err.backend == "Gemini Developer API"
    assert err.feature == "config.labels"
    assert str(err) == "config.labels is not supported by the Gemini Developer API. Vertex AI only"
