"""The sub-commands' shared parsing and messages: job names by form, one-line errors."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, strategies as st

from genai_actors._commands._common import describe, job_kind
from genai_actors.errors import NotFoundError, SessionClosed

segment = st.text(
    st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), min_size=1, max_size=12
)


@given(segment)
def test_job_names_are_classified_by_their_form(ident: str) -> None:
    """batches/ID, tunedModels/ID and any .../operations/ID name a job of that kind."""
    assert job_kind(f"batches/{ident}") == "batch"
    assert job_kind(f"tunedModels/{ident}") == "tuning"
    assert job_kind(f"models/veo/operations/{ident}") == "operation"
    assert job_kind(f"operations/{ident}") == "operation"
    assert job_kind(f"tunedModels/{ident}/operations/{ident}") == "operation"
    assert job_kind(f"projects/p/locations/l/batchPredictionJobs/{ident}") == "batch"
    assert job_kind(f"projects/p/locations/l/tuningJobs/{ident}") == "tuning"


@given(st.lists(segment, max_size=4).map("/".join))
def test_other_names_are_refused_with_the_forms_expected(name: str) -> None:
    """A name of no job form raises ValueError naming the three forms."""
    parts = name.split("/")
    is_job = (len(parts) == 2 and parts[0] in ("batches", "tunedModels")) or (
        len(parts) >= 2
        and ("operations" in parts[:-1] or parts[-2] in ("batchPredictionJobs", "tuningJobs"))
    )
    assume(not is_job)
    with pytest.raises(
        ValueError, match=r"expected batches/ID, tunedModels/ID or \.\.\./operations/ID"
    ):
        job_kind(name)


@given(st.text(max_size=200))
def test_describe_is_always_one_line(message: str) -> None:
    """Whatever an exception's text, the message a command prints is one non-empty line."""
    for exc in (ValueError(message), RuntimeError(message), OSError(2, message, "f.txt")):
        line = describe(exc)
        assert line
        assert "\n" not in line


def test_describe_names_api_errors_and_closed_sessions() -> None:
    """An API error gives its code, status and message; a closed session its close code."""
    body = {"error": {"code": 404, "message": "models/x is not found", "status": "NOT_FOUND"}}
    assert describe(NotFoundError(404, body)) == "404 NOT_FOUND: models/x is not found"
    assert describe(SessionClosed(1008, "not a Live model")) == (
        "the session closed (1008): not a Live model"
    )
    assert describe(OSError(2, "No such file or directory", "in.txt")) == (
        "No such file or directory: in.txt"
    )
