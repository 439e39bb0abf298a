"""Config coercion and the flexible config fields: tools, speech config.

Every config is accepted as its typed struct or as a plain dict with snake_case or
camelCase keys. Tools may mix :class:`~genai_actors.types.Tool` objects, dicts and Python
callables; function declarations are merged into one Tool, as google-genai does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from ..types._generate import PrebuiltVoiceConfig, SpeechConfig, VoiceConfig
from ..types._tools import FunctionDeclaration, Schema, Tool
from ..types._validate import check_struct, coerce
from ._errors import InvalidRequestError
from ._functions import function_declaration_from_callable
from ._mcp import McpTool, McpToolset

__all__ = [
    "coerce_config",
    "function_map",
    "is_python_callable_tool",
    "t_speech_config",
    "t_tool",
    "t_tools",
]

_C = TypeVar("_C", bound=msgspec.Struct)


def coerce_config(
    config: Any, tp: type[_C], path: str = "config", *, check_enums: bool = True
) -> _C:
    """Return ``config`` as a ``tp`` (an empty one for ``None``), its enum values checked.

    Args:
        config: A ``tp``, a dict (snake_case or camelCase keys) or ``None``.
        tp: The config type.
        path: The field path of ``config``, used in error messages.
        check_enums: As for :func:`coerce`.

    Raises:
        InvalidRequestError: An unknown key, a badly typed value, an unknown enum value, or
            not a struct or dict.
    """
    if config is None:
        return tp()
    return coerce(config, tp, path, check_enums=check_enums)


def is_python_callable_tool(tool: Any) -> bool:
    """Whether a tools entry is a Python function or method (an AFC tool)."""
    return inspect.isfunction(tool) or inspect.ismethod(tool) or inspect.isbuiltin(tool)


def t_tool(tool: Any, path: str = "tool") -> Tool | None:
    """One tools entry as a :class:`Tool`: callables become function declarations.

    Raises:
        InvalidRequestError: A dict with unknown keys, or an unsupported object.
        UnsupportedFunctionError: A callable whose annotations have no JSON Schema form.
    """
    if tool is None:
        return None
    if isinstance(tool, Tool):
        try:
            return _with_upper_case_types(tool)
        except _Loose:
            # A dict where a declaration or schema belongs, or a typed struct in a JSON field:
            # checked (and converted) as a config's typed values are.
            return _with_upper_case_types(check_struct(tool, path), strict=False)
    if isinstance(tool, dict):
        return _with_upper_case_types(coerce(tool, Tool, path), strict=False)
    if isinstance(tool, McpToolset):
        return Tool(function_declarations=list(tool.declarations))
    if callable(getattr(tool, "list_tools", None)) and callable(getattr(tool, "call_tool", None)):
        raise InvalidRequestError(
            path,
            "an MCP session is only taken by generate_content, generate_content_stream and "
            "chats of the async client (docs/mcp.md)",
        )
    if is_python_callable_tool(tool) or (callable(tool) and hasattr(tool, "__name__")):
        return Tool(function_declarations=[function_declaration_from_callable(tool)])
    raise InvalidRequestError(path, f"unsupported tool type: {type(tool).__name__}")


class _Loose(Exception):
    """A typed tool holds a dict where a struct belongs, or a typed struct in a JSON field."""


def _upper_case_types(schema: Any, strict: bool = True) -> Any:
    """``schema`` with every ``type`` upper-cased (``object`` → ``OBJECT``).

    The API only takes the upper-case enum names; google-genai's ``Type`` enum ignores case,
    so declarations written with JSON Schema's lower-case types work there. The given schema
    is never mutated.

    Raises:
        _Loose: With ``strict``: a dict where a Schema belongs, or a typed struct in one of its
            free-form fields (``default``, ``example``, ``additional_properties``).
    """
    if schema is None:
        return None
    if not isinstance(schema, Schema):
        if strict:
            raise _Loose
        return schema
    if strict and (
        schema.default is not None
        or schema.example is not None
        or schema.additional_properties is not None
    ):
        for value in (schema.default, schema.example, schema.additional_properties):
            if isinstance(value, msgspec.Struct):
                raise _Loose
    changes: dict[str, Any] = {}
    kind = schema.type
    if isinstance(kind, str) and kind != kind.upper():
        changes["type"] = kind.upper()
    if schema.items is not None:
        items = _upper_case_types(schema.items, strict)
        if items is not schema.items:
            changes["items"] = items
    if schema.properties:
        new = _upper_case_map(schema.properties, strict)
        if new is not None:
            changes["properties"] = new
    if schema.defs:
        new = _upper_case_map(schema.defs, strict)
        if new is not None:
            changes["defs"] = new
    if schema.any_of:
        options = [_upper_case_types(o, strict) for o in schema.any_of]
        if any(a is not b for a, b in zip(options, schema.any_of, strict=True)):
            changes["any_of"] = options
    return msgspec.structs.replace(schema, **changes) if changes else schema


def _upper_case_map(mapping: dict[str, Any], strict: bool) -> dict[str, Any] | None:
    """:func:`_upper_case_types` on each value; a new map if one changed, else ``None``."""
    new: dict[str, Any] | None = None
    for key, value in mapping.items():
        fixed = _upper_case_types(value, strict)
        if fixed is not value:
            if new is None:
                new = dict(mapping)
            new[key] = fixed
    return new


def _with_upper_case_types(tool: Tool, strict: bool = True) -> Tool:
    """``tool`` with its declarations' parameter and response schema types upper-cased.

    Raises:
        _Loose: With ``strict``: a dict where a declaration or schema belongs, or a typed
            struct in a declaration's JSON schema fields.
    """
    declarations: list[Any] | None = tool.function_declarations
    if not declarations:
        return tool
    fixed: list[Any] = []
    for declaration in declarations:
        if not isinstance(declaration, FunctionDeclaration):
            if strict:
                raise _Loose
            fixed.append(declaration)
            continue
        if strict and (
            isinstance(declaration.parameters_json_schema, msgspec.Struct)
            or isinstance(declaration.response_json_schema, msgspec.Struct)
        ):
            raise _Loose
        parameters = _upper_case_types(declaration.parameters, strict)
        response = _upper_case_types(declaration.response, strict)
        if parameters is declaration.parameters and response is declaration.response:
            fixed.append(declaration)
        else:
            fixed.append(
                msgspec.structs.replace(declaration, parameters=parameters, response=response)
            )
    if all(a is b for a, b in zip(fixed, declarations, strict=True)):
        return tool
    return msgspec.structs.replace(tool, function_declarations=fixed)


_NO_TOOL = Tool()


def _without_declarations(tool: Tool) -> Tool | None:
    rest = msgspec.structs.replace(tool, function_declarations=None)
    return None if rest == _NO_TOOL else rest


def t_tools(tools: Any, path: str = "config.tools") -> list[Tool]:
    """Normalise ``config.tools``; all function declarations are merged into one final Tool.

    Raises:
        InvalidRequestError: ``tools`` is not a list, or an entry is unsupported.
    """
    if not tools:
        return []
    if not isinstance(tools, (list, tuple)):
        raise InvalidRequestError(path, f"expected a list of tools, got {type(tools).__name__}")
    declarations: list[Any] = []
    result: list[Tool] = []
    only: Tool | None = None  # the one tool holding declarations (and nothing else)
    for index, entry in enumerate(tools):
        tool = t_tool(entry, f"{path}[{index}]")
        if tool is None:
            continue
        if tool.function_declarations:
            only = tool if not declarations else None
            declarations.extend(tool.function_declarations)
            rest = _without_declarations(tool)
            if rest is not None:
                only = None
                result.append(rest)
        else:
            result.append(tool)
    if declarations:
        result.append(only if only is not None else Tool(function_declarations=declarations))
    return result


def function_map(tools: Any) -> dict[str, Callable[..., Any] | McpTool]:
    """Map function names to the Python callables among ``config.tools`` and the tools of
    its listed MCP sessions (for AFC)."""
    found: dict[str, Callable[..., Any] | McpTool] = {}
    for tool in tools or ():
        if isinstance(tool, McpToolset):
            found.update(tool.tools)
            continue
        if is_python_callable_tool(tool) or (
            callable(tool) and hasattr(tool, "__name__") and not isinstance(tool, (type, Tool))
        ):
            found[tool.__name__] = tool
    return found


def t_speech_config(value: Any, path: str = "config.speech_config") -> SpeechConfig | None:
    """``speech_config`` as a :class:`SpeechConfig`; a string is a prebuilt voice name.

    Raises:
        InvalidRequestError: Neither a string, a SpeechConfig nor a dict.
    """
    if not value:
        return None
    if isinstance(value, SpeechConfig):
        return value
    if isinstance(value, str):
        return SpeechConfig(
            voice_config=VoiceConfig(prebuilt_voice_config=PrebuiltVoiceConfig(voice_name=value))
        )
    if isinstance(value, dict):
        return coerce(value, SpeechConfig, path)
    raise InvalidRequestError(path, f"unsupported speech_config type: {type(value).__name__}")
