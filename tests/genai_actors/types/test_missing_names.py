"""Every public name of ``google.genai.types`` resolves in ``genai_actors.types``.

The reference is the pinned google-genai (see pyproject.toml). Names deliberately left out are
the table of the "Names of google.genai.types" section of docs/conformance.md; this module reads
that table, so the page and the check cannot disagree.
"""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import msgspec
import pydantic
import pytest
from google.genai import types as google_types

from genai_actors import types
from genai_actors.types import _generated_index

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "conformance.md"
SCRIPT = ROOT / "scripts" / "gen_types.py"
SECTION = "## Names of google.genai.types"


def _documented_exclusions() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/conformance.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (.+?) \|$", section, flags=re.MULTILINE)
    return dict(rows)


EXCLUDED = _documented_exclusions()


def _google_public() -> list[str]:
    return sorted(name for name in dir(google_types) if not name.startswith("_"))


def test_every_google_genai_types_name_resolves_here_or_is_a_documented_exclusion() -> None:
    """A name of google-genai's ``types`` missing here and not in the doc's table fails,
    named."""
    missing = [name for name in _google_public() if not hasattr(types, name)]
    undocumented = sorted(set(missing) - set(EXCLUDED))
    assert undocumented == [], f"missing from genai_actors.types: {undocumented}"


def test_every_documented_exclusion_is_still_missing_and_has_a_reason() -> None:
    """The table lists only names that do not resolve here, each with a reason."""
    assert len(EXCLUDED) > 20  # the table was found and read
    resolved = sorted(name for name in EXCLUDED if hasattr(types, name))
    assert resolved == [], f"resolved here now; remove them from the table: {resolved}"
    assert all(len(reason.strip()) > 10 for reason in EXCLUDED.values())


def test_exclusions_are_imports_of_google_genai_not_api_types() -> None:
    """No model class, enum or dict form of google-genai is among the exclusions."""
    for name in EXCLUDED:
        value = getattr(google_types, name, None)
        if isinstance(value, type):
            assert getattr(value, "__module__", "") != google_types.__name__, name


def test_the_generated_modules_are_current() -> None:
    """`scripts/gen_types.py --check` passes: the generated modules are what the schema gives."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr


def test_import_of_types_leaves_the_generated_modules_for_later() -> None:
    """`import genai_actors.types` does not import the generated modules; a name of them
    does."""
    probe = (
        "import sys, genai_actors.types as t\n"
        "before = sorted(m for m in sys.modules if '_generated_' in m and 'index' not in m)\n"
        "t.ContentDict\n"
        "after = sorted(m for m in sys.modules if '_generated_' in m and 'index' not in m)\n"
        "print(before, after)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == (
        "[] ['genai_actors.types._generated_dicts', 'genai_actors.types._generated_types']"
    )


_GENERATED = sorted(_generated_index.LAZY)


def _generated_structs() -> list[str]:
    return [
        name
        for name in _GENERATED
        if isinstance(getattr(types, name), type)
        and issubclass(getattr(types, name), msgspec.Struct)
    ]


@pytest.mark.parametrize("name", _generated_structs())
def test_a_generated_struct_has_the_fields_and_wire_names_of_google_genai(name: str) -> None:
    """Same field names, same wire (alias) names; a JSON body decodes through either."""
    ours = typing.cast("type[msgspec.Struct]", getattr(types, name))
    theirs = typing.cast("type[pydantic.BaseModel]", getattr(google_types, name))
    assert ours.__struct_fields__ == tuple(theirs.model_fields)
    wire = dict(zip(ours.__struct_fields__, ours.__struct_encode_fields__, strict=True))
    for field, info in theirs.model_fields.items():
        assert wire[field] == (info.alias or field), f"{name}.{field}"
    msgspec.json.Decoder(ours)  # every annotation resolves and msgspec accepts it


def test_generated_dicts_have_google_genais_keys() -> None:
    """Each ``XDict`` has the keys of google-genai's, and ``XOrDict`` is ``X | XDict``."""
    dicts = [name for name in _GENERATED if name.endswith("Dict") and not name.endswith("OrDict")]
    assert len(dicts) > 300
    for name in dicts:
        ours, theirs = getattr(types, name), getattr(google_types, name)
        if isinstance(theirs, type):
            assert set(ours.__annotations__) == set(typing.get_type_hints(theirs)), name
            typing.get_type_hints(ours)  # every annotation resolves at runtime
    for name in (n for n in _GENERATED if n.endswith("OrDict")):
        base = name.removesuffix("OrDict")
        assert set(typing.get_args(getattr(types, name))) == {
            getattr(types, base),
            getattr(types, f"{base}Dict"),
        }
