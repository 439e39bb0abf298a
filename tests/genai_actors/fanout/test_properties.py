"""Properties of the result lines, the input lines and checkpoint recovery (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import MappingProxyType

import msgspec
import pytest
from hypothesis import given, settings, strategies as st

from genai_actors._fanout import Checkpoint, FanoutResult
from genai_actors._fanout._items import Job, make_job, parse_line
from genai_actors._fanout._result import Method
from genai_actors.errors import InvalidRequestError, ServerError

keys = st.text(min_size=1, max_size=12)
payloads = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=40)
@given(key=keys, payload=payloads, pretty=st.booleans())
def test_a_result_line_is_one_json_line_that_keeps_key_and_response(
    key: str, payload: object, pretty: bool
) -> None:
    raw = msgspec.json.format(msgspec.json.encode({"p": payload}), indent=2 if pretty else 0)
    line = FanoutResult(3, key, "generate_content", raw=raw).to_line()
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert msgspec.json.decode(line) == {"key": key, "response": {"p": payload}}


@settings(max_examples=40)
@given(key=keys, code=st.sampled_from([500, 503]), message=st.text(max_size=20))
def test_an_error_line_carries_code_and_message(key: str, code: int, message: str) -> None:
    error = ServerError(code, {"error": {"code": code, "message": message, "status": "X"}})
    data = msgspec.json.decode(FanoutResult(0, key, "generate_content", error=error).to_line())
    assert data["key"] == key
    assert data["error"]["code"] == code
    assert data["error"]["message"] == message


@given(st.binary(max_size=40))
def test_an_input_line_is_parsed_or_refused_by_number(line: bytes) -> None:
    try:
        data = parse_line(line, 7)
    except InvalidRequestError as exc:
        error: InvalidRequestError | None = exc
    else:
        error = None
        assert isinstance(data["request"], dict)
    if error is not None:
        assert str(error).startswith("line 7:")


@settings(max_examples=40)
@given(
    count=st.integers(1, 30),
    saved=st.integers(0, 30),
    cut=st.integers(0, 60),
    data=st.data(),
)
def test_recovery_answers_exactly_the_complete_lines(
    count: int, saved: int, cut: int, data: st.DataObject
) -> None:
    """Write ``count`` results (state saved after ``saved`` of them), cut the output ``cut``
    bytes short: on reopening, an input is answered iff its line survived whole."""
    order = data.draw(st.permutations(range(count)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.jsonl"
        store = Checkpoint(path, save_every=float("inf"))
        for n, index in enumerate(order):
            if n == saved:
                store.save()
            store.write(FanoutResult(index, f"k{index}", "generate_content", raw=b"{}"))
        store._out.flush()
        size = path.stat().st_size
        with open(path, "r+b") as handle:  # a kill mid-write: the tail is lost
            handle.truncate(max(0, size - cut))
        survived = path.read_bytes()
        whole = survived[: survived.rfind(b"\n") + 1]
        kept = {msgspec.json.decode(x)["key"] for x in whole.splitlines()}
        store._out.close()
        if saved < count and len(survived) < store_offset(path):
            with pytest.raises(ValueError, match="not from the same run"):
                Checkpoint(path)
            return
        reopened = Checkpoint(path)
        answered = {f"k{i}" for i in range(count) if reopened.is_answered(i, f"k{i}")}
        reopened.close()
        assert answered == kept


def store_offset(path: Path) -> int:
    state = Path(f"{path}.state")
    if not state.exists():
        return 0
    offset: int = msgspec.json.decode(state.read_bytes())["offset"]
    return offset


def _job_fields(job: Job) -> tuple[object, ...]:
    error = job.error
    return (
        job.index,
        job.key,
        job.model,
        job.path,
        job.body,
        None if error is None else (type(error), str(error)),
    )


line_keys = st.none() | st.text(max_size=6) | st.integers()
models = st.none() | st.sampled_from(["", "gemini-2.5-flash", "models/gemini-2.5-pro", "a b/c"])
requests = st.one_of(
    payloads,
    st.fixed_dictionaries(
        {"contents": st.just([{"parts": [{"text": "hi"}], "role": "user"}])},
        optional={"model": models, "generationConfig": st.just({"temperature": 0.5})},
    ),
)


@settings(max_examples=80)
@given(
    key=line_keys,
    request=requests,
    default=models,
    method=st.sampled_from(["generate_content", "count_tokens", "embed_content"]),
    extra=st.dictionaries(st.sampled_from(["metadata", "other"]), payloads, max_size=2),
)
def test_a_plain_dict_line_makes_the_same_job_as_any_other_mapping(
    key: object, request: object, default: str | None, method: Method, extra: dict[str, object]
) -> None:
    # make_job takes plain dicts by a fast path; any other Mapping goes the general way.
    line: dict[str, object] = {**extra, "request": request}
    if key is not None:
        line["key"] = key
    fast = make_job(line, 7, method, default)
    general = make_job(MappingProxyType(line), 7, method, default)
    assert _job_fields(fast) == _job_fields(general)
