"""Drop-in proof: scripts written for google-genai run unchanged on genai_actors but for their
imports.

Each script in ``dropin_scripts/`` is ordinary google-genai code (``from google import genai``,
``from google.genai import types``, the blocking ``genai.Client`` and ``client.aio``) split into
named steps (see ``dropin_scripts/_steps.py``). It runs twice, each time against a fresh
emulator on loopback: as written, and with its import lines rewritten to genai_actors (nothing
else changes). Every step must pass under google-genai (or the script is wrong); every step that
passes there must pass under genai_actors with an equal result (scripts record only deterministic
values). A known difference is listed in :data:`EXPECTED` with its reason; the test fails if a
listed step stops differing, so the table only ever shrinks. :data:`THEIRS_FAIL` lists the
steps google-genai itself refuses (genai_actors must pass them).

The ``test_difference_*`` tests show, on both SDKs, the differences that
docs/migrating-from-google-genai.md lists; two more tests check that every attribute and
constructor parameter of google-genai's ``Client`` exists here (or says it is not built yet).
"""

from __future__ import annotations

import re
import sys
import types as pytypes
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from genai_actors.emulator import Emulator

from .dropin_scripts._steps import recording

SCRIPTS = Path(__file__).parent / "dropin_scripts"
NAMES = sorted(p.stem for p in SCRIPTS.glob("*.py") if not p.stem.startswith("_"))
API_KEY = "dropin-key"

# (script, step) -> why genai_actors still differs there. Strict: a listed step that passes
# fails the test until its entry is removed.
EXPECTED: dict[tuple[str, str], str] = {}

# (script, step) -> why google-genai itself fails there; genai_actors must pass. Strict too.
THEIRS_FAIL: dict[tuple[str, str], str] = {
    ("videos", "videos.generate"): (
        "google-genai 3.6.1 refuses generate_videos on the Gemini Developer API before sending"
    ),
    ("tunings", "tunings.list"): (
        "google-genai 3.6.1 refuses tunings.list on the Gemini Developer API before sending"
    ),
}

_ENVIRONMENT = (
    "GOOGLE_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_GEMINI_BASE_URL",
    "GOOGLE_GENAI_USE_VERTEXAI",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_CLOUD_LOCATION",
)
_PACKAGE = {"google-genai": "google.genai", "genai_actors": "genai_actors"}
_FROM_GOOGLE = re.compile(r"^from google import genai$")
_FROM_GENAI = re.compile(r"^from google\.genai import (?P<names>.+)$")
_ANY_GOOGLE = re.compile(r"^\s*(from|import)\s+google(\.|\s|$)")


def to_genai_actors(source: str) -> str:
    """``source`` with its google-genai import lines changed to genai_actors' and nothing else.

    Raises:
        AssertionError: If an import of google-genai is left that the rewrite does not know.
    """
    lines = []
    for line in source.splitlines(keepends=True):
        text = line.rstrip("\n")
        if _FROM_GOOGLE.match(text):
            line = "import genai_actors as genai\n"
        elif match := _FROM_GENAI.match(text):
            line = f"from genai_actors import {match['names']}\n"
        assert not _ANY_GOOGLE.match(line), f"an import the rewrite does not handle: {text}"
        lines.append(line)
    return "".join(lines)


@contextmanager
def _module(name: str) -> Iterator[pytypes.ModuleType]:
    # Registered while it runs, so pydantic resolves the annotations of the script's models.
    module = pytypes.ModuleType(name)
    sys.modules[name] = module
    try:
        yield module
    finally:
        del sys.modules[name]


def run(name: str, sdk: str) -> tuple[list[dict[str, Any]], list[warnings.WarningMessage]]:
    """Runs script ``name`` under ``sdk`` ("google-genai" or "genai_actors") against a fresh
    emulator; returns its step entries and the warnings it raised."""
    path = SCRIPTS / f"{name}.py"
    source = path.read_text()
    if sdk == "genai_actors":
        source = to_genai_actors(source)
    code = compile(source, str(path), "exec", dont_inherit=True)
    with (
        Emulator() as emu,
        _module(f"dropin_{name}_{sdk.replace('-', '_')}") as module,
        recording() as log,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        exec(code, module.__dict__)
        assert module.genai.__name__ == _PACKAGE[sdk], f"{name} imported {module.genai}"
        module.main(emu.url, API_KEY)
    return log, caught


def _describe(entry: dict[str, Any]) -> str:
    return f"result {entry['result']!r}" if "result" in entry else f"raised {entry['error']}"


def compare(theirs: list[dict[str, Any]], ours: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(step, what differs) for every step google-genai passed and genai_actors did not match."""
    by_step = {e["step"]: e for e in ours}
    out = []
    for ref in theirs:
        got = by_step.get(ref["step"])
        if got is None:
            out.append((ref["step"], "never ran under genai_actors"))
        elif "error" in got:
            out.append((ref["step"], f"raised {got['error']}\n{got.get('trace', '')}"))
        elif got["result"] != ref["result"]:
            out.append(
                (ref["step"], f"genai_actors {_describe(got)} != google-genai {_describe(ref)}")
            )
    return out


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("name", NAMES)
def test_script_runs_the_same_under_both_sdks(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every step google-genai passes, genai_actors passes with the same result."""
    for variable in _ENVIRONMENT:  # both SDKs read these; the scripts pass everything
        monkeypatch.delenv(variable, raising=False)
    theirs, _ = run(name, "google-genai")
    refused = {step: why for (script, step), why in THEIRS_FAIL.items() if script == name}
    failed = [e for e in theirs if "error" in e and e["step"] not in refused]
    assert not failed, "the script fails under google-genai itself:\n" + "\n".join(
        f"{e['step']}: {e['error']}\n{e.get('trace', '')}" for e in failed
    )
    passed = sorted(e["step"] for e in theirs if "error" not in e and e["step"] in refused)
    assert not passed, f"listed in THEIRS_FAIL but google-genai passes: {passed}; remove them"
    ours, caught = run(name, "genai_actors")
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, f"genai_actors warned about unclosed resources: {leaks}"

    for entry in ours:
        if entry["step"] in refused:
            assert "error" not in entry, f"{entry['step']}: {entry['error']}\n{entry['trace']}"
    differences = compare([e for e in theirs if "error" not in e], ours)
    expected = {step: why for (script, step), why in EXPECTED.items() if script == name}
    unexpected = [(s, d) for s, d in differences if s not in expected]
    if unexpected:
        step, what = unexpected[0]
        rest = "\n".join(f"  {s}: {d.splitlines()[0]}" for s, d in unexpected[1:])
        pytest.fail(
            f"first difference at step {step!r}: {what}"
            + (f"\nalso differing:\n{rest}" if rest else ""),
            pytrace=False,
        )
    fixed = sorted(set(expected) - {s for s, _ in differences})
    assert not fixed, f"listed in EXPECTED but now the same: {fixed}; remove them"
    if expected:
        pytest.xfail("; ".join(f"{s}: {why}" for s, why in sorted(expected.items())))


def test_compare_reports_every_kind_of_difference() -> None:
    """The comparison flags a different result, an error and a missing step, and nothing else."""
    theirs = [
        {"step": "same", "result": {"a": [1, "x"]}},
        {"step": "other value", "result": "STOP"},
        {"step": "raises", "result": 1},
        {"step": "missing", "result": None},
    ]
    ours = [
        {"step": "same", "result": {"a": [1, "x"]}},
        {"step": "other value", "result": "MAX_TOKENS"},
        {"step": "raises", "error": "AttributeError: no", "trace": "Traceback ..."},
    ]
    found = dict(compare(theirs, ours))
    assert sorted(found) == ["missing", "other value", "raises"]
    assert "'MAX_TOKENS'" in found["other value"]
    assert "'STOP'" in found["other value"]
    assert found["raises"].startswith("raised AttributeError: no")
    assert found["missing"] == "never ran under genai_actors"


def test_a_step_records_its_result_or_its_error() -> None:
    """A step keeps its JSON result, records an exception without stopping the script, and
    refuses a result that is not plain JSON."""
    from .dropin_scripts._steps import step

    with recording() as log:
        with step("ok") as s:
            s.result = {"n": 1}
        with step("boom"):
            raise KeyError("k")
        with step("not json") as s:
            s.result = object()
        with step("nothing"):
            pass
    assert [e["step"] for e in log] == ["ok", "boom", "not json", "nothing"]
    assert log[0]["result"] == {"n": 1}
    assert log[1]["error"] == "KeyError: 'k'"
    assert "plain JSON" in log[2]["error"]
    assert log[3]["error"] == "the step recorded no result"


def test_the_rewrite_changes_only_import_lines() -> None:
    """Each script's genai_actors form differs from it in google-genai import lines only."""
    for name in NAMES:
        source = (SCRIPTS / f"{name}.py").read_text()
        rewritten = to_genai_actors(source)
        before, after = source.splitlines(), rewritten.splitlines()
        assert len(before) == len(after)
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert changed, f"{name} imports nothing from google-genai"
        for old, new in changed:
            assert old.startswith(("from google import", "from google.genai import")), old
            assert new.startswith(("import genai_actors", "from genai_actors import")), new
        assert "google" not in "\n".join(
            line for line in after if line.startswith(("import ", "from "))
        ), name


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_client_attribute_of_google_genai_resolves_or_says_why() -> None:
    """Each public attribute of google-genai's ``Client`` and ``Client.aio`` exists on ours,
    or raises :class:`NotAvailableYetError` naming it (never a bare ``AttributeError``)."""
    from google import genai as google_genai

    import genai_actors
    from genai_actors.errors import NotAvailableYetError

    theirs = google_genai.Client(api_key=API_KEY)
    ours = genai_actors.Client(api_key=API_KEY)
    try:
        pairs = [(theirs, ours, "client"), (theirs.aio, ours.aio, "client.aio")]
        missing = []
        for their_client, our_client, where in pairs:
            for name in sorted(n for n in dir(their_client) if not n.startswith("_")):
                try:
                    getattr(our_client, name)
                except NotAvailableYetError as exc:
                    if name not in str(exc):
                        missing.append(f"{where}.{name}: the error does not name it: {exc}")
                except AttributeError as exc:
                    missing.append(f"{where}.{name}: {exc}")
        assert not missing, missing
    finally:
        theirs.close()
        ours.close()


# ---- the differences docs/migrating-from-google-genai.md lists, each shown on both SDKs ----


@contextmanager
def _both(emu: Emulator, **ours_options: Any) -> Iterator[tuple[Any, Any]]:
    """google-genai's blocking client and ours on ``emu`` (ours with ``ours_options`` added to
    its ``http_options``)."""
    from google import genai as google_genai

    import genai_actors

    theirs = google_genai.Client(api_key=API_KEY, http_options={"base_url": emu.url})
    ours = genai_actors.Client(api_key=API_KEY, http_options={"base_url": emu.url, **ours_options})
    try:
        yield theirs, ours
    finally:
        theirs.close()
        ours.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_difference_timeout_under_one_second_is_refused() -> None:
    """``HttpOptions.timeout`` is milliseconds in both; only genai_actors refuses 500 (ms)."""
    from google import genai as google_genai
    from google.genai import types as google_types

    import genai_actors
    from genai_actors import errors, types

    google_genai.Client(api_key=API_KEY, http_options=google_types.HttpOptions(timeout=500)).close()
    with pytest.raises(errors.InvalidOptionError, match="milliseconds") as caught:
        genai_actors.Client(api_key=API_KEY, http_options=types.HttpOptions(timeout=500))
    assert isinstance(caught.value, ValueError)
    genai_actors.Client(api_key=API_KEY, http_options=types.HttpOptions(timeout=1000)).close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_difference_retries_are_on_by_default(gemini_emulator: Emulator) -> None:
    """A 429 with a short advised delay: google-genai raises it, genai_actors retries."""
    from google.genai import errors as google_errors

    with _both(gemini_emulator) as (theirs, ours):
        gemini_emulator.faults.fail_next(1, 429, retry_delay=0.01)
        with pytest.raises(google_errors.ClientError) as caught:
            theirs.models.generate_content(model="gemini-2.5-flash", contents="Hi")
        assert caught.value.code == 429
        gemini_emulator.faults.fail_next(1, 429, retry_delay=0.01)
        assert ours.models.generate_content(model="gemini-2.5-flash", contents="Hi").text


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_difference_errors_are_more_specific_and_carry_headers(gemini_emulator: Emulator) -> None:
    """A 404 is a ClientError in both; ours is its NotFoundError subclass, with ``headers``
    and no ``response`` (google-genai's is its HTTP library's response)."""
    from google.genai import errors as google_errors

    from genai_actors import errors

    with _both(gemini_emulator) as (theirs, ours):
        with pytest.raises(google_errors.ClientError) as their_error:
            theirs.models.get(model="no-such-model")
        with pytest.raises(errors.ClientError) as our_error:
            ours.models.get(model="no-such-model")
    assert type(their_error.value) is google_errors.ClientError
    assert type(our_error.value) is errors.NotFoundError
    assert their_error.value.response is not None
    assert our_error.value.response is None
    headers = our_error.value.headers
    assert headers is not None
    assert "content-type" in {k.lower() for k in headers}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_difference_transport_failures_are_typed() -> None:
    """Nothing listening: google-genai lets its HTTP library's error through; genai_actors
    raises ``errors.ConnectError`` (a ``TransportError``), naming the host."""
    import socket

    from google import genai as google_genai
    from google.genai import errors as google_errors

    import genai_actors
    from genai_actors import errors

    with socket.socket() as sock:  # a free port, closed again: connections are refused
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    theirs = google_genai.Client(api_key=API_KEY, http_options={"base_url": url})
    ours = genai_actors.Client(
        api_key=API_KEY, http_options={"base_url": url, "retry_options": {"attempts": 1}}
    )
    try:
        with pytest.raises(Exception) as their_error:
            theirs.models.get(model="gemini-2.5-flash")
        assert not isinstance(their_error.value, google_errors.APIError)
        with pytest.raises(errors.ConnectError, match=r"127\.0\.0\.1"):
            ours.models.get(model="gemini-2.5-flash")
    finally:
        theirs.close()
        ours.close()


def test_difference_types_are_not_pydantic_models() -> None:
    """google-genai's types are pydantic models; ours are msgspec structs with the model
    methods user code calls."""
    import msgspec
    import pydantic
    from google.genai import types as google_types

    from genai_actors import types

    assert isinstance(google_types.Content(), pydantic.BaseModel)
    content = types.Content(role="user", parts=[types.Part(text="hi")])
    assert not isinstance(content, pydantic.BaseModel)
    assert isinstance(content, msgspec.Struct)
    assert types.Content.model_validate(content.model_dump()) == content
    assert not hasattr(types.Content, "model_fields")
    assert not hasattr(types.Content, "model_json_schema")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_difference_a_near_miss_enum_value_is_refused_before_sending(
    gemini_emulator: Emulator,
) -> None:
    """``BLOCK_ONLY_HIHG``: google-genai sends it (the API answers 400); genai_actors refuses it
    before sending, suggesting ``BLOCK_ONLY_HIGH``. A value it does not know and that is close
    to none is sent by both (drop-in step ``errors.enum_value_newer_than_the_sdk_is_sent``)."""
    from google.genai import errors as google_errors

    from genai_actors import errors

    config = {
        "safety_settings": [
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIHG"}
        ]
    }
    with _both(gemini_emulator) as (theirs, ours):
        with pytest.raises(google_errors.ClientError) as their_error:
            theirs.models.generate_content(model="gemini-2.5-flash", contents="Hi", config=config)
        assert their_error.value.code == 400
        gemini_emulator.recorded.clear()
        with pytest.raises(errors.InvalidRequestError, match="BLOCK_ONLY_HIGH") as our_error:
            ours.models.generate_content(model="gemini-2.5-flash", contents="Hi", config=config)
    assert isinstance(our_error.value, ValueError)
    assert not isinstance(our_error.value, errors.APIError)
    assert not gemini_emulator.recorded


@pytest.mark.parametrize(
    "option",
    [
        "client_args",
        "async_client_args",
        "httpx_client",
        "httpx_async_client",
        "aiohttp_client",
    ],
)
def test_difference_http_library_options_are_refused(option: str) -> None:
    """google-genai's HttpOptions fields that configure its HTTP libraries are not ours."""
    from google.genai import types as google_types

    from genai_actors import types

    assert option in google_types.HttpOptions.model_fields
    with pytest.raises((TypeError, ValueError), match=option):
        types.HttpOptions(**{option: None})


def test_every_constructor_parameter_of_google_genai_is_taken() -> None:
    """``genai.Client(...)``'s keyword parameters are all parameters of ours (those for Vertex
    AI and google-genai's record/replay raise when used, saying so)."""
    import inspect

    from google import genai as google_genai

    import genai_actors

    theirs = set(inspect.signature(google_genai.Client.__init__).parameters)
    ours = set(inspect.signature(genai_actors.Client.__init__).parameters)
    assert theirs <= ours, sorted(theirs - ours)
    assert theirs <= set(inspect.signature(genai_actors.AsyncClient.__init__).parameters)
