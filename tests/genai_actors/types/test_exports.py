"""``genai_actors.types`` exposes exactly its submodules' public names, each written once."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from types import ModuleType

import pytest

from genai_actors import types


def _submodules() -> list[ModuleType]:
    names = sorted(info.name for info in pkgutil.iter_modules(types.__path__))
    return [importlib.import_module(f"{types.__name__}.{name}") for name in names]


SUBMODULES = _submodules()


def _declared() -> Counter[str]:
    return Counter(name for module in SUBMODULES for name in module.__all__)


def test_every_submodule_declares_its_public_names() -> None:
    """Each types submodule has an ``__all__`` of strings, without repeats."""
    assert len(SUBMODULES) > 10
    for module in SUBMODULES:
        declared = getattr(module, "__all__", None)
        assert isinstance(declared, list), f"{module.__name__} has no __all__ list"
        assert all(isinstance(name, str) for name in declared)
        assert len(declared) == len(set(declared)), f"{module.__name__}.__all__ repeats a name"


def test_no_name_is_declared_by_two_submodules() -> None:
    """A public name belongs to one submodule only (a star import would hide the other)."""
    twice = sorted(name for name, count in _declared().items() if count > 1)
    assert twice == []


def test_package_all_is_the_union_of_the_submodules() -> None:
    """``types.__all__`` is the submodules' names, nothing missing, nothing extra, once each."""
    assert sorted(types.__all__) == sorted(_declared())
    assert len(types.__all__) == len(set(types.__all__))


def test_every_name_imports_from_the_package_as_its_submodule_defines_it() -> None:
    """``from genai_actors.types import X`` works for every name and gives the same object."""
    for module in SUBMODULES:
        for name in module.__all__:
            value = getattr(module, name)
            assert getattr(types, name) is value, name
            if (inspect.isclass(value) or inspect.isfunction(value)) and value.__name__ == name:
                assert value.__module__ == module.__name__, f"{name} is defined elsewhere"


def test_the_package_namespace_holds_nothing_else_public() -> None:
    """Every public attribute of the package is listed in ``__all__``."""
    # dir(): the names imported so far and the generated ones, imported on first use (PEP 562)
    public = {
        name
        for name in dir(types)
        for value in [getattr(types, name)]
        # (``annotations``: the __future__ feature every module imports; names that are not
        # identifiers, such as ``@py_builtins``, are pytest's assertion rewriting, which marks
        # an installed pytest plugin's distribution, this package included, for rewriting)
        if name.isidentifier()
        and not name.startswith("_")
        and type(value).__module__ != "__future__"
    }
    assert public == set(types.__all__)


def test_star_import_gives_exactly_all() -> None:
    """``from genai_actors.types import *`` binds exactly the names of ``__all__``."""
    namespace: dict[str, object] = {}
    exec("from genai_actors.types import *", namespace)
    namespace.pop("__builtins__", None)
    assert set(namespace) == set(types.__all__)


@pytest.mark.parametrize(
    "name", ["HttpOptions", "HttpRetryOptions", "UserContent", "ModelContent", "Part"]
)
def test_names_google_genai_users_import_are_public(name: str) -> None:
    """Names google-genai has in ``types`` (HTTP options, content helpers) are public here."""
    assert name in types.__all__


@pytest.mark.parametrize(
    "name", ["enum_of", "encode_json", "decode_json", "to_builtins", "dec_hook", "enc_hook"]
)
def test_codec_helpers_are_not_public(name: str) -> None:
    """Internal codec helpers stay in ``types._base``, out of the public namespace."""
    assert name not in types.__all__
    assert not hasattr(types, name)
