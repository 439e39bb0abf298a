"""``generateContent`` / ``streamGenerateContent`` / ``countTokens`` / ``computeTokens`` bodies.

Config fields are split as google-genai splits them: request-level fields (system
instruction, tools, tool config, safety settings, cached content, service tier, labels, …)
go to the top level, the rest into ``generationConfig``. Client-only fields
(``http_options``, ``automatic_function_calling``, …) are never sent.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Annotated, Any

import msgspec.inspect as mi

from ..errors import UnsupportedByBackendError
from ..types._base import Base64Bytes, _Wire, enum_of
from ..types._content import Content
from ..types._enums import ServiceTier
from ..types._generate import (
    GenerateContentConfig,
    GenerationConfig,
    ModelArmorConfig,
    SafetySetting,
)
from ..types._models import ComputeTokensConfig, CountTokensConfig
from ..types._tools import Tool, ToolConfig
from ._config import coerce_config, t_speech_config, t_tools
from ._contents import t_content, t_contents
from ._errors import InvalidRequestError
from ._gating import mldev_only_fields, vertex_only_fields
from ._names import VertexLocation, t_cached_content_name, t_model
from ._normalize import normalize_info, normalize_keys, validate_request
from ._request import Request
from ._schema import t_json_schema, t_schema

__all__ = [
    "MLDEV",
    "VERTEX",
    "build_generate_content_body",
    "check_backend",
    "compute_tokens_request",
    "count_tokens_request",
    "generate_content_request",
]

MLDEV = "Gemini Developer API"
VERTEX = "Vertex AI API"


class _GenerateContentBody(_Wire, kw_only=True):
    contents: list[Content] | None = None
    system_instruction: Content | None = None
    tools: list[Tool] | None = None
    tool_config: ToolConfig | None = None
    safety_settings: list[SafetySetting] | None = None
    cached_content: str | None = None
    service_tier: Annotated[str, enum_of(ServiceTier)] | None = None
    labels: dict[str, str] | None = None
    continuation_token: Base64Bytes | None = None
    store: bool | None = None
    model_armor_config: ModelArmorConfig | None = None
    generation_config: GenerationConfig | None = None


_SKIP = frozenset(
    {
        "http_options",
        "should_return_http_response",
        "automatic_function_calling",
        "automatic_continuation",
    }
)
_TOP = frozenset(
    {
        "system_instruction",
        "tools",
        "tool_config",
        "safety_settings",
        "cached_content",
        "service_tier",
        "labels",
        "continuation_token",
        "store",
        "model_armor_config",
        "generation_output_config",
    }
)
_VERTEX_NAMES = {
    "model_selection_config": "modelConfig",
    "generation_output_config": "outputConfig",
}


def _wire_names(tp: type[Any]) -> frozenset[str]:
    info = mi.type_info(tp)
    assert isinstance(info, mi.StructType)
    return frozenset(field.encode_name for field in info.fields)


def _field_plan() -> list[tuple[str, str, Any, bool, bool]]:
    """(name, wire name, type, top level?, checked by the body type?) per config field."""
    info = mi.type_info(GenerateContentConfig)
    assert isinstance(info, mi.StructType)
    top_names = _wire_names(_GenerateContentBody)
    generation_names = _wire_names(GenerationConfig)
    plan = []
    for field in info.fields:
        if field.name in _SKIP:
            continue
        top = field.name in _TOP
        covered = field.encode_name in (top_names if top else generation_names)
        plan.append((field.name, field.encode_name, field.type, top, covered))
    return plan


_PLAN: list[tuple[str, str, Any, bool, bool]] = []
_READ: list[Callable[[Any], tuple[Any, ...]]] = []  # reads every planned field in one C call


def check_backend(value: Any, path: str, *, vertex: bool) -> None:
    """Raise if ``value`` sets a field the chosen backend does not support.

    Raises:
        UnsupportedByBackendError: naming the first offending field and the backend.
    """
    if vertex:
        bad = mldev_only_fields(value, path)
        if bad:
            raise UnsupportedByBackendError(VERTEX, bad[0], "It needs the Gemini Developer API.")
    else:
        bad = vertex_only_fields(value, path)
        if bad:
            raise UnsupportedByBackendError(MLDEV, bad[0], "It needs Vertex AI.")


def build_generate_content_body(
    contents: list[Content],
    config: GenerateContentConfig,
    *,
    vertex: VertexLocation | None = None,
    check_enums: bool = True,
) -> dict[str, Any]:
    """The ``generateContent`` body as builtins (camelCase keys), without type validation.

    Enum values are checked unless ``check_enums`` is off (then the caller must pass the
    body to ``validate_request``, as the builders here do).

    Raises:
        InvalidRequestError: A bad contents item, tool, schema or config field.
        UnsupportedByBackendError: A field the backend does not support.
    """
    is_vertex = vertex is not None
    check_backend(config, "config", vertex=is_vertex)
    check_backend(contents, "contents", vertex=is_vertex)
    body: dict[str, Any] = {
        "contents": normalize_keys(contents, list[Content], "contents", check_enums=check_enums)
    }
    generation: dict[str, Any] = {}
    if not _PLAN:
        plan = _field_plan()  # idempotent, so a race between threads is harmless
        _READ[:] = [operator.attrgetter(*(entry[0] for entry in plan))]
        _PLAN[:] = plan
    for value, entry in zip(_READ[0](config), _PLAN, strict=True):
        if value is None:
            continue
        name, wire, field_type, top, covered = entry
        path = f"config.{name}"
        # Fields the body type does not describe (or renamed on Vertex AI) are checked here.
        check = check_enums or not covered or (is_vertex and name in _VERTEX_NAMES)
        if name == "system_instruction":
            content = t_content(value, path)
            check_backend(content, path, vertex=is_vertex)
            converted: Any = normalize_keys(content, Content, path, check_enums=check)
        elif name == "tools":
            tools = t_tools(value, path)
            check_backend(tools, path, vertex=is_vertex)
            converted = normalize_keys(tools, list[Tool], path, check_enums=check)
        elif name == "response_schema":
            schema = t_schema(value, vertex=is_vertex)
            if schema is None:
                continue
            converted = normalize_keys(schema, type(schema), path, check_enums=check)
        elif name == "response_json_schema":
            converted = t_json_schema(value)
        elif name == "speech_config":
            speech = t_speech_config(value, path)
            if speech is None:
                continue
            converted = normalize_keys(speech, type(speech), path, check_enums=check)
        elif name == "cached_content":
            converted = t_cached_content_name(value, vertex=vertex)
        elif name == "service_tier":
            converted = str(value).lower()
        else:
            converted = normalize_info(value, field_type, path, check_enums=check)
        if is_vertex:
            wire = _VERTEX_NAMES.get(name, wire)
        if top:
            body[wire] = converted
        else:
            generation[wire] = converted
    body["generationConfig"] = generation
    return body


def _validate(body: dict[str, Any], tp: type[Any], generation: str = "config.") -> None:
    try:
        validate_request(body, tp)
    except InvalidRequestError as exc:
        path = exc.path
        if path.startswith("generation_config."):
            path = generation + path.removeprefix("generation_config.")
        elif not path.startswith("contents"):
            path = f"config.{path}"
        raise InvalidRequestError(path, exc.reason) from None


def generate_content_request(
    model: str,
    contents: Any,
    config: Any = None,
    *,
    vertex: VertexLocation | None = None,
    stream: bool = False,
) -> Request:
    """Build a ``generateContent`` (or ``streamGenerateContent?alt=sse``) request.

    Args:
        model: Model name (``gemini-2.5-flash``, ``models/...``, ``tunedModels/...``).
        contents: Anything :func:`t_contents` accepts.
        config: A :class:`GenerateContentConfig` or a dict (snake_case or camelCase keys).
        vertex: Project and location for Vertex AI; ``None`` for the Gemini Developer API.
        stream: Build the streaming request.

    Raises:
        InvalidRequestError: Bad model name, contents or config (the message names the field).
        UnsupportedByBackendError: A field the backend does not support.
        UnsupportedFunctionError: A tool callable whose annotations cannot be described.
    """
    path = t_model(model, vertex=vertex is not None)
    cfg = coerce_config(config, GenerateContentConfig, check_enums=False)
    body = build_generate_content_body(t_contents(contents), cfg, vertex=vertex, check_enums=False)
    if config is None and not body["generationConfig"]:
        del body["generationConfig"]  # google-genai sends {} only when a config was given
    _validate(body, _GenerateContentBody)
    if stream:
        return Request(
            "POST", f"{path}:streamGenerateContent", {"alt": "sse"}, body, cfg.http_options
        )
    return Request("POST", f"{path}:generateContent", None, body, cfg.http_options)


class _CountTokensBody(_Wire, kw_only=True):
    contents: list[Content] | None = None
    system_instruction: Content | None = None
    tools: list[Tool] | None = None
    generation_config: GenerationConfig | None = None


def count_tokens_request(
    model: str, contents: Any, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build a ``countTokens`` request: ``{contents}`` only on mldev.

    On Vertex AI, ``system_instruction``, ``tools`` and ``generation_config`` are sent too.

    Raises:
        InvalidRequestError: Bad model name, contents or config.
        UnsupportedByBackendError: A Vertex-only config field on the Gemini Developer API.
    """
    path = t_model(model, vertex=vertex is not None)
    cfg = coerce_config(config, CountTokensConfig, check_enums=False)
    content_list = t_contents(contents)
    check_backend(cfg, "config", vertex=vertex is not None)
    check_backend(content_list, "contents", vertex=vertex is not None)
    body: dict[str, Any] = {
        "contents": normalize_keys(content_list, list[Content], "contents", check_enums=False)
    }
    if vertex is not None:
        if cfg.system_instruction is not None:
            body["systemInstruction"] = normalize_keys(
                t_content(cfg.system_instruction, "config.system_instruction"),
                Content,
                check_enums=False,
            )
        if cfg.tools is not None:
            body["tools"] = normalize_keys(cfg.tools, list[Tool], "config.tools", check_enums=False)
        if cfg.generation_config is not None:
            body["generationConfig"] = normalize_keys(
                cfg.generation_config,
                GenerationConfig,
                "config.generation_config",
                check_enums=False,
            )
    _validate(body, _CountTokensBody, "config.generation_config.")
    return Request("POST", f"{path}:countTokens", None, body, cfg.http_options)


def compute_tokens_request(
    model: str, contents: Any, config: Any = None, *, vertex: VertexLocation | None = None
) -> Request:
    """Build a ``computeTokens`` request (Vertex AI only).

    Raises:
        UnsupportedByBackendError: On the Gemini Developer API (``vertex`` is ``None``).
        InvalidRequestError: Bad model name or contents.
    """
    if vertex is None:
        raise UnsupportedByBackendError(MLDEV, "models.compute_tokens", "It needs Vertex AI.")
    path = t_model(model, vertex=True)
    cfg = coerce_config(config, ComputeTokensConfig)
    content_list = t_contents(contents)
    check_backend(content_list, "contents", vertex=True)
    body = {"contents": normalize_keys(content_list, list[Content], "contents", check_enums=False)}
    _validate(body, _CountTokensBody)
    return Request("POST", f"{path}:computeTokens", None, body, cfg.http_options)
