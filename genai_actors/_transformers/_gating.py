"""Backend gating as data: which fields a backend does not support (wire reference §19).

:func:`vertex_only_fields` lists the set fields the Gemini Developer API rejects;
:func:`mldev_only_fields` the ones Vertex AI rejects. Both walk typed structs (coerce dicts
first) and return field paths such as ``tools[0].retrieval`` so the caller can raise one
clear error naming the backend before anything is sent.
"""

from __future__ import annotations

from typing import Any

import msgspec
import msgspec.inspect as mi

from .. import types as t

__all__ = ["inherit_gates", "mldev_only_fields", "refused_by", "vertex_only_fields"]

VERTEX_ONLY: dict[type[msgspec.Struct], frozenset[str]] = {
    t.AuthConfig: frozenset(
        {
            "api_key_config",
            "auth_type",
            "google_service_account_config",
            "http_basic_auth_config",
            "oauth_config",
            "oidc_config",
        }
    ),
    t.CountTokensConfig: frozenset({"system_instruction", "tools", "generation_config"}),
    t.EmbedContentConfig: frozenset(
        {"mime_type", "auto_truncate", "document_ocr", "audio_track_extraction"}
    ),
    t.FunctionCall: frozenset({"partial_args", "will_continue"}),
    t.FunctionCallingConfig: frozenset({"stream_function_call_arguments"}),
    t.GenerateContentConfig: frozenset(
        {
            "routing_config",
            "model_selection_config",
            "audio_timestamp",
            "model_armor_config",
            "generation_output_config",
        }
    ),
    t.GoogleMaps: frozenset({"grounding_types"}),
    t.GoogleSearch: frozenset({"blocking_confidence", "exclude_domains"}),
    t.ImageConfig: frozenset(
        {
            "person_generation",
            "prominent_people",
            "output_mime_type",
            "output_compression_quality",
            "image_output_options",
        }
    ),
    t.SafetySetting: frozenset({"method"}),
    t.Tool: frozenset(
        {"retrieval", "enterprise_web_search", "parallel_ai_search", "exa_ai_search"}
    ),
    t.GenerateVideosConfig: frozenset(
        {
            "output_gcs_uri",
            "fps",
            "seed",
            "pubsub_topic",
            "generate_audio",
            "mask",
            "compression_quality",
            "labels",
            "resize_mode",
        }
    ),
    t.Image: frozenset({"gcs_uri"}),
}

MLDEV_ONLY: dict[type[msgspec.Struct], frozenset[str]] = {
    t.FunctionResponsePart: frozenset({"media_processing"}),
    t.FunctionResponse: frozenset({"will_continue"}),
    t.GenerateContentConfig: frozenset({"enable_enhanced_civic_answers", "store"}),
    t.GenerateVideosConfig: frozenset({"webhook_config"}),
    t.GenerationConfig: frozenset({"enable_enhanced_civic_answers"}),
    t.McpServer: frozenset({"name", "streamable_http_transport"}),
    t.Part: frozenset({"tool_call", "tool_response", "part_metadata"}),
    t.ReplicatedVoiceConfig: frozenset({"consent_audio", "voice_consent_signature"}),
    t.ToolConfig: frozenset({"include_server_side_tool_invocations"}),
    t.Tool: frozenset({"file_search"}),
}


def refused_by(*, vertex: bool) -> dict[type[msgspec.Struct], frozenset[str]]:
    """The fields the chosen backend refuses, per struct type (for a strict twin's gates)."""
    return MLDEV_ONLY if vertex else VERTEX_ONLY


def inherit_gates(cls: type[msgspec.Struct], source: type[msgspec.Struct], names: Any) -> None:
    """Gate the fields ``names`` of ``cls`` as the fields of the same names of ``source`` are.

    For request body types built from a config type (``generateContent``'s body holds the
    fields of ``GenerateContentConfig``): call it before the first check of ``cls``.
    """
    names = frozenset(names)
    for table in (VERTEX_ONLY, MLDEV_ONLY):
        gated = table.get(source, frozenset()) & names
        if gated:
            table[cls] = gated


def _struct_types(info: mi.Type, out: set[type[Any]]) -> None:
    if isinstance(info, mi.StructType):
        out.add(info.cls)
    elif isinstance(info, mi.UnionType):
        for member in info.types:
            _struct_types(member, out)
    elif isinstance(info, (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)):
        _struct_types(info.item_type, out)
    elif isinstance(info, mi.DictType):
        _struct_types(info.value_type, out)


class _GateWalk:
    """Per struct type: the gated fields, and the fields worth descending into."""

    def __init__(self, table: dict[type[msgspec.Struct], frozenset[str]]) -> None:
        self.table = table
        self.descend: dict[type[Any], tuple[str, ...]] = {}
        self.reaches: dict[type[Any], bool] = {}
        self.plans: dict[type[Any], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def _children(self, cls: type[Any]) -> dict[str, set[type[Any]]]:
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)
        children: dict[str, set[type[Any]]] = {}
        for field in info.fields:
            found: set[type[Any]] = set()
            _struct_types(field.type, found)
            if found:
                children[field.name] = found
        return children

    def reaches_gate(self, cls: type[Any]) -> bool:
        known = self.reaches.get(cls)
        if known is not None:
            return known
        graph: dict[type[Any], dict[str, set[type[Any]]]] = {}
        todo = [cls]
        while todo:
            current = todo.pop()
            if current in graph or current in self.reaches:
                continue
            graph[current] = self._children(current)
            for types in graph[current].values():
                todo.extend(types)
        reach = {c: c in self.table for c in graph}
        changed = True
        while changed:
            changed = False
            for c, children in graph.items():
                if reach[c]:
                    continue
                if any(
                    reach.get(child, self.reaches.get(child, False))
                    for types in children.values()
                    for child in types
                ):
                    reach[c] = changed = True
        for c, children in graph.items():
            self.reaches[c] = reach[c]
            self.descend[c] = tuple(
                name
                for name, types in children.items()
                if any(reach.get(child, self.reaches.get(child, False)) for child in types)
            )
        return self.reaches[cls]

    def _plan_for(self, cls: type[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        plan = self.plans.get(cls)
        if plan is None:
            if self.reaches_gate(cls):
                gated = self.table.get(cls, frozenset())
                fields = cls.__struct_fields__
                # In declaration order, so that the first field reported is always the same.
                plan = (tuple(f for f in fields if f in gated), self.descend.get(cls, ()))
            else:
                plan = ((), ())
            self.plans[cls] = plan
        return plan

    def walk(self, value: Any, path: str, out: list[str]) -> None:
        if isinstance(value, msgspec.Struct):
            gated, descend = self._plan_for(type(value))
            for name in gated:
                if getattr(value, name) is not None:
                    out.append(f"{path}.{name}" if path else name)  # noqa: PERF401 - hot path, no generator
            for name in descend:
                child = getattr(value, name)
                if child is not None:
                    self.walk(child, f"{path}.{name}" if path else name, out)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, (msgspec.Struct, list, tuple, dict)):
                    self.walk(item, f"{path}[{index}]", out)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, (msgspec.Struct, list, tuple)):
                    self.walk(item, f"{path}[{key!r}]", out)


_VERTEX = _GateWalk(VERTEX_ONLY)
_MLDEV = _GateWalk(MLDEV_ONLY)


def vertex_only_fields(value: Any, path: str = "") -> list[str]:
    """Paths of set fields the Gemini Developer API does not support (they need Vertex AI).

    Args:
        value: A config, a request struct, or a list of structs (e.g. contents, tools).
        path: Prefix for the returned paths, e.g. ``"config"``.
    """
    out: list[str] = []
    _VERTEX.walk(value, path, out)
    return out


def mldev_only_fields(value: Any, path: str = "") -> list[str]:
    """Paths of set fields Vertex AI does not support (they need the Gemini Developer API).

    Args:
        value: A config, a request struct, or a list of structs (e.g. contents, tools).
        path: Prefix for the returned paths, e.g. ``"config"``.
    """
    out: list[str] = []
    _MLDEV.walk(value, path, out)
    return out
