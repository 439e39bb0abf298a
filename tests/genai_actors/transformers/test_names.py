"""Name normalisation matches google-genai; bad names fail before sending."""

from __future__ import annotations

import pytest
from google.genai import _transformers as gtr

from genai_actors._transformers import get_model_request, get_operation_request
from genai_actors._transformers._errors import InvalidRequestError
from genai_actors._transformers._generate import generate_content_request
from genai_actors._transformers._names import (
    VertexLocation,
    check_resource_id,
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


# --- ids that would change the request path are refused before anything is sent ----------------

ESCAPING_IDS = [
    "..",
    ".",
    "%2e%2e",
    "%2E%2E",
    "%2e",
    ".%2e",
    "%252e%252e",
    "a/b",
    "a%2fb",
    "a%2Fb",
    "a\\b",
    "a%5cb",
    "a?b",
    "a%3fb",
    "a#b",
    "a%23b",
    "",
    "%20",
]


@pytest.mark.parametrize("value", ESCAPING_IDS)
def test_check_resource_id_refuses_what_escapes_its_segment(value: str) -> None:
    """Dot segments, separators and URL delimiters are refused, also percent-encoded."""
    with pytest.raises(InvalidRequestError) as info:
        check_resource_id(value, "name")
    assert info.value.path == "name"


@pytest.mark.parametrize(
    "value", ["gemini-2.5-flash", "abc_123", "my-model.v2", "a..b", "x%252e%252e", "123"]
)
def test_check_resource_id_accepts_ordinary_ids(value: str) -> None:
    """Ordinary ids (dots inside, digits, dashes) pass and are returned unchanged."""
    assert check_resource_id(value, "name") == value


@pytest.mark.parametrize(
    "model",
    [
        "%2e%2e/files",
        "models/%2e%2e",
        "models/%2E%2e/files",
        "tunedModels/%2e",
        "models/a%2fb",
        "models/a%5Cb",
        "models/a\\b",
        "models//x",
        "models/",
        "publishers/google/models/%2e%2e",
        "a%23b",
    ],
)
@pytest.mark.parametrize("vertex", [False, True])
def test_model_names_with_escaping_ids_are_refused(model: str, vertex: bool) -> None:
    """A model name whose ids decode to a dot segment or hold a separator is refused."""
    with pytest.raises(InvalidRequestError) as info:
        t_model(model, vertex=vertex)
    assert info.value.path == "model"


def test_models_get_of_an_escaping_name_builds_no_request() -> None:
    """models.get(model='%2e%2e/files') fails in the builder, naming the model argument."""
    with pytest.raises(InvalidRequestError) as info:
        get_model_request("%2e%2e/files")
    assert info.value.path == "model"
    with pytest.raises(InvalidRequestError) as info:
        generate_content_request("models/%2e%2e/files", "hi")
    assert info.value.path == "model"


@pytest.mark.parametrize("name", ["%2e%2e", "cachedContents/%2e%2e", "a%2fb", "."])
def test_cached_content_names_with_escaping_ids_are_refused(name: str) -> None:
    """A cached content name with an escaping id is refused, naming the argument."""
    with pytest.raises(InvalidRequestError) as info:
        t_cached_content_name(name)
    assert info.value.path == "cached_content"
    with pytest.raises(InvalidRequestError) as info:
        generate_content_request("gemini-2.5-flash", "hi", {"cached_content": name})
    assert info.value.path == "config.cached_content"


@pytest.mark.parametrize(
    "name", ["models/veo/operations/%2e%2e", "operations/%2E", "operations/a%2fb", "a%5cb"]
)
def test_operation_names_with_escaping_ids_are_refused(name: str) -> None:
    """An operation name with an escaping id is refused, naming the operation."""
    with pytest.raises(InvalidRequestError) as info:
        t_operation_name(name)
    assert info.value.path == "operation.name"
    with pytest.raises(InvalidRequestError):
        get_operation_request(name)
