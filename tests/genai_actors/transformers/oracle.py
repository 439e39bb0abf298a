"""google-genai as an oracle: the JSON its own converters produce for a call."""

from __future__ import annotations

import json
from typing import Any

from google.genai import _common, models as gm, types as gt

# Keys whose values are free-form JSON (not SDK types): their insides are never renamed.
_FREE_FORM = frozenset(
    {
        "args",
        "response",
        "parametersJsonSchema",
        "responseJsonSchema",
        "labels",
        "partMetadata",
        "default",
        "example",
        "enum",
        "metadata",
    }
)


class FakeClient:
    """The attributes google-genai's converters read from an API client."""

    def __init__(self, vertex: bool = False) -> None:
        self.vertexai = vertex
        self.project = "proj"
        self.location = "us-central1"


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def camelize(value: Any, *, parent: str = "") -> Any:
    """Rename snake_case keys to camelCase, except inside free-form values."""
    if isinstance(value, dict):
        if parent in _FREE_FORM:
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if parent == "properties":
                out[key] = camelize(item)
                continue
            new = _camel(key)
            out[new] = camelize(item, parent=new)
        return out
    if isinstance(value, list):
        return [camelize(v, parent=parent) for v in value]
    return value


def _finish(
    request: dict[str, Any], *, camel: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    url = request.pop("_url", {})
    request.pop("config", None)
    request.pop("_query", None)
    data = json.loads(
        json.dumps(_common.encode_unserializable_types(_common.convert_to_dict(request)))
    )
    return url, camelize(data) if camel else data


def generate_content(
    model: str, contents: Any, config: Any = None, *, vertex: bool = False
) -> tuple[str, dict[str, Any]]:
    """(model path, body) google-genai sends for ``generate_content``."""
    client = FakeClient(vertex)
    params = gt._GenerateContentParameters(model=model, contents=contents, config=config)
    convert = (
        gm._GenerateContentParameters_to_vertex
        if vertex
        else gm._GenerateContentParameters_to_mldev
    )
    url, body = _finish(convert(client, params, None, params))
    return url["model"], body


def count_tokens(
    model: str, contents: Any, config: Any = None, *, vertex: bool = False
) -> tuple[str, dict[str, Any]]:
    """(model path, body) google-genai sends for ``count_tokens``."""
    client = FakeClient(vertex)
    params = gt._CountTokensParameters(model=model, contents=contents, config=config)
    convert = gm._CountTokensParameters_to_vertex if vertex else gm._CountTokensParameters_to_mldev
    url, body = _finish(convert(client, params, None, params))
    return url["model"], body


def embed_content(model: str, contents: Any, config: Any = None) -> tuple[str, dict[str, Any]]:
    """(model path, body) google-genai sends for mldev ``embed_content``."""
    from google.genai import _transformers as gtr

    client = FakeClient(False)
    if gtr.t_is_multimodal_embedding_model(model):
        contents = gtr.t_contents(contents)
    params = gt._EmbedContentParametersPrivate(model=model, contents=contents, config=config)
    url, body = _finish(gm._EmbedContentParametersPrivate_to_mldev(client, params, None, params))
    return url["model"], body


def generate_videos_vertex(model: str, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """(model path, body) google-genai sends for Vertex ``generate_videos``."""
    client = FakeClient(True)
    params = gt._GenerateVideosParameters(model=model, **kwargs)
    url, body = _finish(gm._GenerateVideosParameters_to_vertex(client, params, None, params))
    return url["model"], body


def generate_images_vertex(
    model: str, prompt: str, config: Any = None
) -> tuple[str, dict[str, Any]]:
    """(model path, body) google-genai sends for ``generate_images``."""
    client = FakeClient(True)
    params = gt._GenerateImagesParameters(model=model, prompt=prompt, config=config)
    url, body = _finish(gm._GenerateImagesParameters_to_vertex(client, params, None, params))
    return url["model"], body


def embed_content_vertex(
    model: str, contents: Any, config: Any = None
) -> tuple[str, str, dict[str, Any]]:
    """(model path, endpoint, body) google-genai sends for Vertex ``embed_content``."""
    from google.genai import _transformers as gtr

    client = FakeClient(True)
    kwargs: dict[str, Any] = {"model": model, "config": config}
    if gtr.t_is_vertex_embed_content_model(model):
        items = gtr.t_embed_contents(model, contents)
        if len(items) > 1:
            kwargs.update(
                batch_contents=items, embedding_api_type=gt.EmbeddingApiType.BATCH_EMBED_CONTENTS
            )
            endpoint = "batchEmbedContents"
        else:
            kwargs.update(content=items[0], embedding_api_type=gt.EmbeddingApiType.EMBED_CONTENT)
            endpoint = "embedContent"
    else:
        kwargs.update(contents=contents, embedding_api_type=gt.EmbeddingApiType.PREDICT)
        endpoint = "predict"
    params = gt._EmbedContentParametersPrivate(**kwargs)
    converted = gm._EmbedContentParametersPrivate_to_vertex(client, params, None, params)
    # predict instances carry snake_case task_type on the wire: compare without renaming.
    url, body = _finish(converted, camel=endpoint != "predict")
    return url["model"], endpoint, body


def vertex_predict(name: str, model: str, **kwargs: Any) -> tuple[str, dict[str, Any]]:
    """(model path, body) google-genai sends for a Vertex Imagen ``{name}`` call."""
    client = FakeClient(True)
    params_cls, convert = {
        "edit": (gt._EditImageParameters, gm._EditImageParameters_to_vertex),
        "upscale": (gt._UpscaleImageAPIParameters, gm._UpscaleImageAPIParameters_to_vertex),
        "recontext": (gt._RecontextImageParameters, gm._RecontextImageParameters_to_vertex),
        "segment": (gt._SegmentImageParameters, gm._SegmentImageParameters_to_vertex),
    }[name]
    params = params_cls(model=model, **kwargs)
    url, body = _finish(convert(client, params, None, params), camel=False)
    return url["model"], body
