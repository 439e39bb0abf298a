"""``generateContent`` / ``streamGenerateContent`` / ``countTokens`` / ``computeTokens`` bodies.

Config fields are split as google-genai splits them: request-level fields (system
instruction, tools, tool config, safety settings, cached content, service tier, labels, …)
go to the top level, the rest into ``generationConfig``. Client-only fields
(``http_options``, ``automatic_function_calling``, …) are never sent.

One way through: ``config`` is coerced once into its config struct (a dict is converted, a
struct is taken as it is); its values go, typed, into the request struct (the flexible
fields — contents, system instruction, tools, schemas, speech config — transformed first);
that struct is checked once, in C, for value types, enum values and the fields the backend
lacks (:func:`~genai_actors.types._validate.strict_error`), and encoded once. Only when the
check fails does the slow path run, which reports the first error in the order the checks
are documented in: backend first (config, contents, system instruction, tools), then dict
keys and enum values (repairing values given in another letter case), then value types.
"""

from __future__ import annotations

import itertools
import operator
import typing
from collections.abc import Callable
from itertools import compress
from operator import is_not
from typing import Any

import msgspec
import msgspec.inspect as mi

from ..errors import UnsupportedByBackendError
from ..types._base import _Wire, encode_json
from ..types._content import Content
from ..types._generate import (
    GenerateContentConfig,
    GenerationConfig,
    ImageConfig,
    ImageConfigImageOutputOptions,
    SpeechConfig,
)
from ..types._models import ComputeTokensConfig, CountTokensConfig
from ..types._tools import Schema, Tool
from ..types._validate import repair, validation_error, warnings_issued, wire_check
from ._config import coerce_config, t_speech_config, t_tools
from ._contents import t_content, t_contents
from ._errors import InvalidRequestError
from ._gating import inherit_gates, mldev_only_fields, refused_by, vertex_only_fields
from ._names import VertexLocation, t_cached_content_name, t_model
from ._prepared import TEXT_END, PreparedConfigs, Table
from ._request import Request
from ._schema import t_json_schema, t_schema

__all__ = [
    "MLDEV",
    "VERTEX",
    "check_backend",
    "compute_tokens_request",
    "count_tokens_request",
    "generate_content_request",
    "kept_tables",
]

MLDEV = "Gemini Developer API"
VERTEX = "Vertex AI API"

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
# Config fields typed loosely (a union the builder transforms) and their type in the body.
_BODY_TYPES: dict[str, Any] = {
    "system_instruction": Content | None,
    "tools": list[Tool] | None,
    "response_schema": Schema | None,
    "speech_config": SpeechConfig | None,
}


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


class _Shape:
    """The ``generateContent`` request struct of one backend, built from the config's fields.

    The body holds ``contents``, then the request-level config fields, then
    ``generation_config`` (the other config fields), each in the config's order, so that the
    JSON has the key order google-genai's has.
    """

    def __init__(self, *, vertex: bool) -> None:
        hints = typing.get_type_hints(GenerateContentConfig, include_extras=True)
        top: list[Any] = [("contents", list[Content] | None, msgspec.field(default=None))]
        generation: list[Any] = []
        # Per config field: (name, wire name, top level?); wire name -> name, per level.
        self.fields: list[tuple[str, str, bool]] = []
        self.top_names: dict[str, str] = {}
        self.generation_names: dict[str, str] = {}
        info = mi.type_info(GenerateContentConfig)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            name = field.name
            if name in _SKIP:
                continue
            is_top = name in _TOP
            renamed = _VERTEX_NAMES.get(name) if vertex else None
            spec = msgspec.field(default=None, name=renamed)
            (top if is_top else generation).append((name, _BODY_TYPES.get(name, hints[name]), spec))
            wire = renamed or field.encode_name
            self.fields.append((name, wire, is_top))
            (self.top_names if is_top else self.generation_names)[wire] = name
        suffix = "Vertex" if vertex else ""
        self.generation: Any = _wire_struct(f"GenerationConfigBody{suffix}", generation)
        top.append(("generation_config", self.generation | None, msgspec.field(default=None)))
        self.body: Any = _wire_struct(f"GenerateContentBody{suffix}", top)
        inherit_gates(self.body, GenerateContentConfig, self.top_names.values())
        inherit_gates(self.generation, GenerateContentConfig, self.generation_names.values())
        self.gates = refused_by(vertex=vertex)
        names = [name for name, _, _ in self.fields]
        self.read: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*names)

    def struct(self, body: dict[str, Any]) -> Any:
        """The request struct of a body given as a dict with wire names (for the slow path)."""
        fields = {self.top_names[k]: v for k, v in body.items() if k in self.top_names}
        generation = body.get("generationConfig")
        settings = None
        if generation is not None:
            settings = _new(
                self.generation, **{self.generation_names[k]: v for k, v in generation.items()}
            )
        return _new(self.body, contents=body["contents"], generation_config=settings, **fields)


# msgspec's own constructor: the values are taken as they are (the check that follows names
# a bad one by its config path), whatever conversion the wire structs' metaclass adds.
_new: Callable[..., Any] = type(msgspec.Struct).__call__


def _wire_struct(name: str, fields: list[tuple[str, Any, Any]]) -> type[Any]:
    """A wire struct type made at run time from ``(name, type, default)`` fields, through the
    wire structs' own metaclass (``msgspec.defstruct`` only takes msgspec's)."""
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": name,
        "__annotations__": {field: tp for field, tp, _ in fields},
    }
    namespace.update({field: default for field, _, default in fields})
    meta: Any = type(_Wire)
    made: type[Any] = meta(name, (_Wire,), namespace)
    return made


_SHAPES: dict[bool, _Shape] = {}


def _shape(vertex: bool) -> _Shape:
    shape = _SHAPES.get(vertex)
    if shape is None:
        shape = _SHAPES[vertex] = _Shape(vertex=vertex)  # idempotent: a race is harmless
    return shape


def _field(name: str, value: Any, vertex: VertexLocation | None) -> Any:
    """The body value of a loosely typed config field (``None``: not sent)."""
    path = f"config.{name}"
    if name == "system_instruction":
        return t_content(value, path)
    if name == "tools":
        return t_tools(value, path)
    if name == "response_schema":
        return t_schema(value, vertex=vertex is not None)
    if name == "response_json_schema":
        return t_json_schema(value)
    if name == "speech_config":
        return t_speech_config(value, path)
    if name == "cached_content":
        return t_cached_content_name(value, vertex=vertex, path=path)
    if name == "image_config":
        return _vertex_image_config(value) if vertex is not None else value
    return str(value).lower()  # service_tier: google-genai sends the lower-case value


_TRANSFORMED = frozenset(
    {
        "system_instruction",
        "tools",
        "response_schema",
        "response_json_schema",
        "speech_config",
        "cached_content",
        "service_tier",
        "image_config",
    }
)


def _vertex_image_config(value: Any) -> Any:
    """Vertex AI's ``imageConfig``: ``output_mime_type`` and ``output_compression_quality``
    travel in ``imageOutputOptions`` (which ``image_output_options``, when given, replaces
    whole, as in google-genai)."""
    if not isinstance(value, ImageConfig) or (
        value.output_mime_type is None and value.output_compression_quality is None
    ):
        return value
    options = value.image_output_options
    if options is None:
        options = ImageConfigImageOutputOptions(
            mime_type=value.output_mime_type,
            compression_quality=value.output_compression_quality,
        )
    return msgspec.structs.replace(
        value,
        output_mime_type=None,
        output_compression_quality=None,
        image_output_options=options,
    )


def _backend_in_order(
    config: Any, contents: list[Content], body: dict[str, Any], *, vertex: bool
) -> None:
    # The backend checks in their documented order: config, contents, then the system
    # instruction and tools as transformed (those built so far).
    check_backend(config, "config", vertex=vertex)
    check_backend(contents, "contents", vertex=vertex)
    for wire, name in (("systemInstruction", "system_instruction"), ("tools", "tools")):
        value = body.get(wire)
        if value is not None:
            check_backend(value, f"config.{name}", vertex=vertex)


def _user_path(path: str, generation: str = "config.") -> str:
    """A body path (``generation_config.top_k``) as the caller's (``config.top_k``)."""
    if path.startswith("generation_config."):
        return generation + path.removeprefix("generation_config.")
    if path.startswith("contents") or path == "request":
        return path
    return f"config.{path}"


def _checked(
    body: Any,
    *,
    vertex: bool,
    gates: Any = None,
    before: Callable[[], None] | None = None,
    generation: str = "config.",
) -> bytes:
    """``body`` encoded, once its one strict check (of those bytes) passes; else the first
    error, reported in order.

    Raises:
        UnsupportedByBackendError: A field the backend does not support.
        InvalidRequestError: An unknown key, an unknown enum value or a badly typed value.
    """
    data, error = wire_check(body, gates)
    if error is None:
        return data
    if before is not None:
        before()
    try:
        body = repair(body)
    except InvalidRequestError as exc:
        raise InvalidRequestError(_user_path(exc.path, generation), exc.reason) from None
    data, error = wire_check(body, gates)
    if error is None:
        return data
    if gates is not None:
        bad = (mldev_only_fields if vertex else vertex_only_fields)(body)
        if bad:
            raise UnsupportedByBackendError(
                VERTEX if vertex else MLDEV,
                _user_path(bad[0], generation),
                "It needs the Gemini Developer API." if vertex else "It needs Vertex AI.",
            )
    invalid = validation_error(error, type(body))
    raise InvalidRequestError(_user_path(invalid.path, generation), invalid.reason) from None


_NONE = itertools.repeat(None)


def _generate_body(
    contents: list[Content],
    config: GenerateContentConfig | None,
    vertex: VertexLocation | None,
) -> bytes:
    """The checked ``generateContent`` body, encoded (``config`` already coerced; ``None``
    for no config, which sends no ``generationConfig``).

    The body is assembled as a dict with the wire names (the request struct's key order), so
    that it is encoded and checked without building the struct; the struct is built only
    when the check fails, to repair the body or to name the bad field.
    """
    is_vertex = vertex is not None
    shape = _shape(is_vertex)
    body: dict[str, Any] = {"contents": contents}
    if config is not None:
        generation: dict[str, Any] = {}
        values = shape.read(config)
        try:
            # Only the fields set (in C), in the config's order.
            for value, (name, wire, is_top) in compress(
                zip(values, shape.fields, strict=True), map(is_not, values, _NONE)
            ):
                if name in _TRANSFORMED:
                    value = _field(name, value, vertex)
                    if value is None:
                        continue
                if is_top:
                    body[wire] = value
                else:
                    generation[wire] = value
        except Exception:
            _backend_in_order(config, contents, body, vertex=is_vertex)  # reported first
            raise
        body["generationConfig"] = generation
    data, error = wire_check(body, shape.gates, shape.body)
    if error is None:
        return data
    return _checked(
        shape.struct(body),
        vertex=is_vertex,
        gates=shape.gates,
        before=lambda: _backend_in_order(config, contents, body, vertex=is_vertex),
    )


_PREPARED = PreparedConfigs(GenerateContentConfig)
_PATHS: dict[tuple[str, bool], str] = {}
_HEAD = b'{"contents":'


def _model_path(model: str, vertex: bool) -> str:
    """:func:`t_model`, remembered per model name."""
    if type(model) is not str:
        return t_model(model, vertex=vertex)
    key = (model, vertex)
    path = _PATHS.get(key)
    if path is None:
        path = t_model(model, vertex=vertex)
        if len(_PATHS) >= 256:
            _PATHS.clear()
        _PATHS[key] = path
    return path


def _text_head(text: str) -> bytes:
    """The body's start for a string prompt: ``{"contents":[{"parts":[{"text":...}],...}]``."""
    return b'{"contents":[{"parts":[{"text":' + encode_json(text) + TEXT_END


def _contents_head(contents: Any, vertex: VertexLocation | None) -> bytes | None:
    """The body's start (``{"contents":[...]``) for ``contents``, checked as the whole body
    would be; ``None`` when they are refused or need repair (the full build then runs)."""
    try:
        if type(contents) is str:
            return _text_head(contents)  # a text part: nothing to check
        shape = _shape(vertex is not None)
        data, error = wire_check({"contents": t_contents(contents)}, shape.gates, shape.body)
    except Exception:  # the full build raises it, in its documented order
        return None
    return data[:-1] if error is None else None


def kept_tables(vertex: VertexLocation | None = None) -> dict[type[Any], Table]:
    """The (live) tables of the ``generateContent`` configs kept for ``vertex``'s backend,
    by config type (``dict`` and :class:`GenerateContentConfig`), for :func:`find_kept`.

    An entry found there for a config serves a string prompt ``text`` as the body
    ``b'{"contents":[{"parts":[{"text":' + encode_json(text) + entry.text_tail``, the request
    carrying ``entry.coerced`` (or the caller's own struct when it is ``None``): the bytes and
    the struct :func:`generate_content_request` makes.
    """
    backend = None if vertex is None else (vertex.project, vertex.location)
    return {
        dict: _PREPARED.table(backend, dict),
        GenerateContentConfig: _PREPARED.table(backend, GenerateContentConfig),
    }


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

    Returns:
        The request; its ``config`` is the coerced :class:`GenerateContentConfig` (the
        caller's own struct when it gave one), for the caller's use after sending.

    Raises:
        InvalidRequestError: Bad model name, contents or config (the message names the field).
        UnsupportedByBackendError: A field the backend does not support.
        UnsupportedFunctionError: A tool callable whose annotations cannot be described.
    """
    path = _model_path(model, vertex is not None)
    path += ":streamGenerateContent" if stream else ":generateContent"
    query = {"alt": "sse"} if stream else None
    key = None
    if config is not None:
        # A config built before (equal content, same backend): only the prompt is encoded.
        backend = None if vertex is None else (vertex.project, vertex.location)
        key = _PREPARED.key(config, backend)
        if key is not None:
            prepared = _PREPARED.get(key, config)
            if prepared is not None:
                head = _contents_head(contents, vertex)
                if head is not None:
                    cfg = config if prepared.coerced is None else prepared.coerced
                    body = head + prepared.tail
                    return Request(
                        "POST", path, query, None, cfg.http_options, config=cfg, encoded=body
                    )
    warned = warnings_issued()
    cfg = coerce_config(config, GenerateContentConfig, check_enums=False)
    content_list = t_contents(contents)
    # google-genai sends generationConfig ({} at least) only when a config was given.
    body = _generate_body(content_list, None if config is None else cfg, vertex)
    if key is not None and warnings_issued() == warned and _PREPARED.wanted(key):
        head = _HEAD + encode_json(content_list)
        if body.startswith(head):
            _PREPARED.put(key, config, body[len(head) :], cfg)
    return Request("POST", path, query, None, cfg.http_options, config=cfg, encoded=body)


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
    body = _CountTokensBody(contents=content_list)
    if vertex is not None:
        if cfg.system_instruction is not None:
            body.system_instruction = t_content(cfg.system_instruction, "config.system_instruction")
        body.tools = cfg.tools
        body.generation_config = cfg.generation_config
    encoded = _checked(body, vertex=vertex is not None, generation="config.generation_config.")
    return Request("POST", f"{path}:countTokens", None, None, cfg.http_options, encoded=encoded)


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
    encoded = _checked(_CountTokensBody(contents=content_list), vertex=True)
    return Request("POST", f"{path}:computeTokens", None, None, cfg.http_options, encoded=encoded)
