"""``response.parsed``: the response text decoded by the form of ``response_schema``.

The rules follow google-genai's, form by form:

- a pydantic model: ``model_validate_json`` of the text;
- an ``Enum``: the member whose value is the text with its double quotes removed (so an enum
  of integers never matches: google-genai compares with the string);
- a ``Literal`` of strings (google-genai turns it into an enum): the text without quotes when
  it is one of the literal's values;
- a class or a generic alias (``list[Model]``, ``int``, ``dict``, a dataclass, a TypedDict, a
  msgspec Struct): the JSON text decoded into that type (pydantic models anywhere inside are
  validated by pydantic);
- a ``dict`` (JSON Schema) or a :class:`~genai_actors.types.Schema`: the JSON value as loaded;
- a union (``Model | None``, ``int | str``): google-genai tries each member in order and the
  last one that succeeds wins: a pydantic model member decodes the whole union, any other
  member loads the JSON as is (so ``Optional[Model]`` gives a ``dict``, ``None | Model`` a
  model).

A text that does not fit leaves ``parsed`` as ``None``, as in google-genai, and is reported as a
``response.parse_failed`` event to the caller's logger: never silently (so is a union's model
member that failed where the plain JSON value was kept).
"""

from __future__ import annotations

import enum
import json
import types
import typing
from typing import Any, Protocol

import msgspec

from ..types._tools import Schema
from ._jsonschema import is_pydantic_model

__all__ = ["FailureLog", "parse_response"]

_UNIONS: tuple[Any, ...] = (typing.Union, types.UnionType)
_DETAIL_CHARS = 200


class FailureLog(Protocol):
    """Where a parse failure is reported (``genai_actors._log.Logger`` fits)."""

    def warning(self, event: str, **fields: Any) -> None:
        """Records ``event`` with ``fields``."""


class _Failed(Exception):
    """The text does not fit the schema; ``__cause__`` holds why."""


def _name(schema: Any) -> str:
    if isinstance(schema, type):
        return schema.__qualname__
    if isinstance(schema, dict):
        return "dict"
    if isinstance(schema, Schema):
        return "Schema"
    return repr(schema)


def _dec_hook(tp: Any, obj: Any) -> Any:
    if is_pydantic_model(tp):
        return tp.model_validate(obj)
    raise NotImplementedError(f"no decoder for {tp!r}")


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise _Failed from exc


def _decode(text: str, schema: Any) -> Any:
    """``text`` decoded into the type ``schema``: msgspec, with pydantic models validated by
    pydantic (a union msgspec cannot decode goes to pydantic whole)."""
    try:
        decoder: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
            schema, strict=False, dec_hook=_dec_hook
        )
    except TypeError as unsupported:
        return _decode_pydantic(text, schema, unsupported)
    try:
        return decoder.decode(text)
    except (msgspec.DecodeError, ValueError) as exc:
        raise _Failed from exc


def _decode_pydantic(text: str, schema: Any, unsupported: TypeError) -> Any:
    try:
        import pydantic
    except ImportError:  # pragma: no cover - a type msgspec refuses needs pydantic
        raise _Failed from unsupported
    value = _load(text)
    try:
        return pydantic.TypeAdapter(schema).validate_python(value)
    except ValueError as exc:
        raise _Failed from exc
    except pydantic.PydanticUserError:
        raise _Failed from unsupported


def _enum(text: str, schema: type[enum.Enum]) -> Any:
    try:
        member = schema(text.replace('"', ""))
    except ValueError as exc:
        raise _Failed from exc
    return member.name if schema.__name__ == "PlaceholderLiteralEnum" else member


def _literal(text: str, schema: Any) -> Any:
    value = text.replace('"', "")
    options = typing.get_args(schema)
    if value in options:
        return value
    raise _Failed from ValueError(f"{value!r} is not one of {list(options)!r}")


def _union(text: str, schema: Any, lost: list[_Failed]) -> Any:
    # The last member whose attempt succeeds decides (see the module docstring): scanned from
    # the end, each kind of attempt (the whole union decoded, or the JSON loaded) made once.
    tried: dict[bool, tuple[bool, Any]] = {}
    failure: _Failed | None = None
    for member in reversed(typing.get_args(schema)):
        model = is_pydantic_model(member)
        if model not in tried:
            try:
                tried[model] = (True, _decode(text, schema) if model else _load(text))
            except _Failed as exc:
                tried[model] = (False, None)
                failure = failure or exc
        ok, value = tried[model]
        if ok:
            if failure is not None:
                lost.append(failure)  # a later member would have won had its attempt succeeded
            return value
    raise failure or _Failed()


def _parse(text: str, schema: Any, lost: list[_Failed]) -> Any:
    if is_pydantic_model(schema):
        try:
            return schema.model_validate_json(text)
        except ValueError as exc:
            raise _Failed from exc
    if isinstance(schema, enum.EnumMeta):
        return _enum(text, typing.cast("type[enum.Enum]", schema))
    origin = typing.get_origin(schema)
    if origin is typing.Literal:
        return _literal(text, schema)
    if origin in _UNIONS:
        return _union(text, schema, lost)
    if isinstance(schema, (type, types.GenericAlias)) or origin is not None:
        return _decode(text, schema)
    if isinstance(schema, (dict, Schema)):
        return _load(text)
    return None


def parse_response(text: str | None, schema: Any, *, log: FailureLog | None = None) -> Any:
    """``response.parsed`` for a response ``text`` and the call's ``response_schema`` (or
    ``response_json_schema``), by the rules in the module docstring.

    Args:
        text: The response text (``None`` when it has no text part).
        schema: The schema as the caller gave it.
        log: Receives a ``response.parse_failed`` event (the schema, the error's type, a
            short detail) when the text does not fit; with ``fallback=True`` when a union
            member's decoding failed and the plain JSON value was kept instead, as google-genai
            keeps it.

    Returns:
        The parsed value; ``None`` when there is no text, no schema, a form google-genai does
        not parse (a JSON Schema ``true``), or a text that does not fit. Never raises for a bad
        text.
    """
    if text is None or schema is None:
        return None
    lost: list[_Failed] = []
    try:
        parsed = _parse(text, schema, lost)
    except _Failed as failed:
        _report(log, schema, failed, fallback=False)
        return None
    for passed_over in lost:
        _report(log, schema, passed_over, fallback=True)
    return parsed


def _report(log: FailureLog | None, schema: Any, failed: _Failed, *, fallback: bool) -> None:
    if log is None:
        return
    cause = failed.__cause__
    lines = str(cause).strip().splitlines()
    detail = lines[0] if lines else ""
    log.warning(
        "response.parse_failed",
        schema=_name(schema),
        error=type(cause).__name__,
        detail=detail[:_DETAIL_CHARS],
        fallback=fallback,
    )
