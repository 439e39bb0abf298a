"""Compiled plans: how the walker treats each declared type, and error paths.

A plan is built once per struct type from ``msgspec.inspect``: the keys a dict may use (Python
and wire names), and per walk mode the fields worth visiting, read in one C call. Errors
carry the path of the bad value, assembled while they unwind, or translated from msgspec's
wire-named path.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable
from typing import Any

import msgspec
import msgspec.inspect as mi

from ...errors import InvalidRequestError
from ._rules import EnumRule, enum_rule

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


class _StructPlan:
    """One struct type: accepted dict keys, and the fields each walk mode visits."""

    __slots__ = (
        "by_key",
        "cls",
        "flexible",
        "names",
        "python_names",
        "reads",
        "untyped",
        "wire_only",
    )

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
        # Its Any fields and lists of Any (config.tools), which may hold typed structs.
        flexible = [
            name
            for name, node in nodes
            if node.untyped or (node.item is not None and node.item.untyped)
        ]
        self.flexible = operator.attrgetter(*flexible, *flexible[:1]) if flexible else None
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
        _keep_structs(info)  # msgspec describes the whole graph: keep every struct of it
    return info


def _keep_structs(info: mi.Type) -> None:
    stack = [info]
    seen: set[type[Any]] = set()
    while stack:
        current = stack.pop()
        if isinstance(current, mi.StructType):
            if current.cls in seen:
                continue
            seen.add(current.cls)
            _INFOS.setdefault(current.cls, current)
            stack.extend(field.type for field in current.fields)
        elif isinstance(current, mi.UnionType):
            stack.extend(current.types)
        elif isinstance(current, _LISTS):
            stack.append(current.item_type)
        elif isinstance(current, mi.DictType):
            stack.append(current.value_type)
        elif isinstance(current, mi.Metadata):
            stack.append(current.type)


_PLANS: dict[type[Any], _StructPlan] = {}


def _plan(cls: type[Any]) -> _StructPlan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _StructPlan(cls)
    return plan


_ROOTS: dict[Any, _Node] = {}


def _root(tp: Any) -> _Node:
    node = _ROOTS.get(tp)
    if node is None:
        node = _ROOTS[tp] = _Node(_type_info(tp))
    return node


def _unknown_field_message(key: object, plan: _StructPlan) -> str:
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
