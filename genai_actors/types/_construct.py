"""Construction of wire structs: values converted and checked as google-genai's pydantic models do.

Every wire struct's metaclass is :class:`WireMeta`, whose ``__call__`` runs when user code (or
a request builder) writes ``SomeStruct(field=value, ...)``. Decoding (``msgspec.json.decode``,
``msgspec.convert``) builds structs in C without calling it, so responses never pay for this.

Construction takes what google-genai's types take, keyword by keyword:

- A value of the declared type is kept as it is; checking it costs one type look-up per keyword.
- A dict where a struct belongs becomes that struct (keys in snake_case or camelCase), at every
  depth, and so do lists of dicts and dict values; another wire struct or a pydantic model (a
  google-genai type) is read through its fields.
- Lax conversions, as pydantic's lax mode: an int or a numeric string for a float; a bool, an
  integral float or an integer string for an int; ``0``/``1`` and ``"true"``/``"no"``/... for a
  bool; bytes for a str; base64 text for bytes; ISO 8601 text or a Unix time for a datetime;
  a tuple, set or other iterable for a list. An enum member where a plain ``str`` belongs
  becomes its value; an enum-valued field (``Annotated[str, enum_of(E)]``) keeps a member of
  ``E`` or any string (its value is checked when a request is built).
- Keywords may be camelCase (google-genai's aliases).
- The flexible inputs take what google-genai's unions take, and type the dicts among them as
  it does (:func:`flexible`): a ``contents`` or ``system_instruction`` dict becomes a
  ``Content``, ``File`` or ``Part`` (the first whose fields it fits, in google-genai's order;
  the items of a list of parts a ``File`` or ``Part``), a ``tools`` entry dict a ``Tool``, a
  ``speech_config`` dict a ``SpeechConfig``, a batch's ``dest`` dict a
  ``BatchJobDestination``. Their other values (strings, callables, typed values, images) are
  kept for the request builders. Fields typed ``Any`` (schemas, free-form JSON) take anything.

Anything else raises :class:`~genai_actors.errors.InvalidRequestError` (a ``ValueError``, as
pydantic's ``ValidationError`` is) whose ``path`` names the field, e.g.
``safety_settings[1].threshold``; an unknown keyword raises it too, with the nearest field name.
Positional arguments raise ``TypeError`` (the structs are keyword-only).

The same conversion serves ``model_validate`` and ``model_copy(update=...)`` (see
``_model_api``).
"""

from __future__ import annotations

import base64
import binascii
import collections
import contextvars
import datetime
import difflib
import enum
import re
import reprlib
import types as pytypes
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec

__all__: list[str] = []  # package-private: _base and _model_api import these by name

Conv = Callable[[Any], Any]
_NONE_TYPE = type(None)
_construct = msgspec.StructMeta.__call__  # msgspec's own constructor (no conversion)
construct_unchecked = _construct


class _Bad(Exception):
    """A value that does not fit; ``segments`` collect the path while the error unwinds."""

    def __init__(self, reason: str, segment: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.segments = [segment] if segment else []


class _Plan:
    """How one struct type takes its keywords.

    ``fast`` maps a field name to the exact types kept without conversion (``list`` for a
    list field, whose items must then be of the types in ``items``, or anything when its
    entry is ``None``); ``convs`` maps it to the converter run otherwise; ``names`` maps
    every accepted key (snake_case and camelCase) to the field name.
    """

    __slots__ = ("cls", "convs", "fast", "items", "names")

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.fast: dict[str, frozenset[type[Any]]] = {}
        self.items: dict[str, frozenset[type[Any]] | None] = {}
        self.convs: dict[str, Conv] = {}
        self.names: dict[str, str] = {}
        for field in msgspec.structs.fields(cls):
            ok, conv = _converter(field.type)
            item = _list_item(field.type)
            if item is not None:
                item_ok, item_conv = _converter(item)
                ok |= {list}
                self.items[field.name] = None if item_conv is _anything else item_ok
            self.fast[field.name] = ok
            self.convs[field.name] = conv
            self.names[field.name] = field.name
            self.names.setdefault(field.encode_name, field.name)


def _list_item(tp: Any) -> Any:
    """The item type of ``list[X]`` or ``list[X] | None``; ``None`` for any other type."""
    origin = get_origin(tp)
    if origin is Union or origin is pytypes.UnionType:
        members = [m for m in get_args(tp) if m is not _NONE_TYPE]
        if len(members) != 1:
            return None
        tp = members[0]
        origin = get_origin(tp)
    if origin is list:
        args = get_args(tp)
        return args[0] if args else Any
    return None


_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


class WireMeta(msgspec.StructMeta):
    """The metaclass of every wire struct: construction converts and checks the keywords."""

    def __call__(cls, /, **kwargs: Any) -> Any:
        if kwargs:
            plan = _PLANS.get(cls)
            if plan is None:
                plan = _plan(cls)
            fast = plan.fast
            for name, value in kwargs.items():
                ok = fast.get(name)
                if ok is not None and type(value) in ok:
                    if type(value) is not list:
                        continue
                    items = plan.items[name]
                    if items is None or items.issuperset(map(type, value)):
                        continue
                conv = plan.convs.get(name)
                if conv is None:  # a camelCase or unknown keyword
                    return _construct(cls, **_renamed(plan, kwargs))
                try:
                    new = conv(value)
                except _Bad as bad:
                    bad.segments.append(f".{name}")
                    raise _error(bad, cls) from None
                if new is not value:
                    kwargs[name] = new  # same keys: safe while iterating
        return _construct(cls, **kwargs)


# ---- entry points for the model methods -----------------------------------------------------


def _renamed(plan: _Plan, given: Mapping[Any, Any]) -> dict[str, Any]:
    """``given`` with field names for keys and converted values; raises InvalidRequestError."""
    try:
        return _fields_of(plan, given)
    except _Bad as bad:
        raise _error(bad, plan.cls) from None


def convert_fields(cls: type[Any], given: Mapping[Any, Any]) -> dict[str, Any]:
    """``given`` (snake_case or camelCase keys) as field names to converted values of ``cls``.

    Raises:
        InvalidRequestError: A key that is no field (the nearest is suggested), a key given
            twice, or a value that does not fit; ``path`` names the field.
    """
    return _renamed(_plan(cls), given)


def from_data(cls: type[Any], data: Any, *, skip_unknown_none: bool = False) -> Any:
    """``data`` (a dict, a ``cls``, another wire struct or a pydantic model) as a ``cls``.

    Args:
        cls: A wire struct type.
        data: What to read.
        skip_unknown_none: At every depth, leave out a key that is no field when its value
            is ``None`` (google-genai's full dumps list fields these types lack).

    Raises:
        InvalidRequestError: ``data`` is none of those, or does not fit ``cls`` (see
            :func:`convert_fields`).
    """
    if isinstance(data, cls):
        return data
    mapping = _as_mapping(data)
    if mapping is None:
        raise _error(_Bad(f"expected {cls.__name__} or a dict, got {_show(data)}"), cls)
    token = _SKIP_UNKNOWN_NONE.set(skip_unknown_none)
    try:
        return _construct(cls, **_renamed(_plan(cls), mapping))
    finally:
        _SKIP_UNKNOWN_NONE.reset(token)


# Read only when a key is no field: model_validate takes google-genai's full dumps.
# The bytes type that encodes as URL-safe base64, and the base64 decoder (either alphabet):
# ``_base`` defines both and registers them with use_base64 (it imports this module, so this
# module does not import it back).
_BASE64: list[Any] = [bytes, base64.b64decode]


def use_base64(kind: type[bytes], decode: Callable[[str], bytes]) -> None:
    """Register the bytes type of base64 fields and its decoder (called once by ``_base``)."""
    _BASE64[:] = [kind, decode]


_SKIP_UNKNOWN_NONE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "skip_unknown_none", default=False
)


def _fields_of(plan: _Plan, given: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    names = plan.names
    fast = plan.fast
    convs = plan.convs
    for key, value in given.items():
        name = names.get(key) if isinstance(key, str) else None
        if name is None:
            if value is None and _SKIP_UNKNOWN_NONE.get():
                continue
            raise _Bad(_unknown(key, plan), f".{key}")
        if name in out:
            raise _Bad("field given twice (snake_case and camelCase)", f".{name}")
        if type(value) not in fast[name] or type(value) is list:
            try:
                value = convs[name](value)
            except _Bad as bad:
                bad.segments.append(f".{name}")
                raise
        out[name] = value
    return out


def _unknown(key: object, plan: _Plan) -> str:
    fields = list(plan.fast)
    message = f"unknown field for {plan.cls.__name__}"
    close = difflib.get_close_matches(str(key), fields, n=1)
    return f"{message}; did you mean {close[0]!r}?" if close else message


def _error(bad: _Bad, cls: type[Any]) -> Exception:
    from ..errors import InvalidRequestError

    path = "".join(reversed(bad.segments)).removeprefix(".")
    return InvalidRequestError(path, f"{bad.reason} (building {cls.__name__})")


def _show(value: Any) -> str:
    if value is None:
        return "None"
    return f"{type(value).__name__} {reprlib.repr(value)}"


def _as_mapping(value: Any) -> Mapping[Any, Any] | None:
    """A dict as it is; another wire struct or a pydantic model as its set fields."""
    if isinstance(value, dict):
        return value
    if isinstance(value, msgspec.Struct):
        dump = getattr(value, "model_dump", None)
        if callable(dump):
            result: dict[str, Any] = dump(exclude_none=True)
            return result
        return None
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str | bytes | list | tuple) and hasattr(type(value), "model_fields"):
        dumped: dict[str, Any] = value.model_dump(exclude_none=True)
        return dumped
    return None


# ---- the flexible inputs ------------------------------------------------------------------------

# The struct types the flexible converters make, by name; each types module registers its own
# (this module imports none of them).
_FLEXIBLE_TYPES: dict[str, type[Any]] = {}

# Which struct a dict becomes, per kind of flexible field, in google-genai's union order.
_ONE_CONTENT = ("Content", "File", "Part")
_ONE_PART = ("File", "Part")


def flexible(kind: str) -> msgspec.Meta:
    """Metadata marking a flexible field (``Annotated[Any, flexible(kind)]``) whose dicts are
    typed at construction as google-genai types them.

    ``kind`` is ``"content"`` (google-genai's ``ContentUnion``: one content, or a list of
    parts), ``"contents"`` (``ContentListUnion``: one content or a list of them), ``"tool"``
    (an entry of ``tools``), ``"speech_config"`` or ``"batch_dest"`` (a batch's ``dest``: a
    ``BatchJobDestination`` or a URI). Encoding and decoding ignore it.
    """
    return msgspec.Meta(extra={"flexible": kind})


def register_flexible(*types: type[Any]) -> None:
    """Make ``types`` (by class name) the structs the flexible converters build."""
    for tp in types:
        _FLEXIBLE_TYPES[tp.__name__] = tp


def _first_fit(value: Mapping[Any, Any], names: tuple[str, ...]) -> Any:
    """``value`` as the first struct of ``names`` whose fields it fits.

    Raises:
        _Bad: It fits none: the error of the struct that knows most of its keys.
    """
    failures: list[tuple[int, _Bad]] = []
    for name in names:
        cls = _FLEXIBLE_TYPES.get(name)
        if cls is None:
            continue
        plan = _plan(cls)
        try:
            return _construct(cls, **_fields_of(plan, value))
        except _Bad as bad:
            known = sum(1 for key in value if key in plan.names)
            failures.append((known, bad))
    if not failures:
        return value
    best = max(failures, key=lambda pair: pair[0])[1]
    fits = " or ".join(names)
    best.reason = f"expected {fits} (or a dict of one): {best.reason}"
    raise best


def _one_part(value: Any) -> Any:
    if isinstance(value, dict):
        return _first_fit(value, _ONE_PART)
    return value


def _one_content(value: Any) -> Any:
    if isinstance(value, dict):
        return _first_fit(value, _ONE_CONTENT)
    if type(value) is list:
        return _each(value, _one_part)
    return value


def _each(values: list[Any], conv: Conv) -> list[Any]:
    out = []
    for index, element in enumerate(values):
        try:
            out.append(conv(element))
        except _Bad as bad:
            bad.segments.append(f"[{index}]")
            raise
    return out


def _content_conv(value: Any) -> Any:
    return _one_content(value)


def _contents_conv(value: Any) -> Any:
    if type(value) is list:
        return _each(value, _one_content)
    return _one_content(value)


def _single(name: str) -> Conv:
    def conv(value: Any) -> Any:
        if isinstance(value, dict):
            cls = _FLEXIBLE_TYPES.get(name)
            if cls is not None:
                return _construct(cls, **_fields_of(_plan(cls), value))
        return value

    return conv


_FLEXIBLE: dict[str, tuple[tuple[str, ...], Conv]] = {
    "content": (("str", *_ONE_CONTENT), _content_conv),
    "contents": (("str", "Content"), _contents_conv),
    "tool": (("Tool",), _single("Tool")),
    "speech_config": (("str", "SpeechConfig"), _single("SpeechConfig")),
    "batch_dest": (("str", "BatchJobDestination"), _single("BatchJobDestination")),
}


def _flexible_converter(kind: str) -> tuple[frozenset[type[Any]], Conv]:
    names, conv = _FLEXIBLE[kind]
    known: dict[str, type[Any]] = {"str": str, **_FLEXIBLE_TYPES}
    return frozenset(known[name] for name in names if name in known), conv


# ---- converters, one per declared type --------------------------------------------------------


def _converter(tp: Any) -> tuple[frozenset[type[Any]], Conv]:
    """(exact types kept as they are, converter for any other value) of a declared type."""
    origin = get_origin(tp)
    if tp is Any or tp is object:
        return frozenset(), _anything
    if origin is Annotated:
        base, *extras = get_args(tp)
        for extra in extras:
            meta = getattr(extra, "extra", None)
            if isinstance(meta, dict) and meta.get("flexible") in _FLEXIBLE:
                return _flexible_converter(meta["flexible"])
        ok, conv = _converter(base)
        for extra in extras:
            meta = getattr(extra, "extra", None)
            member_type = meta.get("enum") if isinstance(meta, dict) else None
            if isinstance(member_type, type):
                ok = ok | {member_type}  # its members are kept (they are str)
        return ok, conv
    if origin is Union or origin is pytypes.UnionType:
        return _union(get_args(tp))
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence):
        args = get_args(tp)
        item = args[0] if args else Any
        return frozenset(), _list_conv(item)
    if origin in (dict, collections.abc.Mapping):
        args = get_args(tp)
        key, value = args if len(args) == 2 else (Any, Any)
        return frozenset(), _dict_conv(key, value)
    if origin is Literal:
        return _literal(get_args(tp))
    if tp is None or tp is _NONE_TYPE:
        return frozenset({_NONE_TYPE}), _none_only
    if isinstance(tp, type):
        if issubclass(tp, msgspec.Struct):
            return frozenset({tp}), _struct_conv(tp)
        simple = _SIMPLE.get(tp)
        if simple is not None:
            return frozenset({tp}), simple
        if tp is _BASE64[0]:
            return frozenset({tp}), _to_base64_bytes
        if issubclass(tp, enum.Enum):
            return frozenset({tp}), _enum_conv(tp)
        return frozenset({tp}), _instance_conv(tp)
    return frozenset(), _anything  # a form no wire struct uses: taken as it is


def _anything(value: Any) -> Any:
    return value


def _none_only(value: Any) -> Any:
    if value is not None:
        raise _Bad(f"expected None, got {_show(value)}")
    return value


def _union(members: tuple[Any, ...]) -> tuple[frozenset[type[Any]], Conv]:
    pairs = [_converter(member) for member in members]
    ok: frozenset[type[Any]] = frozenset().union(*(pair[0] for pair in pairs))
    convs = [
        conv
        for member, (_, conv) in zip(members, pairs, strict=True)
        if member is not None and member is not _NONE_TYPE
    ]
    if any(conv is _anything for conv in convs):
        return ok, _anything
    if len(convs) == 1:
        return ok, convs[0]

    def conv(value: Any) -> Any:
        first: _Bad | None = None
        for each in convs:
            try:
                return each(value)
            except _Bad as bad:
                first = first or bad
        assert first is not None
        raise first

    return ok, conv


def _literal(values: tuple[Any, ...]) -> tuple[frozenset[type[Any]], Conv]:
    allowed = frozenset(values)

    def conv(value: Any) -> Any:
        if isinstance(value, enum.Enum):
            value = value.value
        if value in allowed:
            return value
        raise _Bad(f"expected one of {sorted(map(repr, allowed))}, got {_show(value)}")

    return frozenset(), conv


def _list_conv(item: Any) -> Conv:
    item_ok, item_conv = _converter(item)
    take_any = item_conv is _anything

    def conv(value: Any) -> Any:
        if type(value) is list:
            if take_any or item_ok.issuperset(map(type, value)):
                return value
        elif isinstance(value, str | bytes | bytearray | Mapping) or not isinstance(
            value, Iterable
        ):
            raise _Bad(f"expected a list, got {_show(value)}")
        else:
            value = list(value)
            if take_any:
                return value
        out = []
        for index, element in enumerate(value):
            if type(element) in item_ok:
                out.append(element)
                continue
            try:
                out.append(item_conv(element))
            except _Bad as bad:
                bad.segments.append(f"[{index}]")
                raise
        return out

    return conv


def _dict_conv(key: Any, item: Any) -> Conv:
    key_ok, key_conv = _converter(key)
    item_ok, item_conv = _converter(item)
    any_key = key_conv is _anything
    any_item = item_conv is _anything

    def conv(value: Any) -> Any:
        if type(value) is not dict:
            if not isinstance(value, Mapping):
                raise _Bad(f"expected a dict, got {_show(value)}")
            value = dict(value)
        elif (any_key or key_ok.issuperset(map(type, value))) and (
            any_item or item_ok.issuperset(map(type, value.values()))
        ):
            return value
        out = {}
        for name, element in value.items():
            try:
                if not any_key and type(name) not in key_ok:
                    try:
                        name = key_conv(name)
                    except _Bad as bad:
                        bad.reason = f"key: {bad.reason}"
                        raise
                if not any_item and type(element) not in item_ok:
                    element = item_conv(element)
            except _Bad as bad:
                bad.segments.append(f"[{name!r}]")
                raise
            out[name] = element
        return out

    return conv


def _struct_conv(cls: type[Any]) -> Conv:
    def conv(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        mapping = _as_mapping(value)
        if mapping is None:
            raise _Bad(f"expected {cls.__name__} or a dict, got {_show(value)}")
        return _construct(cls, **_fields_of(_plan(cls), mapping))

    return conv


def _enum_conv(tp: type[enum.Enum]) -> Conv:
    members = tp._value2member_map_  # a value as given: one look-up, no Enum call

    def conv(value: Any) -> Any:
        try:
            member = members.get(value)
        except TypeError:  # unhashable
            member = None
        if member is not None:
            return member
        try:
            return tp(value)
        except ValueError:
            raise _Bad(f"expected a {tp.__name__} value, got {_show(value)}") from None

    return conv


def _instance_conv(tp: type[Any]) -> Conv:
    def conv(value: Any) -> Any:
        if isinstance(value, tp):
            return value
        raise _Bad(f"expected {tp.__name__}, got {_show(value)}")

    return conv


def _text(value: bytes | bytearray) -> str:
    try:
        return bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad("expected a string, got bytes that are not UTF-8") from None


def _to_str(value: Any) -> Any:
    if isinstance(value, str):
        if isinstance(value, enum.Enum):
            return value.value if isinstance(value.value, str) else str(value)
        return str(value)
    if isinstance(value, bytes | bytearray):
        return _text(value)
    raise _Bad(f"expected a string, got {_show(value)}")


_INT_TEXT = re.compile(r"\s*[+-]?[0-9](?:_?[0-9])*(?:\.0+)?\s*")


def _to_int(value: Any) -> Any:
    if isinstance(value, int):  # bool, IntEnum, other int subclasses
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise _Bad(f"expected an integer, got {_show(value)}")
    if isinstance(value, bytes | bytearray):
        value = _text(value)
    if isinstance(value, str):
        if _INT_TEXT.fullmatch(value):
            return int(value.strip().partition(".")[0])
        raise _Bad(f"expected an integer, got {_show(value)}")
    raise _Bad(f"expected an integer, got {_show(value)}")


def _to_float(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, enum.Enum):
        try:
            return float(value)
        except OverflowError:
            raise _Bad("expected a number, got an int too large for a float") from None
    if isinstance(value, bytes | bytearray):
        value = _text(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise _Bad(f"expected a number, got {_show(value)}") from None
    raise _Bad(f"expected a number, got {_show(value)}")


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _to_bool(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        value = _text(value)
    if isinstance(value, str):
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    elif isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    raise _Bad(f"expected a boolean, got {_show(value)}")


def _to_datetime(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, bytes | bytearray):
        value = _text(value)
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            pass
        try:
            value = float(value)
        except ValueError:
            raise _Bad(f"expected an ISO 8601 datetime, got {_show(value)}") from None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 2e10 else value  # milliseconds, as pydantic
        try:
            return datetime.datetime.fromtimestamp(seconds, datetime.UTC)
        except (OverflowError, OSError, ValueError):
            raise _Bad(f"expected a datetime, got {_show(value)} (out of range)") from None
    raise _Bad(f"expected a datetime, got {_show(value)}")


def _to_bytes(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return _from_base64(value)
    raise _Bad(f"expected bytes, got {_show(value)}")


def _to_base64_bytes(value: Any) -> Any:
    Base64Bytes = _BASE64[0]
    if isinstance(value, bytes | bytearray | memoryview):
        return Base64Bytes(value)
    if isinstance(value, str):
        return Base64Bytes(_from_base64(value))
    raise _Bad(f"expected bytes or base64 text, got {_show(value)}")


def _from_base64(text: str) -> bytes:
    try:
        decoded: bytes = _BASE64[1](text)
    except (ValueError, binascii.Error):
        raise _Bad(f"expected bytes or base64 text, got str {reprlib.repr(text)}") from None
    return decoded


_SIMPLE: dict[type[Any], Conv] = {
    str: _to_str,
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    datetime.datetime: _to_datetime,
    bytes: _to_bytes,
}
