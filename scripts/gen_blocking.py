"""Generates ``genai_actors/_api/_blocking.py``: the blocking twin of every async API surface.

Like httpcore's ``unasync``, the blocking surface is derived from the async one, so a method is
written once, as ``async def`` on an ``Async*`` class, and its blocking twin appears here. The
surfaces are the ``api_module`` attributes of :class:`~genai_actors.AsyncClient` (``models``,
``files``, ...; not the async-only ``live``), the async surfaces their properties return
(``file_search_stores.documents``) and those their methods create (``chats.create``). The
classes are imported and read with :mod:`inspect` (signatures, defaults, overloads); the
names their annotations use are resolved through the import statements of the module that
defines them (read with :mod:`ast`, ``TYPE_CHECKING`` blocks included), so the generated module
imports each type from where its surface does, for type checking only.

Rules (one per shape of public member; a member no rule fits stops generation with a message):

- ``async def m(...) -> T``: ``def m(...) -> T`` running on the bridge (``bridge.run``).
- A result ``AsyncPager[X]``: ``Pager[X]`` (``bridge.pager``).
- A result that is an async stream (``AsyncIterator[X]``, ``AsyncGenerator[X, ...]``, or a class
  with ``__anext__``: ``GenerateContentStream``, ``WatchStream[X]``, ``BatchResults``), from an
  ``async def`` or a plain method: ``SyncStream[X]`` (``bridge.iterate``), ``X`` being what
  ``__anext__`` returns.
- Another plain method: forwarded as it is (it does no I/O).
- A method returning an async surface object (``chats.create`` -> ``AsyncChat``), plain or
  ``async def``: the object wrapped in its blocking twin (``Chat``).
- A property returning another async surface: a property returning its blocking twin; a
  read-only property returning a plain value: forwarded.
- Overloads, parameter kinds, annotations and defaults are kept; private names are skipped.

Usage::

    python scripts/gen_blocking.py          # writes genai_actors/_api/_blocking.py
    python scripts/gen_blocking.py --check  # exits 1 if that file is not what would be written
"""

from __future__ import annotations

import argparse
import ast
import builtins
import collections.abc
import difflib
import importlib
import importlib.util
import inspect
import subprocess
import sys
import textwrap
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET = ROOT / "genai_actors" / "_api" / "_blocking.py"
PACKAGE = "genai_actors._api"  # the generated module's package: imports are relative to it
WIDTH = 100  # the project's line length

_ASYNC_ITERATORS = {
    collections.abc.AsyncIterator,
    collections.abc.AsyncGenerator,
    typing.AsyncIterator,
    typing.AsyncGenerator,
}


Text = Callable[[], str]
"""Generated text, rendered once every imported name has its local name."""


class NoRule(Exception):
    """A public member of an async surface that no generation rule fits."""


# ------------------------------------------------------------------------------- name resolution


@dataclass(frozen=True)
class Ref:
    """Where a name comes from: ``from module import name``, or ``import module`` (name None;
    ``import a.b`` binds ``a``)."""

    module: str
    name: str | None

    def load(self) -> object:
        """The object the name is bound to."""
        module = importlib.import_module(self.module)
        if self.name is None:
            return sys.modules[self.module.partition(".")[0]]
        try:
            return getattr(module, self.name)
        except AttributeError:
            return importlib.import_module(f"{self.module}.{self.name}")


class Scope:
    """The top-level bindings of one module's source: imports (``TYPE_CHECKING`` ones too),
    classes, functions and assignments."""

    _cache: typing.ClassVar[dict[str, Scope]] = {}

    def __init__(self, module: str) -> None:
        self.module = module
        loaded = importlib.import_module(module)
        package = loaded.__package__ or module.rpartition(".")[0]
        source = inspect.getsource(loaded)
        self.names: dict[str, Ref] = {}
        self._bind(ast.parse(source).body, package)

    @classmethod
    def of(cls, module: str) -> Scope:
        """The (cached) scope of ``module``."""
        if module not in cls._cache:
            cls._cache[module] = Scope(module)
        return cls._cache[module]

    def _bind(self, body: list[ast.stmt], package: str) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom):
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
                for alias in node.names:
                    self.names[alias.asname or alias.name] = Ref(base, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:  # ``import a.b as c`` binds the module a.b itself
                        if "." in alias.name:
                            package_, _, leaf = alias.name.rpartition(".")
                            self.names[alias.asname] = Ref(package_, leaf)
                        else:
                            self.names[alias.asname] = Ref(alias.name, None)
                    else:
                        self.names[alias.name.partition(".")[0]] = Ref(alias.name, None)
            elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                self.names[node.name] = Ref(self.module, node.name)
            elif isinstance(node, ast.Assign):
                for target_node in node.targets:
                    if isinstance(target_node, ast.Name):
                        self.names[target_node.id] = Ref(self.module, target_node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                self.names[node.target.id] = Ref(self.module, node.target.id)
            elif isinstance(node, ast.If):
                self._bind(node.body, package)
                self._bind(node.orelse, package)
            elif isinstance(node, ast.Try):
                self._bind(node.body, package)
                for handler in node.handlers:
                    self._bind(handler.body, package)
                self._bind(node.orelse, package)
                self._bind(node.finalbody, package)


@dataclass(eq=False)
class Symbol:
    """A name the generated module imports (for type checking), shared by every use."""

    ref: Ref
    obj: object
    preferred: str
    local: str = ""
    used: bool = False

    def name(self) -> str:
        """The local name, marking the symbol as used (so it is imported)."""
        self.used = True
        return self.local or self.preferred


class Symbols:
    """Every name the generated annotations use, each imported once under a unique local name."""

    def __init__(self, reserved: set[str]) -> None:
        self._by_obj: dict[int, Symbol] = {}
        self._reserved = reserved

    def get(self, local: str, ref: Ref) -> Symbol:
        """The symbol for ``ref`` (as the name ``local`` in its module)."""
        obj = ref.load()
        symbol = self._by_obj.get(id(obj))
        if symbol is None:
            symbol = self._by_obj[id(obj)] = Symbol(ref, obj, local)
        return symbol

    def reserve(self, names: Iterable[str]) -> None:
        """Names the generated module defines itself: an imported name never takes them."""
        self._reserved.update(names)

    def assign(self) -> None:
        """Gives each symbol its local name: its own, unless two different objects share it."""
        groups: dict[str, list[Symbol]] = {}
        for symbol in self._by_obj.values():
            if symbol.used:
                groups.setdefault(symbol.preferred, []).append(symbol)
        for name, group in groups.items():
            clash = len(group) > 1 or name in self._reserved
            for symbol in group:
                stem = symbol.ref.module.rpartition(".")[2].lstrip("_")
                symbol.local = f"{name}_{stem}" if clash else name

    def imports(self) -> Iterator[str]:
        """The import statements, one per symbol (sorted later by ruff)."""
        for symbol in self._by_obj.values():
            if not symbol.used:
                continue
            module, name = symbol.ref.module, symbol.ref.name
            if name is None:
                if symbol.local == module.partition(".")[0]:
                    yield f"import {module}"
                else:
                    yield f"import {module} as {symbol.local}"
                continue
            source = _relative(module)
            suffix = "" if symbol.local == name else f" as {symbol.local}"
            yield f"from {source} import {name}{suffix}"


def _relative(module: str) -> str:
    """``module`` as imported from the generated module (relative inside ``genai_actors``)."""
    if module.partition(".")[0] != PACKAGE.partition(".")[0]:
        return module
    here = PACKAGE.split(".")
    there = module.split(".")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(there[common:])


class Annotation:
    """An annotation expression with each name it uses bound to a :class:`Symbol`."""

    def __init__(self, text: str, scope: Scope, symbols: Symbols) -> None:
        self.text = text
        self.tree = ast.parse(text, mode="eval").body
        self.bound: dict[str, Symbol | None] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id not in self.bound:
                ref = scope.names.get(node.id)
                if ref is not None:
                    self.bound[node.id] = symbols.get(node.id, ref)
                elif hasattr(builtins, node.id):
                    self.bound[node.id] = None
                else:
                    raise NoRule(f"{scope.module}: the name {node.id!r} in {text!r} is not bound")

    def render(self, node: ast.expr | None = None) -> str:
        """The expression (or its part ``node``) with the generated module's local names."""
        tree = self.tree if node is None else node

        class Rename(ast.NodeTransformer):
            def visit_Name(inner, name: ast.Name) -> ast.Name:
                symbol = self.bound.get(name.id)
                return ast.Name(symbol.name() if symbol else name.id, name.ctx)

        renamed = Rename().visit(ast.fix_missing_locations(_copy(tree)))
        return ast.unparse(renamed)

    def resolve(self, node: ast.expr) -> object:
        """The object a ``Name`` or dotted ``Attribute`` node refers to."""
        if isinstance(node, ast.Name):
            symbol = self.bound.get(node.id)
            return symbol.obj if symbol else getattr(builtins, node.id)
        if isinstance(node, ast.Attribute):
            return getattr(self.resolve(node.value), node.attr)
        raise NoRule(f"cannot tell what {ast.unparse(node)!r} in {self.text!r} is")


def _copy(node: ast.expr) -> ast.expr:
    copied = ast.parse(ast.unparse(node), mode="eval").body
    return copied


# ------------------------------------------------------------------------------- the model


@dataclass
class Method:
    """One public method of an async surface and the rule its blocking twin follows."""

    name: str
    rule: str  # "run", "pager", "stream", "wrap", "run_...", "forward"
    signatures: list[tuple[Text, Text]]  # (parameters, return annotation); overloads first
    impl: inspect.Signature
    overloaded: bool


@dataclass
class Surface:
    """An async surface class and the blocking class generated for it."""

    cls: type
    path: str  # e.g. "client.file_search_stores.documents"
    methods: list[Method] = field(default_factory=list)
    subsurfaces: list[tuple[str, Surface]] = field(default_factory=list)
    values: list[tuple[str, Text]] = field(default_factory=list)  # plain read-only properties
    symbol: Symbol | None = None

    @property
    def name(self) -> str:
        """The blocking class's name: the async one's without ``Async``."""
        return self.cls.__name__.removeprefix("Async")


ASYNC_ONLY = frozenset({"live"})
"""``AsyncClient`` modules with no blocking twin: google-genai offers them on ``client.aio``
only (``Client.live`` says so instead)."""


def _surfaces() -> list[tuple[str, type]]:
    """``(attribute, class)`` for every ``api_module`` of ``AsyncClient`` with a blocking twin
    (all but :data:`ASYNC_ONLY`), in order."""
    from genai_actors._client import AsyncClient
    from genai_actors._lazy import api_module

    found = []
    for attribute, value in vars(AsyncClient).items():
        if isinstance(value, api_module) and attribute not in ASYNC_ONLY:
            module = importlib.import_module(value._module, "genai_actors")
            found.append((attribute, getattr(module, value._name)))
    return found


def _is_surface(obj: object, owner: type) -> bool:
    """Whether ``obj`` is an async surface class of ``owner``'s package (``AsyncDocuments``)."""
    return (
        isinstance(obj, type)
        and obj.__name__.startswith("Async")
        and obj.__module__.partition(".")[0] == owner.__module__.partition(".")[0]
    )


class Builder:
    """Reads the async surfaces and renders the generated module."""

    def __init__(self, roots: list[tuple[str, type]], reserved: set[str]) -> None:
        self.symbols = Symbols(reserved)
        self.surfaces: list[Surface] = []
        self._seen: dict[type, Surface] = {}
        self.sync_stream = self.symbols.get("SyncStream", Ref("genai_actors._sync", "SyncStream"))
        self.loop_thread = self.symbols.get("LoopThread", Ref("genai_actors._sync", "LoopThread"))
        self.pager = self.symbols.get("Pager", Ref("genai_actors.pagers", "Pager"))
        self.any = self.symbols.get("Any", Ref("typing", "Any"))
        for attribute, cls in roots:
            self._surface(cls, f"client.{attribute}")

    def _surface(self, cls: type, path: str) -> Surface:
        if cls in self._seen:
            return self._seen[cls]
        surface = self._seen[cls] = Surface(cls, path)
        self.surfaces.append(surface)
        surface.symbol = self.symbols.get(cls.__name__, Ref(cls.__module__, cls.__name__))
        scope = Scope.of(cls.__module__)
        for name in _public_names(cls):
            member = inspect.getattr_static(cls, name)
            where = f"{cls.__name__}.{name}"
            if isinstance(member, property):
                self._property(surface, name, member, scope, path)
            elif isinstance(member, staticmethod | classmethod):
                raise NoRule(f"{where}: no rule for a public static or class method")
            elif inspect.isfunction(member):
                surface.methods.append(self._method(name, member, scope, surface.cls, path))
            else:
                raise NoRule(f"{where}: no rule for a public {type(member).__name__} attribute")
        return surface

    def _property(
        self, surface: Surface, name: str, member: property, scope: Scope, path: str
    ) -> None:
        where = f"{surface.cls.__name__}.{name}"
        if member.fget is None or member.fset is not None:
            raise NoRule(f"{where}: only read-only properties have a rule")
        annotation = Annotation(
            inspect.signature(member.fget).return_annotation, scope, self.symbols
        )
        tree = annotation.tree
        target = annotation.resolve(tree) if isinstance(tree, ast.Name | ast.Attribute) else None
        if not _is_surface(target, surface.cls):
            from genai_actors.pagers import AsyncPager

            if (isinstance(target, type) and _has_anext(target)) or target is AsyncPager:
                raise NoRule(f"{where}: no rule for a property returning a stream or pager")
            surface.values.append((name, annotation.render))  # a plain value: forwarded
            return
        assert isinstance(target, type)
        surface.subsurfaces.append((name, self._surface(target, f"{path}.{name}")))

    def _method(self, name: str, func: Any, scope: Scope, owner: type, path: str) -> Method:
        where = f"{func.__qualname__}"
        is_async = inspect.iscoroutinefunction(func)
        impl = inspect.signature(func)
        overloads = typing.get_overloads(func)
        rule = ""
        signatures = []
        for variant in [*overloads, func]:
            signature = inspect.signature(variant)
            kind, returns = self._returns(
                signature, is_async, scope, where, owner, f"{path}.{name}()"
            )
            if rule and kind != rule:
                raise NoRule(f"{where}: overloads that need different rules")
            rule = kind
            signatures.append((self._parameters(signature, scope, where), returns))
        return Method(name, rule, signatures, impl, bool(overloads))

    def _returns(
        self,
        signature: inspect.Signature,
        is_async: bool,
        scope: Scope,
        where: str,
        owner: type,
        path: str,
    ) -> tuple[str, Text]:
        text = signature.return_annotation
        if text is inspect.Signature.empty:
            raise NoRule(f"{where}: no return annotation")
        annotation = Annotation(text, scope, self.symbols)
        node = annotation.tree
        outer = node.value if isinstance(node, ast.Subscript) else node
        target = annotation.resolve(outer) if isinstance(outer, ast.Name | ast.Attribute) else None
        args: list[ast.expr] = []
        if isinstance(node, ast.Subscript):
            args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        from genai_actors.pagers import AsyncPager

        if target is AsyncPager:
            kind = "pager"
            item = args[0]

            def returns() -> str:
                return f"{self.pager.name()}[{annotation.render(item)}]"

        elif _is_surface(target, owner) and not args:
            # A method creating an async surface object (``chats.create`` -> ``AsyncChat``):
            # the blocking method wraps it in its blocking twin.
            assert isinstance(target, type)
            made = self._surface(target, path)
            kind = "wrap"

            def returns() -> str:
                return made.name

        elif target in _ASYNC_ITERATORS or (isinstance(target, type) and _has_anext(target)):
            kind = "stream"
            element = self._element(target, args, annotation, where)

            def returns() -> str:
                return f"{self.sync_stream.name()}[{element()}]"

        else:
            return ("run" if is_async else "forward"), annotation.render
        return ("run_" + kind if is_async else kind), returns

    def _element(
        self, target: object, args: list[ast.expr], annotation: Annotation, where: str
    ) -> Text:
        """What iterating the stream ``target[args]`` yields, as a generated annotation."""
        if target in _ASYNC_ITERATORS:
            if not args:
                return lambda: self.any.name()
            return lambda: annotation.render(args[0])
        stream: Any = target  # a class with __anext__
        anext = inspect.signature(stream.__anext__).return_annotation
        parameters = [p.__name__ for p in getattr(target, "__parameters__", ())]
        if anext in parameters:
            if len(args) != len(parameters):
                return lambda: self.any.name()
            item = args[parameters.index(anext)]
            return lambda: annotation.render(item)
        if parameters and args:
            raise NoRule(f"{where}: a generic stream whose items are not its type parameter")
        return Annotation(anext, Scope.of(stream.__module__), self.symbols).render

    def _parameters(self, signature: inspect.Signature, scope: Scope, where: str) -> Text:
        params = list(signature.parameters.values())
        if not params or params[0].name != "self":
            raise NoRule(f"{where}: a method's first parameter must be self")
        pieces: list[tuple[str, Annotation | None, str]] = []  # (prefix, annotation, suffix)
        star = False
        for i, param in enumerate(params[1:], 1):
            if param.annotation is inspect.Parameter.empty:
                raise NoRule(f"{where}: parameter {param.name!r} has no annotation")
            annotation = Annotation(param.annotation, scope, self.symbols)
            if param.kind is param.KEYWORD_ONLY and not star:
                pieces.append(("*", None, ""))
                star = True
            if param.kind is param.VAR_POSITIONAL:
                pieces.append((f"*{param.name}: ", annotation, ""))
                star = True
                continue
            if param.kind is param.VAR_KEYWORD:
                pieces.append((f"**{param.name}: ", annotation, ""))
                continue
            default = ""
            if param.default is not inspect.Parameter.empty:
                default = f" = {_literal(param.default, where, param.name)}"
            pieces.append((f"{param.name}: ", annotation, default))
            following = params[i + 1] if i + 1 < len(params) else None
            if param.kind is param.POSITIONAL_ONLY and (
                following is None or following.kind is not param.POSITIONAL_ONLY
            ):
                pieces.append(("/", None, ""))

        def render() -> str:
            parts = [
                prefix + (annotation.render() if annotation else "") + suffix
                for prefix, annotation, suffix in pieces
            ]
            return ", ".join(["self", *parts])

        return render

    # --------------------------------------------------------------------------- rendering

    def render(self) -> str:
        """The generated module's source (before ruff sorts and formats it)."""
        self.symbols.reserve(surface.name for surface in self.surfaces)
        for surface in self.surfaces:  # a first pass marks the names that are used
            self._render_class(surface)
        self.symbols.assign()
        classes = [self._render_class(surface) for surface in self.surfaces]
        imports = "\n".join(f"    {line}" for line in sorted(self.symbols.imports()))
        names = ", ".join(f'"{surface.name}"' for surface in self.surfaces)
        return (
            f"{HEADER}\nfrom __future__ import annotations\n\n"
            "from typing import TYPE_CHECKING, overload\n\n"
            f"if TYPE_CHECKING:\n{imports}\n\n"
            f"__all__ = [{names}]\n\n\n" + "\n\n\n".join(classes) + "\n"
        )

    def _render_class(self, surface: Surface) -> str:
        assert surface.symbol is not None
        aio = surface.cls.__name__
        lines = [
            f"class {surface.name}:",
            _docstring(
                f"Blocking :class:`{aio}`: ``{surface.path}``."
                "\n\nOn :class:`~genai_actors.Client`, each method runs its async twin on the "
                "client's loop thread and blocks "
                "until it ends: same arguments, results and errors. Interrupting the calling "
                "thread (``KeyboardInterrupt``) or closing the client cancels it. Thread-safe.",
                4,
            ),
            "",
            f"    def __init__(self, aio: {surface.symbol.name()}, "
            f"bridge: {self.loop_thread.name()}) -> None:",
            "        self._aio = aio",
            "        self._bridge = bridge",
        ]
        for name, sub in surface.subsurfaces:
            lines.append(f"        self._{name} = {sub.name}(aio.{name}, bridge)")
        for name, sub in surface.subsurfaces:
            lines += [
                "",
                "    @property",
                f"    def {name}(self) -> {sub.name}:",
                _docstring(f"Blocking :attr:`{aio}.{name}`.", 8),
                f"        return self._{name}",
            ]
        for name, annotation in surface.values:
            lines += [
                "",
                "    @property",
                f"    def {name}(self) -> {annotation()}:",
                _docstring(f"Blocking :attr:`{aio}.{name}`.", 8),
                f"        return self._aio.{name}",
            ]
        for method in surface.methods:
            lines += self._render_method(aio, method)
        return "\n".join(lines)

    def _render_method(self, aio: str, method: Method) -> list[str]:
        lines: list[str] = []
        *overloads, (params, returns) = method.signatures
        for o_params, o_returns in overloads:
            lines += [
                "",
                "    @overload",
                f"    def {method.name}({o_params()}) -> {o_returns()}: ...",
            ]
        call = f"self._aio.{method.name}({_arguments(method.impl)})"
        result_name = returns()
        body = {
            "run": f"self._bridge.run({call})",
            "pager": f"self._bridge.pager({call})",
            "stream": f"self._bridge.iterate({call})",
            "run_pager": f"self._bridge.pager(self._bridge.run({call}))",
            "run_stream": f"self._bridge.iterate(self._bridge.run({call}))",
            "forward": call,
            "wrap": f"{result_name}({call}, self._bridge)",
            "run_wrap": f"{result_name}(self._bridge.run({call}), self._bridge)",
        }[method.rule]
        result = returns()
        statement = body if result == "None" else f"return {body}"
        lines += [
            "",
            f"    def {method.name}({params()}) -> {result}:",
            _docstring(_method_doc(aio, method), 8),
            f"        {statement}",
        ]
        return lines


HEADER = '''\
# Generated by scripts/gen_blocking.py from the async surfaces; do not edit.
"""The blocking API surfaces of :class:`~genai_actors.Client` (generated: do not edit).

``python scripts/gen_blocking.py`` writes this module from the async surfaces of
:class:`~genai_actors.AsyncClient` (``--check`` says whether it is current; a test runs it).
Each class wraps its async twin and the client's loop-thread bridge
(:class:`~genai_actors._sync.LoopThread`), one rule per shape of method:

- ``async def m(...) -> T`` becomes ``def m(...) -> T`` run on the bridge (``bridge.run``);
- a result ``AsyncPager[X]`` becomes a blocking ``Pager[X]`` (``bridge.pager``);
- an async stream (``AsyncIterator[X]``, or a class with ``__anext__``: ``GenerateContentStream``,
  ``WatchStream[X]``, ``BatchResults``), returned by an ``async def`` or a plain method, becomes a
  ``SyncStream[X]`` iterator with ``close()`` and ``with`` (``bridge.iterate``);
- another plain method is forwarded as it is;
- a property returning an async surface (``file_search_stores.documents``) returns its twin;
- overloads, parameters and defaults are kept; private names are skipped.

Calls are thread-safe; interrupting the calling thread (``KeyboardInterrupt``) or closing the
client cancels the call on the loop (it then raises ``ClientClosedError``).
"""
'''


def _method_doc(aio: str, method: Method) -> str:
    first = f"Blocking :meth:`{aio}.{method.name}`."
    if method.rule in ("pager", "run_pager"):
        return first + "\n\nReturns a :class:`~genai_actors.pagers.Pager` fetching pages on demand."
    if method.rule in ("stream", "run_stream"):
        return (
            first + "\n\nReturns an iterator (:class:`~genai_actors._sync.SyncStream`); "
            "``close()`` (or ``with``) ends it early and frees what it holds."
        )
    return first


def _docstring(text: str, indent: int) -> str:
    pad = " " * indent
    paragraphs = text.split("\n\n")
    wrapped = [  # room for the quotes on either side
        textwrap.fill(p, WIDTH - indent - 6, break_long_words=False, break_on_hyphens=False)
        for p in paragraphs
    ]
    if len(wrapped) == 1 and "\n" not in wrapped[0]:
        return f'{pad}"""{wrapped[0]}"""'
    body = "\n\n".join(wrapped)
    return textwrap.indent(f'"""{body}\n"""', pad, lambda line: bool(line.strip()))


def _arguments(signature: inspect.Signature) -> str:
    args = []
    for param in list(signature.parameters.values())[1:]:
        if param.kind is param.VAR_POSITIONAL:
            args.append(f"*{param.name}")
        elif param.kind is param.VAR_KEYWORD:
            args.append(f"**{param.name}")
        elif param.kind is param.KEYWORD_ONLY:
            args.append(f"{param.name}={param.name}")
        else:
            args.append(param.name)
    return ", ".join(args)


def _literal(value: object, where: str, name: str) -> str:
    if value is Ellipsis:
        return "..."
    if value is None or isinstance(value, bool | int | str | bytes):
        return repr(value)
    if isinstance(value, float) and value == value and value not in (float("inf"), -float("inf")):
        return repr(value)
    raise NoRule(f"{where}: the default of {name!r} ({value!r}) is not a plain literal")


def _has_anext(cls: type) -> bool:
    return callable(getattr(cls, "__anext__", None))


def _public_names(cls: type) -> list[str]:
    names: list[str] = []
    for klass in cls.__mro__[:-1]:
        for name in vars(klass):
            if not name.startswith("_") and name not in names:
                names.append(name)
    return names


# ------------------------------------------------------------------------------- entry point

RESERVED = {"TYPE_CHECKING", "overload", "annotations"}


def generate(roots: list[tuple[str, type]] | None = None) -> str:
    """The generated module's source, sorted and formatted by ruff.

    Args:
        roots: ``(attribute, async class)`` pairs; default: the surfaces of ``AsyncClient``.

    Raises:
        NoRule: A public member of a surface fits no rule.
        subprocess.CalledProcessError: ruff failed (the generated code does not parse).
    """
    builder = Builder(_surfaces() if roots is None else roots, set(RESERVED))
    return _ruff(builder.render())


def _ruff(source: str) -> str:
    stdin = str(TARGET.relative_to(ROOT))
    for command in (["check", "--select", "I", "--fix", "--quiet"], ["format", "--quiet"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", stdin, "-"],
            input=source,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        source = done.stdout
    return source


def main(argv: list[str] | None = None) -> int:
    """Writes (or with ``--check``, checks) ``genai_actors/_api/_blocking.py``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    options = parser.parse_args(argv)
    try:
        source = generate()
    except NoRule as exc:
        print(f"gen_blocking: {exc}", file=sys.stderr)
        return 2
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if options.check:
        if source == current:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            source.splitlines(keepends=True),
            str(TARGET.relative_to(ROOT)),
            "generated",
        )
        sys.stderr.writelines(diff)
        print(
            f"gen_blocking: {TARGET.relative_to(ROOT)} is stale: "
            "run `python scripts/gen_blocking.py`",
            file=sys.stderr,
        )
        return 1
    if source != current:
        TARGET.write_text(source, encoding="utf-8")
        print(f"gen_blocking: wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
