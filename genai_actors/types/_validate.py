"""Request-side validation of wire structs: its rules and its one engine.

Rules, the same for every request builder:

- A dict given where a struct belongs may use snake_case or camelCase keys; a key that is no
  field of the struct raises, naming the field path and the nearest field name.
- An enum-valued field (``Annotated[str, enum_of(E)]``, not ``echoed``) takes a member of
  ``E`` or its value in any letter case (google-genai looks members up by upper- and lower-case
  name) and is sent canonical; another value raises, naming the field, the nearest value and
  the allowed ones. A typed struct is then copied, never modified.
- Values have their declared types (msgspec's message, naming the field).
- Free-form values (``dict[str, Any]``: function args and responses) are left as they are; a
  typed struct found in a bare ``Any`` field (``config.tools``, a JSON schema) is checked too.

The engine: a plan compiled once per struct type from ``msgspec.inspect``, read by one
walker that renames dict keys, converts dicts where structs belong, makes enum values
canonical and names the first bad field (assembling the path while the error unwinds). Its
accelerator is the *strict twin* of a type, built once per type: the same fields with enum
fields typed ``Literal[...]`` (and, for one backend, the fields it lacks typed ``None``), so
that one ``msgspec.convert`` in C checks a whole value; the walker then runs only when that
check fails, to repair or to explain. Responses never go through this module.
"""

from __future__ import annotations

import datetime
import difflib
import operator
import re
import sys
import threading
import types as pytypes
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Literal, TypeVar, Union

import msgspec
import msgspec.inspect as mi

from ..errors import InvalidRequestError
from ._base import Base64Bytes, dec_hook, encode_json, to_builtins

__all__: list[str] = []  # package-private: imported by name from genai_actors.types._validate

_T = TypeVar("_T")
Gates = Mapping[type[Any], frozenset[str]]

# --- enum values ---------------------------------------------------------------------------------


class EnumRule:
    """The allowed values of one enum-valued field, with their case-folded spellings."""

    __slots__ = ("enum", "folded", "values")

    def __init__(self, enum: type[StrEnum]) -> None:
        self.enum = enum
        self.values: frozenset[str] = frozenset(member.value for member in enum)
        self.folded: dict[str, str] = {}
        for member in enum:
            self.folded.setdefault(member.value.upper(), member.value)
            self.folded.setdefault(member.name.upper(), member.value)

    def check(self, value: Any, path: str) -> Any:
        """Return ``value`` in its canonical form (``value`` itself when it already is).

        Raises:
            InvalidRequestError: ``value`` is not a string, or not one of the enum's values.
        """
        if not isinstance(value, str):
            raise InvalidRequestError(
                path,
                f"expected a {self.enum.__name__} value (a string), got {type(value).__name__}",
            )
        if value in self.values:
            return value
        canonical = self.folded.get(value.upper())
        if canonical is not None:
            return canonical
        raise InvalidRequestError(path, self.message(value))

    def message(self, value: str) -> str:
        """The error text for an unknown ``value``: the nearest value, then all of them."""
        text = f"{value!r} is not a valid {self.enum.__name__}"
        nearest = self.nearest(value)
        if nearest is not None:
            text += f"; did you mean {nearest!r}?"
        return f"{text} (allowed: {', '.join(sorted(self.values))})"

    def nearest(self, value: str) -> str | None:
        """The allowed value ``value`` most likely meant, if one is close enough."""
        upper = value.upper()
        candidates = sorted(v for v in self.values if not v.endswith("UNSPECIFIED"))
        # A short form of one value only (LOW for MEDIA_RESOLUTION_LOW).
        containing = [v for v in candidates if upper and f"_{upper}" in f"_{v.upper()}"]
        if len(containing) == 1:
            return containing[0]
        close = difflib.get_close_matches(upper, [v.upper() for v in candidates], 1, 0.4)
        return self.folded[close[0]] if close else None


_RULES: dict[type[StrEnum], EnumRule] = {}


def _mark(extra: Any) -> tuple[type[StrEnum], bool] | None:
    if not extra or extra.get("enum") is None:
        return None
    return extra["enum"], bool(extra.get("echoed", False))


def enum_mark(info: mi.Type) -> tuple[type[StrEnum], bool] | None:
    """``(enum, echoed)`` of a field type marked with ``enum_of`` (optionally ``| None``)."""
    if isinstance(info, mi.Metadata):
        return _mark(info.extra)
    if isinstance(info, mi.UnionType):
        for member in info.types:
            if isinstance(member, mi.Metadata):
                found = _mark(member.extra)
                if found is not None:
                    return found
    return None


def enum_rule(info: mi.Type) -> EnumRule | None:
    """The rule of a field type marked with ``enum_of`` and not echoed, else ``None``."""
    mark = enum_mark(info)
    if mark is None or mark[1]:
        return None
    rule = _RULES.get(mark[0])
    if rule is None:
        rule = _RULES[mark[0]] = EnumRule(mark[0])
    return rule


# --- compiled plans ------------------------------------------------------------------------------

# Walk modes. DICT / DICT_CHECKED: a user's dict (keys renamed, enum values checked or not)
# becomes builtins. TYPED: a typed struct keeps its form; only what can reach an enum value is
# read. WIRE: a request body about to be encoded; dicts anywhere a struct belongs become
# structs and typed structs found in bare ``Any`` fields become builtins.
DICT, DICT_CHECKED, TYPED, WIRE = range(4)
_LISTS = (mi.ListType, mi.SetType, mi.FrozenSetType, mi.VarTupleType)


class _Bad(Exception):
    """An invalid value deep in a value; the path is assembled while unwinding."""

    def __init__(self, reason: str, segment: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.segments = [segment] if segment else []


def _reaches_enum(info: mi.Type, seen: set[type[Any]], *, any_ok: bool) -> bool:
    if isinstance(info, mi.AnyType):
        return any_ok  # a typed value may sit there (config.tools, system_instruction)
    if isinstance(info, mi.Metadata):
        return enum_rule(info) is not None or _reaches_enum(info.type, seen, any_ok=any_ok)
    if isinstance(info, mi.StructType):
        if info.cls in seen:
            return False
        seen.add(info.cls)
        return any(_reaches_enum(f.type, seen, any_ok=True) for f in info.fields)
    if isinstance(info, mi.UnionType):
        return any(_reaches_enum(t, seen, any_ok=any_ok) for t in info.types)
    if isinstance(info, _LISTS):
        return _reaches_enum(info.item_type, seen, any_ok=any_ok)
    if isinstance(info, mi.DictType):
        return _reaches_enum(info.value_type, seen, any_ok=False)  # free-form maps
    return False


class _Node:
    """How the walker treats the values of one declared type (a field, item or map value)."""

    __slots__ = ("item", "needs", "pure_enum", "rule", "struct", "untyped", "value")

    def __init__(self, info: mi.Type, *, free: bool = False) -> None:
        self.rule: EnumRule | None = None
        self.struct: type[Any] | None = None
        self.item: _Node | None = None
        self.value: _Node | None = None
        self.untyped = False
        self._add(info, free)
        self.pure_enum = self._pure_enum()
        # Whether a value of this type is visited in each mode.
        self.needs = (
            self._holds_struct(),
            self._holds_struct() or self._holds_rule(),
            _reaches_enum(info, set(), any_ok=not free),
            self._holds_struct() or self._holds_rule() or self._holds_untyped(),
        )

    def _add(self, info: mi.Type, free: bool) -> None:
        if isinstance(info, mi.UnionType):
            for member in info.types:
                self._add(member, free)
        elif isinstance(info, mi.Metadata):
            rule = enum_rule(info)
            if rule is not None:
                self.rule = rule
            else:
                self._add(info.type, free)
        elif isinstance(info, mi.StructType):
            self.struct = info.cls
        elif isinstance(info, _LISTS):
            self.item = _Node(info.item_type, free=free)
        elif isinstance(info, mi.DictType):
            self.value = _Node(info.value_type, free=True)
        elif isinstance(info, mi.AnyType) and not free:
            self.untyped = True
            self.item = self  # a list in an Any field is walked like the field

    def _pure_enum(self) -> bool:
        # Only an enum value fits (not a struct or a list): a non-string raises.
        return self.rule is not None and self.struct is None and self.item is None

    def _holds_struct(self) -> bool:
        return (
            self.struct is not None
            or (self.item is not None and self.item is not self and self.item.needs[DICT])
            or (self.value is not None and self.value.needs[DICT])
        )

    def _holds_rule(self) -> bool:
        return (
            self.rule is not None
            or (self.item is not None and self.item is not self and self.item.needs[DICT_CHECKED])
            or (self.value is not None and self.value.needs[DICT_CHECKED])
        )

    def _holds_untyped(self) -> bool:
        return (
            self.untyped
            or (self.item is not None and self.item is not self and self.item.needs[WIRE])
            or (self.value is not None and self.value.needs[WIRE])
        )


class _Plan:
    """One struct type: accepted dict keys, and the fields each walk mode visits."""

    __slots__ = ("by_key", "cls", "names", "python_names", "reads", "untyped", "wire_only")

    def __init__(self, cls: type[Any]) -> None:
        info = _type_info(cls)
        assert isinstance(info, mi.StructType)
        self.cls = cls
        self.by_key: dict[str, tuple[str, _Node]] = {}
        self.names: list[str] = []
        self.python_names: dict[str, str] = {}  # wire name -> Python name
        nodes = []
        for field in info.fields:
            node = _Node(field.type)
            self.by_key[field.name] = self.by_key[field.encode_name] = (field.encode_name, node)
            self.names.append(field.name)
            self.python_names[field.encode_name] = field.name
            nodes.append((field.name, node))
        self.wire_only = frozenset(w for w, p in self.python_names.items() if w != p)
        # Its bare Any fields (config.system_instruction, ...), read in one C call.
        untyped = [name for name, node in nodes if node.untyped]
        self.untyped = operator.attrgetter(*untyped, *untyped[:1]) if untyped else None
        # Per typed mode: (read the visited fields in one C call, their names and nodes).
        self.reads: dict[int, tuple[Callable[[Any], tuple[Any, ...]], tuple[Any, ...]] | None]
        self.reads = {}
        for mode in (TYPED, WIRE):
            steps = tuple((name, node) for name, node in nodes if node.needs[mode])
            if not steps:
                self.reads[mode] = None
                continue
            names = [name for name, _ in steps]
            # attrgetter of one name returns the value, of several a tuple: ask for the first
            # name twice so that the result is always a tuple.
            getter = operator.attrgetter(*(names * 2 if len(names) == 1 else names))
            self.reads[mode] = (getter, steps)


_INFOS: dict[Any, mi.Type] = {}


def _type_info(tp: Any) -> mi.Type:
    info = _INFOS.get(tp)
    if info is None:
        info = _INFOS[tp] = mi.type_info(tp)
    return info


_PLANS: dict[type[Any], _Plan] = {}


def _plan(cls: type[Any]) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


_ROOTS: dict[Any, _Node] = {}


def _root(tp: Any) -> _Node:
    node = _ROOTS.get(tp)
    if node is None:
        node = _ROOTS[tp] = _Node(_type_info(tp))
    return node


# --- the walker ----------------------------------------------------------------------------------


def _walk(value: Any, node: _Node, mode: int) -> Any:
    """``value`` as ``mode`` wants it; raises :class:`_Bad` for an invalid value."""
    if isinstance(value, str):
        if node.rule is None or mode == DICT:
            return value
        return _check_enum(node.rule, value)
    if isinstance(value, msgspec.Struct):
        if mode <= DICT_CHECKED:
            return to_builtins(_checked(value) if mode == DICT_CHECKED else value)
        checked = _struct(value, mode)
        return to_builtins(checked) if mode == WIRE and node.untyped else checked
    if isinstance(value, dict):
        if node.struct is not None:
            if mode <= DICT_CHECKED:
                return _dict(value, _plan(node.struct), mode)
            return _dict_to_struct(value, node.struct)
        if node.value is not None and node.value.needs[mode]:
            return _values(value, node.value, mode)
        return value
    if isinstance(value, (list, tuple)):
        item = node.item
        if item is not None and item.needs[mode]:
            return _items(value, item, mode)
        return list(value) if mode <= DICT_CHECKED and isinstance(value, tuple) else value
    if mode >= TYPED and node.pure_enum and node.rule is not None:
        _check_enum(node.rule, value)  # raises: not a string
    return value


def _check_enum(rule: EnumRule, value: Any) -> Any:
    try:
        return rule.check(value, "")
    except InvalidRequestError as exc:
        raise _Bad(exc.reason) from None


def _struct(value: Any, mode: int) -> Any:
    reads = _plan(value.__class__).reads[mode]
    if reads is None:
        return value
    getter, steps = reads
    items = getter(value)
    if items.count(None) >= len(steps):  # nothing set: the common case, decided in C
        return value
    changes: dict[str, Any] | None = None
    for (name, node), item in zip(steps, items, strict=False):
        if item is None:
            continue
        try:
            new = _walk(item, node, mode)
        except _Bad as bad:
            bad.segments.append(f".{name}")
            raise
        if new is not item:
            if changes is None:
                changes = {}
            changes[name] = new
    return msgspec.structs.replace(value, **changes) if changes else value


def _dict(value: dict[Any, Any], plan: _Plan, mode: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    table = plan.by_key
    for key, item in value.items():
        entry = table.get(key) if isinstance(key, str) else None
        if entry is None:
            raise _Bad(_unknown_field_message(key, plan), f".{key}")
        wire_key, node = entry
        if wire_key in out:
            raise _Bad("field given twice", f".{key}")
        if item is not None:
            try:
                out[wire_key] = _walk(item, node, mode)
            except _Bad as bad:
                bad.segments.append(f".{key}")
                raise
    return out


def _dict_to_struct(value: dict[Any, Any], cls: type[Any]) -> Any:
    # A dict where a struct belongs in a typed value: it becomes that struct.
    data = _dict(value, _plan(cls), DICT_CHECKED)
    try:
        return msgspec.convert(data, cls, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        error = _from_validation(exc, "", cls)
        raise _Bad(error.reason, f".{error.path}" if error.path else "") from None


def _items(values: list[Any] | tuple[Any, ...], node: _Node, mode: int) -> Any:
    replaced: list[Any] | None = list(values) if mode <= DICT_CHECKED else None
    for index, item in enumerate(values):
        try:
            new = _walk(item, node, mode)
        except _Bad as bad:
            bad.segments.append(f"[{index}]")
            raise
        if new is not item:
            if replaced is None:
                replaced = list(values)
            replaced[index] = new
    return replaced if replaced is not None else values


def _values(mapping: dict[Any, Any], node: _Node, mode: int) -> Any:
    replaced: dict[Any, Any] | None = dict(mapping) if mode <= DICT_CHECKED else None
    for key, item in mapping.items():
        try:
            new = _walk(item, node, mode)
        except _Bad as bad:
            bad.segments.append(f"[{key!r}]")
            raise
        if new is not item:
            if replaced is None:
                replaced = dict(mapping)
            replaced[key] = new
    return replaced if replaced is not None else mapping


def _unknown_field_message(key: object, plan: _Plan) -> str:
    names = plan.names
    message = f"unknown field for {plan.cls.__name__}"
    close = difflib.get_close_matches(str(key), names, n=1)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    if len(names) <= 12:
        return f"{message} (known fields: {', '.join(names)})"
    return message


def _error(bad: _Bad, path: str) -> InvalidRequestError:
    where = "".join(reversed(bad.segments))
    if not path:
        where = where.removeprefix(".")
    return InvalidRequestError(f"{path}{where}" or "request", bad.reason)


_CAMEL_SEGMENT = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def wire_path_to_python(path: str) -> str:
    """Turn a msgspec error path (``$.generationConfig.topK``) into ``generation_config.top_k``."""
    path = path.removeprefix("$").removeprefix(".")
    return _CAMEL_SEGMENT.sub(lambda m: re.sub(r"(?<!^)([A-Z])", r"_\1", m.group()).lower(), path)


_SEGMENTS = re.compile(r"\.([^.\[]+)|\[([^\]]*)\]")


def _python_path(tp: Any, where: str) -> str:
    """A msgspec error path over the wire form of ``tp`` with the Python field names."""
    node: _Node | None = _root(tp)
    out: list[str] = []
    for match in _SEGMENTS.finditer(where.removeprefix("$")):
        name, index = match.groups()
        if index is not None:
            out.append(f"[{index}]")
            if node is not None:
                node = node.item if index.isdigit() and node.item is not None else node.value
            continue
        plan = _plan(node.struct) if node is not None and node.struct is not None else None
        entry = plan.by_key.get(name) if plan is not None else None
        if plan is None or entry is None:
            out.append(f".{wire_path_to_python(name)}")
            node = None
            continue
        out.append(f".{plan.python_names[entry[0]]}")
        node = entry[1]
    return "".join(out).removeprefix(".")


def _from_validation(
    exc: msgspec.ValidationError, prefix: str, tp: Any = None
) -> InvalidRequestError:
    message, _, where = str(exc).partition(" - at `")
    where = where.rstrip("`")
    path = wire_path_to_python(where) if tp is None else _python_path(tp, where)
    if prefix:
        path = f"{prefix}.{path}" if path and not path.startswith("[") else f"{prefix}{path}"
    return InvalidRequestError(path or prefix or "request", message)


# --- strict twins: the whole check in C ----------------------------------------------------------

_TWIN_MODULE = pytypes.ModuleType(f"{__name__}_twins")
_TWIN_MODULE.__dict__.update({"Any": Any, "Literal": Literal, "Union": Union})
sys.modules[_TWIN_MODULE.__name__] = _TWIN_MODULE
_TWINS: dict[tuple[type[Any], bool, int, bool, bool], tuple[type[Any], Gates | None]] = {}
_TWIN_LOCK = threading.Lock()
# What a bare ``Any`` field may hold in a twin: JSON values, not a typed struct (that fails the
# check, so the walker checks it) nor any other object.
_JSON = Union[None, bool, int, float, str, list[Any], dict[str, Any]]  # noqa: UP007
_SIMPLE: dict[type[mi.Type], Any] = {
    mi.StrType: str,
    mi.IntType: int,
    mi.FloatType: float,
    mi.BoolType: bool,
    mi.NoneType: None,
    mi.DateTimeType: datetime.datetime,
}


class _TwinBuilder:
    def __init__(self, typed: bool, gates: Gates | None, wire_names: bool) -> None:
        self.typed = typed
        self.gates = gates
        self.wire_names = wire_names
        kind = "t" if typed else "w" if wire_names else "d"
        self.tag = f"{kind}{id(gates) if gates is not None else 0:x}"
        self.pending: list[tuple[type[Any], bool]] = []

    def name(self, cls: type[Any], root: bool) -> str:
        return f"_{cls.__name__}_{id(cls):x}_{self.tag}{'_root' if root else ''}"

    def annotation(self, info: mi.Type, *, bare: bool, root: bool) -> Any:
        if isinstance(info, mi.StructType):
            self.pending.append((info.cls, False))
            return self.name(info.cls, False)
        if isinstance(info, mi.Metadata):
            rule = enum_rule(info)
            if rule is not None:
                return Literal[tuple(sorted(rule.values))]
            return self.annotation(info.type, bare=bare, root=root)
        if isinstance(info, mi.UnionType):
            members = tuple(self.annotation(t, bare=bare, root=root) for t in info.types)
            return Union[members]  # noqa: UP007
        if isinstance(info, _LISTS):
            return list[self.annotation(info.item_type, bare=bare, root=root)]  # type: ignore[misc]
        if isinstance(info, mi.DictType):
            key = self.annotation(info.key_type, bare=False, root=False)
            return dict[key, self.annotation(info.value_type, bare=False, root=False)]  # type: ignore[misc,valid-type]
        if isinstance(info, mi.LiteralType):
            return Literal[tuple(info.values)]
        if isinstance(info, mi.AnyType):
            # The root's own Any fields are the flexible inputs a builder transforms
            # (config.tools may hold functions); the walker checks what is typed in them.
            return _JSON if bare and not root else Any
        if isinstance(info, mi.CustomType) and info.cls is Base64Bytes:
            return Base64Bytes
        return _SIMPLE.get(type(info), Any)

    def define(self, cls: type[Any], root: bool) -> None:
        name = self.name(cls, root)
        if name in _TWIN_MODULE.__dict__:
            return
        info = _type_info(cls)
        assert isinstance(info, mi.StructType)
        gated = self.gates.get(cls, frozenset()) if self.gates is not None else frozenset()
        fields = [
            (
                field.name,
                None if field.name in gated else self.annotation(field.type, bare=True, root=root),
                msgspec.field(default=None, name=field.encode_name if self.wire_names else None),
            )
            for field in info.fields
        ]
        twin = msgspec.defstruct(
            name,
            fields,
            kw_only=True,
            array_like=self.typed,
            forbid_unknown_fields=not self.typed,
            gc=False,  # never in a cycle: cheaper to create and drop
            module=_TWIN_MODULE.__name__,
        )
        _TWIN_MODULE.__dict__[name] = twin


def _twin(
    cls: type[Any],
    *,
    typed: bool,
    gates: Gates | None = None,
    root: bool = False,
    wire_names: bool = False,
) -> Any:
    """The strict twin of struct type ``cls`` (built once, then cached).

    A *typed* twin checks a typed value by its attributes (``from_attributes``); a dict where a
    struct belongs fails it. Otherwise the twin checks a dict with the Python field names (or,
    with ``wire_names``, the camelCase ones), and no other key.
    """
    key = (cls, typed, id(gates), root, wire_names)
    found = _TWINS.get(key)
    if found is not None:
        return found[0]
    with _TWIN_LOCK:
        found = _TWINS.get(key)
        if found is None:
            builder = _TwinBuilder(typed, gates, wire_names)
            builder.define(cls, root)
            while builder.pending:
                builder.define(*builder.pending.pop())
            twin = _TWIN_MODULE.__dict__[builder.name(cls, root)]
            found = _TWINS[key] = (twin, gates)  # keeps ``gates`` alive, so its id stays unique
    return found[0]


_EMPTY = Base64Bytes(b"")


def _validation_hook(tp: type[Any], obj: Any) -> Any:
    # Checking only: accept bytes or base64 text without decoding or copying them.
    if tp is Base64Bytes and isinstance(obj, (str, bytes, bytearray, memoryview)):
        return _EMPTY
    return dec_hook(tp, obj)


_DECODERS: dict[tuple[type[Any], int], msgspec.json.Decoder[Any]] = {}


def wire_check(
    body: msgspec.Struct, gates: Gates | None = None
) -> tuple[bytes, msgspec.ValidationError | None]:
    """A request body encoded once, and the result of checking those bytes in C, once.

    The check decodes the bytes into the body's strict twin: value types, enum values, keys
    (a dict where a struct belongs must use the wire names) and, with ``gates``, fields set
    that the backend lacks (``gates`` maps a struct type to the names of those fields).

    Returns:
        The JSON bytes, and ``None`` when they pass or else msgspec's error (for
        :func:`validation_error`).

    Raises:
        TypeError: The body holds a value with no JSON form.
    """
    data = encode_json(body)
    key = (body.__class__, id(gates))
    decoder = _DECODERS.get(key)
    if decoder is None:
        twin = _twin(body.__class__, typed=False, gates=gates, wire_names=True)
        decoder = _DECODERS[key] = msgspec.json.Decoder(twin, dec_hook=_validation_hook)
    try:
        decoder.decode(data)
    except msgspec.ValidationError as exc:
        return data, exc
    return data, None


def validation_error(
    exc: msgspec.ValidationError, tp: type[Any], path: str = ""
) -> InvalidRequestError:
    """The :class:`InvalidRequestError` for an error of :func:`wire_check` on a ``tp``."""
    return _from_validation(exc, path, tp)


# --- the entry points ----------------------------------------------------------------------------


def field_keys(tp: Any) -> frozenset[str]:
    """Every key (snake_case and camelCase) a dict may use for the struct type ``tp``."""
    return frozenset(_plan(tp).by_key)


def check_struct(value: _T, path: str = "") -> _T:
    """Check the enum-valued fields of a typed struct, at any depth.

    Dicts found where a struct belongs (on the way to an enum-valued field) become structs.

    Args:
        value: A wire struct (e.g. a :class:`~genai_actors.types.GenerateContentConfig`).
        path: The field path of ``value``, used in error messages.

    Returns:
        ``value`` itself, or a copy (copying only the changed branches) in which values
        given in another letter case are replaced by their canonical spelling.

    Raises:
        InvalidRequestError: An enum-valued field holds an unknown value or a non-string.
    """
    try:
        result: _T = _checked(value)
    except _Bad as bad:
        raise _error(bad, path) from None
    return result


def _checked(value: Any) -> Any:
    return value if _passes(value) else _struct(value, TYPED)


def _untyped_items(node: _Node, item: Any) -> tuple[Any, ...] | list[Any]:
    # The values held by a bare Any field (or a list of Any) that may be typed structs.
    if node.untyped or (node.item is not None and node.item.untyped):
        return item if isinstance(item, (list, tuple)) else (item,)
    return ()


def _passes(value: Any) -> bool:
    # The fast path of check_struct: its twin passes, and so do the typed values in its own
    # Any fields (checked the same way, one by one).
    cls = value.__class__
    try:
        msgspec.convert(
            value,
            _twin(cls, typed=True, root=True),
            from_attributes=True,
            dec_hook=_validation_hook,
        )
    except msgspec.ValidationError:
        return False
    reads = _plan(cls).reads[TYPED]
    if reads is None:
        return True
    for (_, node), item in zip(reads[1], reads[0](value), strict=False):
        if item is not None:
            for inner in _untyped_items(node, item):
                if isinstance(inner, msgspec.Struct) and not _passes(inner):
                    return False
    return True


def _holds_struct(staged: Any, tp: type[Any]) -> bool:
    # ``staged`` (a twin of ``tp``, same attribute names) holds a typed struct in an Any field.
    read = _plan(tp).untyped
    return read is not None and any(isinstance(item, msgspec.Struct) for item in read(staged))


def repair(body: _T, path: str = "") -> _T:
    """A request body ready to encode: dicts become structs, enum values canonical.

    Typed structs found in bare ``Any`` fields are checked and become builtins.

    Raises:
        InvalidRequestError: An unknown key, an unknown enum value, or a dict whose values
            do not fit its struct.
    """
    try:
        result: _T = _struct(body, WIRE)
    except _Bad as bad:
        raise _error(bad, path) from None
    return result


def normalize_keys(value: Any, tp: Any, path: str = "", *, check_enums: bool = True) -> Any:
    """Return ``value`` as builtins with struct keys renamed to their camelCase wire names.

    Enum values (in dicts and typed structs) are checked and made canonical unless
    ``check_enums`` is off; value types are not checked.

    Args:
        value: A struct, a dict (snake_case or camelCase keys), or a list of them.
        tp: The type ``value`` must fit, e.g. ``types.GenerateContentConfig``.
        path: The field path of ``value``, used in error messages.
        check_enums: Check enum values.

    Raises:
        InvalidRequestError: A dict has a key that is not a field of its struct type, or an
            enum-valued field holds an unknown value.
    """
    if isinstance(value, msgspec.Struct):
        return to_builtins(check_struct(value, path) if check_enums else value)
    try:
        return _walk(value, _root(tp), DICT_CHECKED if check_enums else DICT)
    except _Bad as bad:
        raise _error(bad, path) from None


def coerce(value: Any, tp: type[_T], path: str, *, check_enums: bool = True) -> _T:
    """Coerce ``value`` (an instance of ``tp`` or a dict) into ``tp``, validating types.

    A ``tp`` instance has its enum values checked and is returned as it is (or a copy with
    canonical enum values; its field types are checked when a request is built from it); a
    dict is key-normalised, checked and converted.

    Args:
        value: A ``tp`` instance or a dict with snake_case or camelCase keys.
        tp: The target struct type.
        path: The field path of ``value``, used in error messages.
        check_enums: Check enum values (a builder that checks its whole body turns it off).

    Raises:
        InvalidRequestError: Unknown key, wrong value type, unknown enum value, or ``value``
            is neither.
    """
    if isinstance(value, tp):
        return check_struct(value, path) if check_enums else value
    if not isinstance(value, dict):
        raise InvalidRequestError(
            path, f"expected {tp.__name__} or dict, got {type(value).__name__}"
        )
    # Fast path: a dict with all its keys Python field names, or all of them wire names, and
    # canonical values converts in C (a typed struct in one of the flexible Any fields takes
    # the walk, which checks it).
    order = (True, False) if not _plan(tp).wire_only.isdisjoint(value) else (False, True)
    for wire_names in order:
        twin = _twin(tp, typed=False, root=True, wire_names=wire_names)
        try:
            staged = msgspec.convert(value, twin, from_attributes=True, dec_hook=dec_hook)
        except msgspec.ValidationError:
            continue
        if not _holds_struct(staged, tp):
            result: _T = msgspec.convert(staged, tp, from_attributes=True, dec_hook=dec_hook)
            return result
        break
    try:
        data = _walk(value, _root(tp), DICT_CHECKED if check_enums else DICT)
    except _Bad as bad:
        raise _error(bad, path) from None
    try:
        result = msgspec.convert(data, tp, dec_hook=dec_hook)
    except msgspec.ValidationError as exc:
        raise _from_validation(exc, path, tp) from None
    return result
