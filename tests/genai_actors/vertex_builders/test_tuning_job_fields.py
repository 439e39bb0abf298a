"""Every field of google-genai's ``TuningJob`` decodes from the wire into ours, with the same
Python names and types: a wire job carrying every field (built from google-genai's own type
tree) is fed to its ``_TuningJob_from_vertex`` / ``_TuningJob_from_mldev`` and to ours, and the
dumps compared."""

from __future__ import annotations

import datetime
import enum
import json
import types as pytypes
import typing
from typing import Any

import msgspec
import pydantic
import pytest
from google.genai import tunings as gtu, types as gt
from hypothesis import given, settings, strategies as st

from genai_actors import types
from genai_actors.types import _generated_types as gen

_MAX_DEPTH = 7


def _wire_name(model: type[pydantic.BaseModel], field: str) -> str:
    info = model.model_fields[field]
    return info.alias or field


def _sample(tp: Any, stack: tuple[type, ...], hint: str) -> Any:
    """A wire (JSON) value of google-genai type ``tp``; ``None`` when it cannot be built
    (a recursive type already on the stack, or too deep)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, pytypes.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                value = _sample(arg, stack, hint)
                if value is not None:
                    return value
        return None
    if origin is list:
        item = _sample(typing.get_args(tp)[0], stack, hint)
        return None if item is None else [item]
    if origin is dict:
        item = _sample(typing.get_args(tp)[1], stack, hint)
        return None if item is None else {"k": item}
    if origin is typing.Literal:
        return typing.get_args(tp)[0]
    if tp is Any:
        return {"free": hint}
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            members = [m.value for m in tp if "UNSPECIFIED" not in str(m.value)]
            return (members or [next(iter(tp)).value])[0]
        if issubclass(tp, bool):
            return True
        if issubclass(tp, int):
            return 7
        if issubclass(tp, float):
            return 0.5
        if issubclass(tp, str):
            return f"gs://b/{hint}" if hint.endswith(("uri", "prefix")) else f"s-{hint}"
        if issubclass(tp, bytes):
            return "aGk="
        if issubclass(tp, datetime.datetime):
            return "2026-01-02T03:04:05Z"
        if issubclass(tp, pydantic.BaseModel):
            if tp in stack or len(stack) >= _MAX_DEPTH:
                return None
            out: dict[str, Any] = {}
            for name, info in tp.model_fields.items():
                value = _sample(info.annotation, (*stack, tp), name)
                if value is not None:
                    out[_wire_name(tp, name)] = value
            return out
    return None


def _every_field_job() -> dict[str, Any]:
    job = _sample(gt.TuningJob, (), "job")
    assert isinstance(job, dict)
    job.pop("sdkHttpResponse")
    job["state"] = "JOB_STATE_SUCCEEDED"
    # google-genai cannot read evaluation metrics (its t_metrics fails on the wire shape):
    # see test_evaluation_metrics_decode_where_google_genai_raises.
    job["evaluationConfig"].pop("metrics", None)
    return job


JOB = _every_field_job()


def _snake_json_schema(value: Any) -> Any:
    """google-genai's one camelCase Python name (``TextResponseFormat.jsonSchema``) as ours."""
    if isinstance(value, dict):
        return {
            ("json_schema" if k == "jsonSchema" else k): _snake_json_schema(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_snake_json_schema(v) for v in value]
    return value


def _theirs(job: dict[str, Any]) -> Any:
    made = gt.TuningJob._from_response(response=gtu._TuningJob_from_vertex(job), kwargs={})
    return _snake_json_schema(json.loads(made.model_dump_json(exclude_none=True)))


def _ours(job: dict[str, Any]) -> Any:
    return json.loads(types.TuningJob.from_vertex(job).model_dump_json(exclude_none=True))


def test_the_sample_job_sets_every_top_level_field() -> None:
    theirs = _theirs(JOB)
    assert set(gt.TuningJob.model_fields) - set(theirs) == {"sdk_http_response"}


def test_every_field_decodes_as_google_genai_decodes_it() -> None:
    assert _ours(JOB) == _theirs(JOB)


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(JOB)), min_size=1))
def test_any_subset_of_fields_decodes_alike(keys: set[str]) -> None:
    job = {k: JOB[k] for k in keys}
    assert _ours(job) == _theirs(job)


def _struct_fields(tp: Any) -> dict[str, Any]:
    return {f.name: f.type for f in msgspec.structs.fields(tp)}


def _leaf_types(tp: Any) -> set[Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, pytypes.UnionType, typing.Annotated):
        args = typing.get_args(tp)
        if origin is typing.Annotated:
            args = args[:1]
        return set().union(*(_leaf_types(a) for a in args if a is not type(None)))
    if origin in (list, dict):
        return _leaf_types(typing.get_args(tp)[-1])
    return {tp}


# google-genai's one camelCase Python name, snake_case in ours (genai_actors.types._generate).
_RENAMED = {("TextResponseFormat", "jsonSchema"): "json_schema"}
# Typed ``list[Metric | UnifiedMetric]`` in google-genai, ``list[Any]`` in the generated type
# (``Metric`` holds callables); decoded jobs hold UnifiedMetric (see the test below).
_UNTYPED = {("EvaluationConfig", "metrics")}


def _same_shape(theirs: type[pydantic.BaseModel], mine: Any, seen: set[str]) -> None:
    if theirs.__name__ in seen:
        return
    seen.add(theirs.__name__)
    mine_fields = _struct_fields(mine)
    for their_name, info in theirs.model_fields.items():
        name = _RENAMED.get((theirs.__name__, their_name), their_name)
        assert name in mine_fields, f"{mine.__name__}.{name} missing"
        if (theirs.__name__, name) in _UNTYPED:
            continue
        for leaf in _leaf_types(info.annotation):
            if isinstance(leaf, type) and issubclass(leaf, pydantic.BaseModel):
                ours = {
                    t
                    for t in _leaf_types(mine_fields[name])
                    if isinstance(t, type) and issubclass(t, msgspec.Struct)
                }
                match = [t for t in ours if t.__name__ == leaf.__name__]
                assert match, f"{mine.__name__}.{name}: {leaf.__name__} expected, got {ours}"
                _same_shape(leaf, match[0], seen)


def test_the_job_type_tree_has_google_genais_names_and_types() -> None:
    """Field by field, down the nested types: the same names, the same nested type names."""
    _same_shape(gt.TuningJob, types.TuningJob, set())


def test_evaluation_metrics_decode_where_google_genai_raises() -> None:
    """The service echoes metrics as ``UnifiedMetric`` plus ``aggregationMetrics``;
    google-genai's ``t_metrics`` reads them as named metrics and fails. Ours: UnifiedMetric."""
    job = {
        "name": "projects/1/locations/l/tuningJobs/2",
        "evaluationConfig": {
            "metrics": [
                {"aggregationMetrics": ["AVERAGE", "STANDARD_DEVIATION"], "bleuSpec": {}},
                {"aggregationMetrics": ["AVERAGE"], "rougeSpec": {"rougeType": "rouge1"}},
            ],
            "outputConfig": {"gcsDestination": {"outputUriPrefix": "gs://b/eval"}},
        },
    }
    with pytest.raises(AttributeError):
        gtu._TuningJob_from_vertex(job)
    mine = types.TuningJob.from_vertex(job)
    assert mine.evaluation_config is not None
    assert mine.evaluation_config.metrics == [
        gen.UnifiedMetric(bleu_spec=gen.BleuSpec()),
        gen.UnifiedMetric(rouge_spec=gen.RougeSpec(rouge_type="rouge1")),
    ]
    assert mine.evaluation_config.output_config == gen.OutputConfig(
        gcs_destination=gen.GcsDestination(output_uri_prefix="gs://b/eval")
    )


def test_decoding_leaves_the_callers_json_alone() -> None:
    job = json.loads(json.dumps(JOB))
    types.TuningJob.from_vertex(job)
    assert job == JOB


TUNED_MODELS: list[dict[str, Any]] = [
    {
        "name": "tunedModels/t-1",
        "baseModel": "models/gemini-2.5-flash",
        "displayName": "mine",
        "description": "d",
        "state": "ACTIVE",
        "createTime": "2026-01-01T00:00:00Z",
        "updateTime": "2026-01-01T02:00:00.5Z",
        "tuningTask": {
            "startTime": "2026-01-01T00:00:01Z",
            "completeTime": "2026-01-01T02:00:00Z",
            "snapshots": [{"step": 1, "epoch": 1, "meanLoss": 0.5}],
            "hyperparameters": {"epochCount": 5, "batchSize": 4, "learningRate": 0.001},
        },
    },
    {"name": "tunedModels/t-2", "state": "CREATING", "baseModel": "models/gemini-2.5-flash"},
    {"name": "tunedModels/t-3", "state": "FAILED"},
]


@pytest.mark.parametrize("model", TUNED_MODELS, ids=["active", "creating", "failed"])
def test_developer_api_jobs_decode_as_google_genai_decodes_them(model: dict[str, Any]) -> None:
    """Every field google-genai reads from a tuned model; ours adds the display name and the
    snapshots (google-genai drops them)."""
    made = gt.TuningJob._from_response(response=gtu._TuningJob_from_mldev(model), kwargs={})
    theirs = json.loads(made.model_dump_json(exclude_none=True))
    mine = json.loads(
        types.TuningJob.from_tuned_model(model).model_dump_json(
            exclude_none=True, exclude={"snapshots", "tuned_model_display_name"}
        )
    )
    assert mine == theirs
