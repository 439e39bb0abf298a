"""Name normalisation matches google-genai; bad names fail before sending."""

from __future__ import annotations

import pytest
from google.genai import _transformers as gtr

from genai_actors._transformers._errors import InvalidRequestError
from genai_actors._transformers._names import (
    VertexLocation,
    t_cached_content_name,
    t_caches_model,
    t_file_name,
    t_model,
    t_models_url,
    t_operation_name,
)

from .oracle import FakeClient

MODELS = [
    "gemini-2.5-flash",
    "models/gemini-2.5-flash",
    "tunedModels/my-model",
    "publishers/google/models/x",
    "projects/p/locations/l/models/123",
    "anthropic/claude",
]
WHERE = VertexLocation("proj", "us-central1")


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("vertex", [False, True])
def test_t_model_matches_google_genai(model: str, vertex: bool) -> None:
    """Model names normalise exactly as google-genai's t_model does."""
    assert t_model(model, vertex=vertex) == gtr.t_model(FakeClient(vertex), model)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", ["", "../x", "a?b", "a&b"])
def test_bad_model_names_are_rejected(model: str) -> None:
    """Empty names and names with '..', '?' or '&' are rejected."""
    with pytest.raises(InvalidRequestError, match="model"):
        t_model(model)


@pytest.mark.parametrize(
    "name",
    [
        "123",
        "cachedContents/123",
        "projects/p/x/cachedContents/1",
        "locations/l/cachedContents/1",
        "a/b/c",
    ],
)
@pytest.mark.parametrize("vertex", [False, True])
def test_cached_content_names_match_google_genai(name: str, vertex: bool) -> None:
    """Cached content names complete exactly as google-genai's do."""
    expected = gtr.t_cached_content_name(FakeClient(vertex), name)  # type: ignore[arg-type]
    assert t_cached_content_name(name, vertex=WHERE if vertex else None) == expected


@pytest.mark.parametrize("model", MODELS[:3])
@pytest.mark.parametrize("vertex", [False, True])
def test_caches_model_matches_google_genai(model: str, vertex: bool) -> None:
    """The model of a cache is completed as google-genai completes it."""
    expected = gtr.t_caches_model(FakeClient(vertex), model)  # type: ignore[arg-type]
    assert t_caches_model(model, vertex=WHERE if vertex else None) == expected


@pytest.mark.parametrize(
    "name",
    ["abc", "files/abc", "https://generativelanguage.googleapis.com/v1beta/files/abc123:download"],
)
def test_file_names_match_google_genai(name: str) -> None:
    """File names reduce to the bare id like google-genai's t_file_name."""
    assert t_file_name(name) == gtr.t_file_name(name)


def test_models_url_and_operation_names() -> None:
    """Collection paths per backend; operation names from strings or objects."""
    assert t_models_url(base_models=True) == "models"
    assert t_models_url(base_models=False) == "tunedModels"
    assert t_models_url(base_models=True, vertex=True) == "publishers/google/models"

    class Op:
        name = "models/veo/operations/1"

    assert t_operation_name(Op()) == "models/veo/operations/1"
    assert t_operation_name("operations/2") == "operations/2"
    with pytest.raises(InvalidRequestError):
        t_operation_name(object())
    with pytest.raises(InvalidRequestError):
        t_operation_name("ops/../x")
