# genai_actors._transformers: pure input transformers and request builders (no I/O).
# Validation (dict keys, enum values, value types) lives in genai_actors.types._validate;
# coerce and normalize_keys are re-exported from there.
#   _errors      InvalidRequestError
#   _contents    contents normalisation (google-genai's t_contents rules; parts: types._parts)
#   _names       model, cached-content, operation and file names; check_resource_id
#   _jsonschema  JSON Schema for Python annotations (pydantic-shaped)
#   _schema      response_schema -> Schema, parse_response for .parsed
#   _functions   callables -> FunctionDeclaration; FunctionCall.args -> call kwargs
#   _config      config coercion, tools merging, speech config
#   _gating      vertex_only_fields / mldev_only_fields
#   _request     Request (verb, path, query, JSON body)
#   _prepared    configs already built: their part of a body, kept per content for reuse
#   _generate    generateContent / countTokens / computeTokens builders
#   _models_api  embed, get/list/update/delete, videos, generate_images, operations builders
#   _images      edit / upscale / recontext / segment image builders (Vertex AI only)
#   _batch_jobs  Vertex AI batchPredictionJobs requests (batches.* on Vertex)
#   _tuning_jobs Vertex AI tuningJobs requests (tunings.* on Vertex)
#   _live        the Live setup object (live.connect and auth_tokens constraints)
"""Pure functions the ``models`` layer calls to turn user input into wire requests."""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from ..types._validate import coerce as coerce, normalize_keys as normalize_keys
    from ._config import (
        coerce_config as coerce_config,
        function_map as function_map,
        t_speech_config as t_speech_config,
        t_tools as t_tools,
    )
    from ._contents import (
        t_content as t_content,
        t_contents as t_contents,
        t_part as t_part,
        t_parts as t_parts,
    )
    from ._errors import InvalidRequestError as InvalidRequestError
    from ._functions import (
        convert_function_args as convert_function_args,
        convert_number_values as convert_number_values,
        function_declaration_from_callable as function_declaration_from_callable,
    )
    from ._gating import (
        mldev_only_fields as mldev_only_fields,
        vertex_only_fields as vertex_only_fields,
    )
    from ._generate import (
        check_backend as check_backend,
        compute_tokens_request as compute_tokens_request,
        count_tokens_request as count_tokens_request,
        generate_content_request as generate_content_request,
        kept_tables as kept_tables,
    )
    from ._images import (
        edit_image_request as edit_image_request,
        recontext_image_request as recontext_image_request,
        segment_image_request as segment_image_request,
        upscale_image_request as upscale_image_request,
    )
    from ._live import camel as camel, live_setup as live_setup
    from ._models_api import (
        delete_model_request as delete_model_request,
        embed_content_request as embed_content_request,
        generate_images_request as generate_images_request,
        generate_videos_request as generate_videos_request,
        get_model_request as get_model_request,
        get_operation_request as get_operation_request,
        list_models_request as list_models_request,
        update_model_request as update_model_request,
    )
    from ._names import (
        VertexLocation as VertexLocation,
        check_resource_id as check_resource_id,
        t_cached_content_name as t_cached_content_name,
        t_caches_model as t_caches_model,
        t_file_name as t_file_name,
        t_model as t_model,
        t_models_url as t_models_url,
        t_operation_name as t_operation_name,
    )
    from ._prepared import find_kept as find_kept
    from ._request import Request as Request
    from ._schema import (
        parse_response as parse_response,
        t_schema as t_schema,
    )

# name -> the module that defines it (relative to this package); imported on first use
_WHERE: dict[str, str] = {
    "coerce": "..types._validate",
    "normalize_keys": "..types._validate",
    "coerce_config": "._config",
    "function_map": "._config",
    "t_speech_config": "._config",
    "t_tools": "._config",
    "t_content": "._contents",
    "t_contents": "._contents",
    "t_part": "._contents",
    "t_parts": "._contents",
    "InvalidRequestError": "._errors",
    "convert_function_args": "._functions",
    "convert_number_values": "._functions",
    "function_declaration_from_callable": "._functions",
    "mldev_only_fields": "._gating",
    "vertex_only_fields": "._gating",
    "check_backend": "._generate",
    "compute_tokens_request": "._generate",
    "count_tokens_request": "._generate",
    "generate_content_request": "._generate",
    "kept_tables": "._generate",
    "find_kept": "._prepared",
    "edit_image_request": "._images",
    "recontext_image_request": "._images",
    "segment_image_request": "._images",
    "upscale_image_request": "._images",
    "camel": "._live",
    "live_setup": "._live",
    "delete_model_request": "._models_api",
    "embed_content_request": "._models_api",
    "generate_images_request": "._models_api",
    "generate_videos_request": "._models_api",
    "get_model_request": "._models_api",
    "get_operation_request": "._models_api",
    "list_models_request": "._models_api",
    "update_model_request": "._models_api",
    "VertexLocation": "._names",
    "check_resource_id": "._names",
    "t_cached_content_name": "._names",
    "t_caches_model": "._names",
    "t_file_name": "._names",
    "t_model": "._names",
    "t_models_url": "._names",
    "t_operation_name": "._names",
    "Request": "._request",
    "parse_response": "._schema",
    "t_schema": "._schema",
}

__all__ = [
    "InvalidRequestError",
    "Request",
    "VertexLocation",
    # request builders
    "generate_content_request",
    "count_tokens_request",
    "compute_tokens_request",
    "embed_content_request",
    "get_model_request",
    "list_models_request",
    "update_model_request",
    "delete_model_request",
    "generate_videos_request",
    "generate_images_request",
    "edit_image_request",
    "upscale_image_request",
    "recontext_image_request",
    "segment_image_request",
    "get_operation_request",
    # inputs
    "t_content",
    "t_contents",
    "t_part",
    "t_parts",
    "coerce",
    "coerce_config",
    "normalize_keys",
    "t_tools",
    "t_speech_config",
    "function_map",
    # names
    "check_resource_id",
    "t_model",
    "t_models_url",
    "t_cached_content_name",
    "t_caches_model",
    "t_file_name",
    "t_operation_name",
    # schemas and functions
    "t_schema",
    "parse_response",
    "function_declaration_from_callable",
    "convert_function_args",
    "convert_number_values",
    # backend gating
    "check_backend",
    "vertex_only_fields",
    "mldev_only_fields",
]


def __getattr__(name: str) -> _typing.Any:
    """Import the module of ``name`` on its first use (PEP 562) and bind the name here.

    A builder module costs milliseconds to import, and a client needs only the ones of the
    calls it makes: ``generate_content`` never loads the image or tuning builders.

    Raises:
        AttributeError: ``name`` is not one of this package's names.
    """
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
