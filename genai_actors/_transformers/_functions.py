"""Python callables as tools: declarations for the model, and arguments for the call.

:func:`function_declaration_from_callable` builds a
:class:`~genai_actors.types.FunctionDeclaration` with ``parametersJsonSchema`` (and
``responseJsonSchema`` from the return annotation) exactly as google-genai does for annotated
functions. :func:`convert_function_args` turns a model's ``FunctionCall.args`` into keyword
arguments for the callable: integral floats become ints, dicts become dataclass / Struct /
TypedDict / pydantic parameters, and every value is type-checked.
"""

from __future__ import annotations

import enum
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

import msgspec

from ..errors import UnknownFunctionCallArgumentError, UnsupportedFunctionError
from ..types._enums import Behavior
from ..types._tools import FunctionDeclaration
from ._jsonschema import UnsupportedTypeError, is_pydantic_model, json_schema

__all__ = [
    "convert_function_args",
    "convert_number_values",
    "function_declaration_from_callable",
]

_PARAM_KINDS = (
    inspect.Parameter.POSITIONAL_OR_KEYWORD,
    inspect.Parameter.KEYWORD_ONLY,
    inspect.Parameter.POSITIONAL_ONLY,
)


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except (NameError, TypeError) as exc:
        raise UnsupportedFunctionError(
            f"cannot resolve the annotations of function {_name(fn)}: {exc}"
        ) from None


def _name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__name__", type(fn).__name__)


def _annotation(param: inspect.Parameter, hints: dict[str, Any]) -> Any:
    if isinstance(param.annotation, str) or param.name in hints:
        return hints.get(param.name, param.annotation)
    return param.annotation


def _default(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    try:
        return msgspec.to_builtins(value)
    except TypeError:
        return repr(value)


def _required(properties: dict[str, Any]) -> list[str]:
    required: list[str] = []
    for name, schema in properties.items():
        if not schema:
            continue
        if "nullable" in schema and not schema["nullable"]:
            required.append(name)
        if "default" not in schema and name not in required:
            required.append(name)
    return required


def _schema_for(annotation: Any, fn: Callable[..., Any], what: str) -> dict[str, Any]:
    if annotation is inspect.Parameter.empty:
        annotation = Any
    try:
        schema = json_schema(annotation)
    except UnsupportedTypeError as exc:
        raise UnsupportedFunctionError(
            f"Failed to parse the {what} of function {_name(fn)} for automatic function "
            f"calling ({exc}); declare this function with a FunctionDeclaration instead."
        ) from None
    if (
        schema.get("type") == "array"
        and schema.get("maxItems")
        and isinstance(schema.get("prefixItems"), list)
        and len(schema["prefixItems"]) == schema["maxItems"]
    ):
        schema["unevaluatedItems"] = False
    return schema


def function_declaration_from_callable(
    fn: Callable[..., Any], *, behavior: str | None = None
) -> FunctionDeclaration:
    """Build the declaration google-genai sends for ``fn`` (``use_json_schema=True`` form).

    The description is the cleaned docstring (``""`` when there is none); parameters are a
    JSON Schema object with ``required`` listing parameters without defaults; the return
    annotation, if any, becomes ``response_json_schema``.

    Args:
        fn: A function or method with annotated parameters.
        behavior: Optional ``Behavior`` (``BLOCKING`` / ``NON_BLOCKING``).

    Raises:
        UnsupportedFunctionError: An annotation has no JSON Schema form or cannot be resolved.
    """
    hints = _hints(fn)
    signature = inspect.signature(fn)
    properties: dict[str, Any] = {}
    defs: dict[str, Any] = {}
    for name, param in signature.parameters.items():
        if param.kind not in _PARAM_KINDS:
            continue
        schema = _schema_for(_annotation(param, hints), fn, f"parameter {name}")
        defs.update(schema.pop("$defs", {}))
        if param.default is not inspect.Parameter.empty:
            schema["default"] = _default(param.default)
        properties[name] = schema
    doc = fn.__doc__
    declaration = FunctionDeclaration(
        name=_name(fn),
        description=inspect.cleandoc(doc) if doc else "",
        behavior=None if behavior is None else Behavior(behavior),
    )
    if not properties:
        return declaration
    parameters: dict[str, Any] = {"type": "object", "properties": properties}
    if defs:
        parameters["$defs"] = defs
    parameters["required"] = _required(properties)
    declaration.parameters_json_schema = parameters
    if signature.return_annotation is not inspect.Signature.empty:
        returns = hints.get("return", signature.return_annotation)
        declaration.response_json_schema = _schema_for(returns, fn, "return value")
    return declaration


def convert_number_values(value: Any) -> Any:
    """Integral floats (``2.0``) become ints, recursively through dicts and lists."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: convert_number_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [convert_number_values(v) for v in value]
    return value


def _convert(value: Any, annotation: Any, where: str) -> Any:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return convert_number_values(value)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _convert(value, typing.get_args(annotation)[0], where)
    if isinstance(annotation, type) and is_pydantic_model(annotation):
        if isinstance(annotation, type) and isinstance(value, annotation):
            return value
        try:
            return annotation.model_validate(value)  # type: ignore[attr-defined]
        except Exception as exc:  # pydantic.ValidationError, without importing pydantic
            raise UnknownFunctionCallArgumentError(f"{where}: {exc}") from None
    args = typing.get_args(annotation)
    if origin is list and args and isinstance(value, list):
        return [_convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict and len(args) == 2 and isinstance(value, dict):
        return {k: _convert(v, args[1], f"{where}[{k!r}]") for k, v in value.items()}
    if origin in (typing.Union, types.UnionType):
        for member in args:
            try:
                return _convert(value, member, where)
            except UnknownFunctionCallArgumentError:
                continue
        raise UnknownFunctionCallArgumentError(
            f"{where}: value {value!r} does not fit {annotation}"
        )
    try:
        return msgspec.convert(value, annotation, strict=False)
    except msgspec.ValidationError as exc:
        raise UnknownFunctionCallArgumentError(
            f"{where}: value {value!r} does not fit {annotation}: {exc}"
        ) from None
    except TypeError:
        # msgspec cannot describe this annotation: fall back to an isinstance check.
        if isinstance(annotation, type):
            if isinstance(value, annotation) or (annotation is float and isinstance(value, int)):
                return value
            raise UnknownFunctionCallArgumentError(
                f"{where}: value {value!r} is not a {annotation.__name__}"
            ) from None
        return value


def convert_function_args(fn: Callable[..., Any], args: dict[str, Any] | None) -> dict[str, Any]:
    """Keyword arguments for calling ``fn`` with a model's ``FunctionCall.args``.

    Arguments the function does not take are dropped (as google-genai does), unless it takes
    ``**kwargs``.

    Raises:
        UnknownFunctionCallArgumentError: An argument does not fit its annotation, or a
            required argument is missing; the message names the parameter.
    """
    args = args or {}
    name = _name(fn)
    hints = _hints(fn)
    signature = inspect.signature(fn)
    converted: dict[str, Any] = {}
    takes_kwargs = False
    for param_name, param in signature.parameters.items():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            takes_kwargs = True
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if param_name in args:
            converted[param_name] = _convert(
                args[param_name], _annotation(param, hints), f"{name}({param_name})"
            )
        elif param.default is inspect.Parameter.empty:
            raise UnknownFunctionCallArgumentError(
                f"{name}: the model did not supply the required argument {param_name!r}"
            )
    if takes_kwargs:
        for key, value in args.items():
            if key not in converted:
                converted[key] = convert_number_values(value)
    return converted
