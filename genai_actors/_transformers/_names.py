"""Resource-name normalisation: models, cached contents, operations, files (wire reference §1.6).

A resource name goes into the request path, so every id in it is checked by
:func:`check_resource_id` before anything is sent: after percent-escapes are decoded, an id
must not be empty, a dot segment (``.``/``..``) or hold a path separator (``/``, ``\\``) or a
URL delimiter (``?``, ``#``). ``models.get(model="%2e%2e/files")`` is refused, not sent as
``/v1/models/%2e%2e/files``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from ._errors import InvalidRequestError

__all__ = [
    "VertexLocation",
    "check_resource_id",
    "is_multimodal_embedding_model",
    "is_vertex_embed_content_model",
    "is_vertex_maas_model",
    "t_cached_content_name",
    "t_caches_model",
    "t_file_name",
    "t_model",
    "t_models_url",
    "t_operation_name",
]


class VertexLocation:
    """The project and location used to complete Vertex AI resource names."""

    __slots__ = ("location", "project")

    def __init__(self, project: str, location: str) -> None:
        self.project = project
        self.location = location

    def __repr__(self) -> str:
        return f"VertexLocation(project={self.project!r}, location={self.location!r})"


def _check(name: object, what: str) -> str:
    if not isinstance(name, str):
        raise InvalidRequestError(what, f"expected a string, got {type(name).__name__}")
    if not name:
        raise InvalidRequestError(what, f"{what} is required")
    return name


_UNSAFE = frozenset("/\\?#")


def _decoded(value: str) -> str:
    # Decode percent-escapes until nothing changes, so that double encoding (%252e) is seen.
    for _ in range(4):
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    return value


def check_resource_id(value: str, path: str) -> str:
    """Check one id of a resource name (``gemini-2.5-flash``, a cache or batch id, ...).

    Percent-escapes are decoded first (repeatedly, so ``%252e`` counts as ``.``). An id
    that is empty, a dot segment (``.`` or ``..``), or holds a path separator (``/`` or
    ``\\``) or a URL delimiter (``?`` or ``#``) would change the path a request is sent to.

    Args:
        value: The id, as given (not yet decoded).
        path: The argument it came from (``model``, ``name``, ``config.cached_content``...),
            named in the error.

    Returns:
        ``value`` unchanged.

    Raises:
        InvalidRequestError: ``value`` is not a safe id; nothing is sent.
    """
    decoded = _decoded(value)
    if not decoded.strip():
        raise InvalidRequestError(path, f"{value!r} has an empty resource id")
    if decoded in (".", ".."):
        raise InvalidRequestError(path, f"{value!r} is a dot segment, not a resource id")
    if not _UNSAFE.isdisjoint(decoded) or not _UNSAFE.isdisjoint(value):
        raise InvalidRequestError(
            path, f"resource id {value!r} holds a path separator or URL delimiter (/ \\ ? #)"
        )
    return value


def _check_segments(name: str, path: str) -> None:
    """Check every ``/``-separated id of a resource name (its collection names included)."""
    if "%" not in name and "\\" not in name and "?" not in name and "#" not in name:
        # Nothing to decode and no unsafe character: only empty and dot segments remain to
        # refuse, which the loop below names in its error.
        for segment in name.split("/"):
            if segment in (".", "..") or not segment.strip():
                break
        else:
            return
    for segment in name.split("/"):
        check_resource_id(segment, path)


def t_model(model: str, *, vertex: bool = False) -> str:
    """Normalise a model name for a request path.

    mldev: ``x`` -> ``models/x``; ``models/...`` and ``tunedModels/...`` are kept. Vertex:
    ``x`` -> ``publishers/google/models/x``, ``pub/x`` -> ``publishers/pub/models/x``;
    ``projects/``, ``models/`` and ``publishers/`` names are kept.

    Raises:
        InvalidRequestError: ``model`` is empty, not a string, contains ``..``, ``?`` or ``&``,
            or has an id :func:`check_resource_id` refuses.
    """
    model = _check(model, "model")
    if ".." in model or "?" in model or "&" in model:
        raise InvalidRequestError("model", f"invalid model name {model!r}")
    _check_segments(model, "model")
    if vertex:
        if model.startswith(("projects/", "models/", "publishers/")):
            return model
        if "/" in model:
            publisher, model_id = model.split("/", 1)
            return f"publishers/{publisher}/models/{model_id}"
        return f"publishers/google/models/{model}"
    if model.startswith(("models/", "tunedModels/")):
        return model
    return f"models/{model}"


def t_models_url(*, base_models: bool, vertex: bool = False) -> str:
    """The collection path ``models.list`` reads (base or tuned models)."""
    if vertex:
        return "publishers/google/models" if base_models else "models"
    return "models" if base_models else "tunedModels"


def _resource_name(
    name: str,
    collection: str,
    where: VertexLocation | None,
    depth: int = 2,
) -> str:
    prepend = not name.startswith(f"{collection}/") and (
        f"{collection}/{name}".count("/") + 1 == depth
    )
    if where is not None:
        if name.startswith("projects/"):
            return name
        if name.startswith("locations/"):
            return f"projects/{where.project}/{name}"
        if name.startswith(f"{collection}/"):
            return f"projects/{where.project}/locations/{where.location}/{name}"
        if prepend:
            return f"projects/{where.project}/locations/{where.location}/{collection}/{name}"
        return name
    return f"{collection}/{name}" if prepend else name


def t_cached_content_name(
    name: str, *, vertex: VertexLocation | None = None, path: str = "cached_content"
) -> str:
    """``123`` -> ``cachedContents/123`` (mldev) or the full Vertex resource name.

    Args:
        name: The cache's id or name.
        vertex: Project and location for Vertex AI; ``None`` for the Gemini Developer API.
        path: The argument ``name`` came from, named in errors.

    Raises:
        InvalidRequestError: ``name`` is empty, not a string, or has an id
            :func:`check_resource_id` refuses.
    """
    name = _check(name, path)
    _check_segments(name, path)
    return _resource_name(name, "cachedContents", vertex)


def t_caches_model(model: str, *, vertex: VertexLocation | None = None) -> str:
    """The model name a cache refers to (a full resource name on Vertex).

    Raises:
        InvalidRequestError: as :func:`t_model`.
    """
    name = t_model(model, vertex=vertex is not None)
    if vertex is not None:
        prefix = f"projects/{vertex.project}/locations/{vertex.location}"
        if name.startswith("publishers/"):
            return f"{prefix}/{name}"
        if name.startswith("models/"):
            return f"{prefix}/publishers/google/{name}"
    return name


def t_operation_name(operation: object) -> str:
    """The name of an operation given as a name or as an object with a ``name``.

    Raises:
        InvalidRequestError: No usable name, the name has ``..``, ``?`` or ``&``, or an id
            :func:`check_resource_id` refuses.
    """
    name = operation if isinstance(operation, str) else getattr(operation, "name", None)
    name = _check(name, "operation.name")
    if ".." in name or "?" in name or "&" in name:
        raise InvalidRequestError("operation.name", f"invalid operation name {name!r}")
    _check_segments(name, "operation.name")
    return name


_FILE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
_FILE_URI_ID = re.compile(r"/files/([a-z0-9-]+)")


def t_file_name(name: object, path: str = "name") -> str:
    """The bare id of a file given as ``abc``, ``files/abc``, a file URI, a ``File``, a
    ``Video`` or a ``GeneratedVideo``.

    Args:
        name: The file, in any of those forms.
        path: The argument's name, for the error message.

    Raises:
        InvalidRequestError: No name, or not a valid file id.
    """
    value: object = name
    if not isinstance(name, str) and name is not None:
        if type(name).__name__ == "GeneratedVideo":
            value = getattr(getattr(name, "video", None), "uri", None)
        elif type(name).__name__ == "Video":
            value = getattr(name, "uri", None)
        else:
            value = getattr(name, "name", None)
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(path, f"expected a file name such as 'files/abc', got {name!r}")
    text = value.strip()
    if text.startswith(("https://", "http://")):
        match = _FILE_URI_ID.search(text)
        if match is None:
            raise InvalidRequestError(path, f"could not find a file id in the URI {text!r}")
        text = match.group(1)
    ident = text.removeprefix("files/")
    if not _FILE_ID.match(ident):
        raise InvalidRequestError(
            path,
            f"invalid file name {value!r}: expected 'files/<id>' or '<id>' with an id of at most "
            "40 lower-case letters, digits or dashes",
        )
    return ident


def is_vertex_embed_content_model(model: str) -> bool:
    """Whether a Vertex model uses ``:embedContent`` rather than ``:predict``."""
    model_id = model.rsplit("/", 1)[-1]
    return "gemini" in model_id or "maas" in model_id


def is_multimodal_embedding_model(model: str) -> bool:
    """Whether ``model`` takes whole multimodal Contents (``gemini-embedding-2`` and later)."""
    model_id = model.rsplit("/", 1)[-1]
    return "gemini" in model_id and not model_id.startswith(
        ("gemini-embedding-001", "gemini-embedding-exp")
    )


def is_vertex_maas_model(model: str) -> bool:
    """Whether ``model`` is a Vertex model-as-a-service model."""
    return "maas" in model.rsplit("/", 1)[-1]
