"""The layer rules of docs/architecture.md, checked on the import statements of the source.

Every ``import`` and ``from ... import`` in ``supervisors`` and ``genai_actors`` is read with
``ast`` (module level, inside functions, and under ``TYPE_CHECKING``): a rule broken anywhere is
a rule broken. The cycle check follows the imports that run (``TYPE_CHECKING`` blocks left out)
and allows only the lazy imports named in ``LAZY_EDGES``.
"""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

# What a layer may import of genai_actors (besides itself). Prefixes match a module and its
# submodules. The order is bottom-up: nothing may import a layer listed after it.
LAYERS: dict[str, tuple[str, ...]] = {
    "genai_actors.errors": (),
    "genai_actors._log": (),
    "genai_actors._lazy": (),
    "genai_actors.pagers": (),
    "genai_actors.types": ("genai_actors.errors",),
    "genai_actors._transformers": ("genai_actors.types", "genai_actors.errors"),
    "genai_actors._backend": ("genai_actors.errors", "genai_actors._log", "genai_actors"),
    "genai_actors._credentials": ("genai_actors.errors", "genai_actors._log"),
    "genai_actors._vertex": (
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors.types",
        "genai_actors._backend",
        "genai_actors._credentials",
    ),
    # h1, the default HTTP client: knows nothing of genai_actors but the neutral Timeouts.
    "genai_actors._transport._h1": ("genai_actors._transport._timeouts",),
    "genai_actors._transport": (
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors.types",
        "genai_actors._backend",
        "genai_actors._transport._h1",
    ),
    "genai_actors._watch": ("genai_actors.errors", "genai_actors._log", "genai_actors.types"),
    # The rate governor: limits, stores (memory, Redis) and the Gate the retry loop calls.
    "genai_actors._governor": ("genai_actors.errors", "genai_actors._log"),
    "genai_actors._api_client": (
        "genai_actors",
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors.types",
        "genai_actors._backend",
        "genai_actors._transport",
        "genai_actors._watch",
        "genai_actors._governor",
    ),
    "genai_actors._api": (
        "genai_actors",
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors._lazy",  # module_on_first_use: what a cold start's first call skips
        "genai_actors.pagers",
        "genai_actors.types",
        "genai_actors._transformers",
        "genai_actors._transport",
        "genai_actors._watch",
        "genai_actors._api_client",
        "genai_actors._sync",  # the generated blocking surfaces wrap the bridge
    ),
    # The counting core is a leaf (sentencepiece / tokenizers only), shared with the emulator.
    "genai_actors._tokenizer._core": (),
    "genai_actors._tokenizer": (
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors.types",
        "genai_actors._transformers",
        "genai_actors._tokenizer._core",
    ),
    "genai_actors._live": (
        "genai_actors",
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors.types",
        "genai_actors._transformers",
        "genai_actors._backend",
        "genai_actors._transport",
        "genai_actors._api_client",
    ),
    "genai_actors.emulator": ("genai_actors._tokenizer._core",),
    # Fan-out sits on the surfaces (the Batch API path uses files, batches and watchers through
    # the client); AsyncClient.fanout imports it lazily.
    "genai_actors._fanout": (
        "genai_actors",
        "genai_actors.errors",
        "genai_actors._log",
        "genai_actors.types",
        "genai_actors._transformers",
        "genai_actors._transport",
        "genai_actors._api_client",
        "genai_actors._client",  # type annotations only
    ),
    # The `genai-actors fanout` command: the client, its governor and the embedded emulator.
    "genai_actors._fanout._command": (
        "genai_actors.errors",
        "genai_actors._transport",
        "genai_actors._client",
        "genai_actors._governor",
        "genai_actors._cli_backend",
        "genai_actors._fanout",
    ),
    # The other sub-commands (generate, chat, live, jobs): the client through the embedded
    # emulator helper, the watchers' settings, and the loop the library owns.
    "genai_actors._commands": (
        "genai_actors.errors",
        "genai_actors._transport",
        "genai_actors._watch",
        "genai_actors._client",  # type annotations only
        "genai_actors._cli_backend",
    ),
}

# A surface may use the shared machinery beside it, never another surface (composition of a
# sub-surface and the generated blocking module excepted).
SURFACES = {
    "_models",
    "_operations",
    "_files",
    "_caches",
    "_batches",
    "_tunings",
    "_file_search_stores",
    "_documents",
    "_auth_tokens",
    "_chats",
}
SURFACE_EDGES = {("_file_search_stores", "_documents")}
GENERATED = {"_blocking"}

# Imports inside functions that would close a cycle if they ran at import time.
LAZY_EDGES: set[tuple[str, str]] = set()


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for package in ("supervisors", "genai_actors"):
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str) -> Iterator[tuple[str, bool, bool]]:
    """(imported module, lazy, type_checking_only) for each import in module ``name``."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def walk(node: ast.AST, lazy: bool, typing_only: bool) -> Iterator[tuple[str, bool, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for stmt in child.body:
                    yield from walk_one(stmt, lazy, True)
                for stmt in child.orelse:
                    yield from walk_one(stmt, lazy, typing_only)
                continue
            yield from walk_one(child, lazy, typing_only)

    def walk_one(node: ast.AST, lazy: bool, typing_only: bool) -> Iterator[tuple[str, bool, bool]]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, lazy, typing_only
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module:  # `from .. import x` imports the submodule x, not the package
                yield target, lazy, typing_only
            for alias in node.names:
                yield f"{target}.{alias.name}", lazy, typing_only
        else:
            inner = lazy or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from walk(node, inner, typing_only)

    for target, lazy, typing_only in walk(tree, False, False):
        if target in MODULES:
            yield target, lazy, typing_only


def _layer(name: str) -> str | None:
    best = None
    for layer in LAYERS:
        if (name == layer or name.startswith(layer + ".")) and (
            best is None or len(layer) > len(best)
        ):
            best = layer
    return best


def _allowed(target: str, allowed: tuple[str, ...]) -> bool:
    return any(target == a or (a != "genai_actors" and target.startswith(a + ".")) for a in allowed)


def test_supervisors_knows_nothing_of_genai_actors() -> None:
    """No module of supervisors imports genai_actors."""
    bad = [
        (name, target)
        for name in MODULES
        if name.startswith("supervisors")
        for target, _, _ in _imports(name)
        if target.startswith("genai_actors")
    ]
    assert bad == [], "\n".join(f"{a} imports {b}" for a, b in bad)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    """Each layer imports only the layers below it that docs/architecture.md lists."""
    bad = []
    for name in MODULES:
        if _layer(name) != layer:
            continue
        for target, _, _ in _imports(name):
            if not target.startswith("genai_actors") or _layer(target) == layer:
                continue
            if not _allowed(target, LAYERS[layer]):
                bad.append((name, target))
    assert bad == [], "\n".join(f"{a} imports {b}" for a, b in bad)


def test_no_surface_imports_another_surface() -> None:
    """API surfaces share the toolkit and machinery modules, never each other's helpers."""
    bad = []
    for name in MODULES:
        package, _, short = name.rpartition(".")
        if package != "genai_actors._api" or short in GENERATED:
            continue
        for target, _, _ in _imports(name):
            tpackage, _, tshort = target.rpartition(".")
            if tpackage != "genai_actors._api" or tshort == short or tshort not in SURFACES:
                continue
            if short not in SURFACES or (short, tshort) not in SURFACE_EDGES:
                bad.append((name, target))
    assert bad == [], "\n".join(f"{a} imports {b}" for a, b in bad)


def _runtime_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, lazy, typing_only in _imports(name):
            if typing_only or target == name:
                continue
            if lazy and (name, target) in LAZY_EDGES:
                continue
            graph[name].add(target)
    return graph


def test_import_graph_has_no_cycle() -> None:
    """The modules' runtime imports form no cycle (package __init__ re-exports aside)."""
    graph = _runtime_graph()
    # A package's __init__ importing its own submodules is how it re-exports them: not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not t.startswith(name + ".")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def strongconnect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                strongconnect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    assert cycles == [], "\n".join(" <-> ".join(c) for c in cycles)
