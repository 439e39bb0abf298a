"""Vertex AI batch prediction jobs: the requests ``batches.*`` send and the jobs they decode
equal google-genai's (its Vertex client with only its HTTP send replaced; its
``_BatchJob_from_vertex`` and types for the answers)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from google.genai import batches as gb, types as gt

from genai_actors import types
from genai_actors._transformers import InvalidRequestError, Request
from genai_actors._transformers._batch_jobs import (
    vertex_batch_create_request,
    vertex_batch_list_request,
    vertex_batch_name,
)
from genai_actors.errors import UnsupportedByBackendError

from .oracle import Oracle, Sent, ours, same

UNIQUE = re.compile(r"\d{14}_[0-9a-f]{5}")


def _unstamped(sent: Sent) -> Sent:
    """``sent`` with the generated unique names (timestamp and random hex) replaced."""
    body = json.loads(UNIQUE.sub("{unique}", json.dumps(sent.body)))
    return Sent(sent.method, sent.path, sent.query, body)


def _create(model: str, src: Any, config: Any = None) -> Request:
    cfg = types.CreateBatchJobConfig(**config) if isinstance(config, dict) else config
    return vertex_batch_create_request(model, src, cfg or types.CreateBatchJobConfig())


CREATE_CASES: list[tuple[str, str, Any, Any]] = [
    ("gcs-str", "gemini-2.5-flash", "gs://b/in.jsonl", None),
    ("gcs-str-not-jsonl", "gemini-2.5-flash", "gs://b/in/*", {"display_name": "n"}),
    ("bq-str", "gemini-2.5-flash", "bq://p.d.t", None),
    ("bq-str-named", "gemini-2.5-flash", "bq://p.d.t", {"display_name": "mine"}),
    ("dataset", "gemini-2.5-flash", "projects/p/locations/l/datasets/7", {"display_name": "n"}),
    (
        "gcs-dict-many",
        "publishers/google/models/gemini-2.5-pro",
        {"gcs_uri": ["gs://b/a.jsonl", "gs://b/b.jsonl"], "format": "jsonl"},
        {"display_name": "n"},
    ),
    ("gcs-dest-str", "gemini-2.5-flash", "gs://b/in.jsonl", {"dest": "gs://b/out"}),
    ("bq-dest-str", "gemini-2.5-flash", "gs://b/in.jsonl", {"dest": "bq://p.d.out"}),
    (
        "dest-dict",
        "gemini-2.5-flash",
        "bq://p.d.t",
        {"display_name": "n", "dest": {"format": "bigquery", "bigquery_uri": "bq://p.d.o"}},
    ),
    (
        "dest-dataset",
        "gemini-2.5-flash",
        "projects/p/locations/l/datasets/7",
        {"dest": {"vertex_dataset": {"bigquery_destination": "bq://p.d.o", "display_name": "x"}}},
    ),
    ("tuned-model", "projects/p/locations/l/models/123", "gs://b/in.jsonl", {"display_name": "n"}),
]


@pytest.mark.parametrize(
    ("cname", "model", "src", "config"), CREATE_CASES, ids=[c[0] for c in CREATE_CASES]
)
def test_create_matches_google_genai(
    oracle: Oracle, cname: str, model: str, src: Any, config: Any
) -> None:
    theirs = oracle.sent(lambda c: c.batches.create(model=model, src=src, config=config))
    same(_unstamped(theirs), _unstamped(ours(_create(model, src, config))))


def test_create_source_struct_matches_google_genai(oracle: Oracle) -> None:
    """A BatchJobSource struct and a dict give the same request as google-genai's types."""
    theirs = oracle.sent(
        lambda c: c.batches.create(
            model="gemini-2.5-flash",
            src=gt.BatchJobSource(bigquery_uri="bq://p.d.t", format="bigquery"),
            config=gt.CreateBatchJobConfig(display_name="n"),
        )
    )
    mine = _create(
        "gemini-2.5-flash",
        types.BatchJobSource(bigquery_uri="bq://p.d.t", format="bigquery"),
        types.CreateBatchJobConfig(display_name="n"),
    )
    same(_unstamped(theirs), _unstamped(ours(mine)))


def test_default_names_have_google_genais_shape() -> None:
    """Without display_name and dest, the job is named and placed as google-genai does."""
    body = _create("gemini-2.5-flash", "bq://p.d.t").payload
    assert body is not None
    assert re.fullmatch(r"genai_batch_job_\d{14}_[0-9a-f]{5}", body["displayName"])
    unique = body["displayName"].removeprefix("genai_batch_job_")
    assert body["outputConfig"]["bigqueryDestination"]["outputUri"] == f"bq://p.d.t_dest_{unique}"


@pytest.mark.parametrize(
    "name",
    [
        "projects/proj/locations/us-central1/batchPredictionJobs/123",
        "123",
        "projects/o/locations/x/batchPredictionJobs/9",
        "projects/o/locations/x/batchPredictionJobs/abc",
    ],
)
def test_get_cancel_delete_paths_match_google_genai(oracle: Oracle, name: str) -> None:
    path = vertex_batch_name(name)
    for method, verb, suffix in (
        ("get", "GET", ""),
        ("cancel", "POST", ":cancel"),
        ("delete", "DELETE", ""),
    ):
        theirs = oracle.sent(lambda c, m=method: getattr(c.batches, m)(name=name))
        same(theirs, ours(Request(verb, f"{path}{suffix}")))


@pytest.mark.parametrize(
    "config", [None, {"page_size": 3}, {"page_size": 3, "page_token": "t", "filter": "state=x"}]
)
def test_list_matches_google_genai(oracle: Oracle, config: Any) -> None:
    theirs = oracle.sent(lambda c: c.batches.list(config=config))
    cfg = config or {}
    query = {"pageSize": cfg["page_size"]} if "page_size" in cfg else {}
    if "page_token" in cfg:
        query["pageToken"] = cfg["page_token"]
    same(theirs, ours(vertex_batch_list_request(query or None, cfg.get("filter"), None)))


@pytest.mark.parametrize(
    "name",
    ["batches/123", "abc", "", "12/3", "../1", "projects/p/locations/l/batchPredictionJobs/a/b"],
)
def test_bad_names_refused_as_google_genai_refuses_them(oracle: Oracle, name: str) -> None:
    with pytest.raises(InvalidRequestError):
        vertex_batch_name(name)
    with pytest.raises(ValueError):
        oracle.sent(lambda c: c.batches.get(name=name))


@pytest.mark.parametrize(
    ("src", "config", "field"),
    [
        ([{"contents": "hi"}], None, "src"),
        ("files/abc", None, "src"),
        ({"file_name": "files/abc"}, None, "src.file_name"),
        ("gs://b/i.jsonl", {"webhook_config": {"uris": ["https://x"]}}, "config.webhook_config"),
        ("gs://b/i.jsonl", {"dest": {"file_name": "files/x"}}, "config.dest.file_name"),
    ],
)
def test_developer_api_inputs_refused_naming_the_backend(
    oracle: Oracle, src: Any, config: Any, field: str
) -> None:
    with pytest.raises(UnsupportedByBackendError) as info:
        _create("gemini-2.5-flash", src, config)
    assert "Vertex AI" in str(info.value)
    assert field in str(info.value)
    with pytest.raises(ValueError):  # google-genai refuses them too, before sending
        oracle.sent(lambda c: c.batches.create(model="gemini-2.5-flash", src=src, config=config))


@pytest.mark.parametrize(
    "src", [{"gcs_uri": ["gs://a"], "bigquery_uri": "bq://p.d.t"}, {}, "http://x", "s3://b/k"]
)
def test_not_exactly_one_source_refused(oracle: Oracle, src: Any) -> None:
    with pytest.raises(InvalidRequestError):
        _create("gemini-2.5-flash", src)
    with pytest.raises(ValueError):
        oracle.sent(lambda c: c.batches.create(model="gemini-2.5-flash", src=src))


JOBS: list[dict[str, Any]] = [
    {
        "name": "projects/1/locations/us-central1/batchPredictionJobs/42",
        "displayName": "n",
        "model": "publishers/google/models/gemini-2.5-flash",
        "state": "JOB_STATE_SUCCEEDED",
        "createTime": "2026-01-01T00:00:00.123456Z",
        "startTime": "2026-01-01T00:00:01Z",
        "endTime": "2026-01-01T01:00:00Z",
        "updateTime": "2026-01-01T01:00:00Z",
        "inputConfig": {"instancesFormat": "jsonl", "gcsSource": {"uris": ["gs://b/in.jsonl"]}},
        "outputConfig": {
            "predictionsFormat": "jsonl",
            "gcsDestination": {"outputUriPrefix": "gs://b/in/dest"},
        },
        "completionStats": {"successfulCount": "3", "failedCount": "1", "incompleteCount": "0"},
        "outputInfo": {"gcsOutputDirectory": "gs://b/in/dest/prediction-1"},
        "labels": {"a": "b"},
    },
    {
        "name": "projects/1/locations/us-central1/batchPredictionJobs/43",
        "state": "JOB_STATE_FAILED",
        "error": {"code": 3, "message": "bad input", "details": []},
        "inputConfig": {
            "instancesFormat": "bigquery",
            "bigquerySource": {"inputUri": "bq://p.d.t"},
        },
        "outputConfig": {
            "predictionsFormat": "bigquery",
            "bigqueryDestination": {"outputUri": "bq://p.d.o"},
        },
        "outputInfo": {"bigqueryOutputTable": "o"},
    },
    {
        "name": "projects/1/locations/l/batchPredictionJobs/44",
        "state": "JOB_STATE_PENDING",
        "inputConfig": {
            "instancesFormat": "vertex-dataset",
            "vertexMultimodalDatasetSource": {"datasetName": "projects/1/locations/l/datasets/2"},
        },
        "outputConfig": {
            "vertexMultimodalDatasetDestination": {
                "bigqueryDestination": {"outputUri": "bq://p.d.o"},
                "displayName": "out",
            }
        },
    },
]


def _dump(value: Any) -> Any:
    return json.loads(value.model_dump_json(exclude_none=True))


@pytest.mark.parametrize("job", JOBS, ids=["succeeded", "failed-bq", "dataset"])
def test_job_decodes_as_google_genai_decodes_it(job: dict[str, Any]) -> None:
    theirs = gt.BatchJob._from_response(response=gb._BatchJob_from_vertex(job), kwargs={})
    mine = types.BatchJob.from_vertex(job)
    assert _dump(mine) == _dump(theirs)


def test_done_states() -> None:
    done = [
        types.BatchJob.from_vertex({**JOBS[0], "state": s}).done
        for s in (
            "JOB_STATE_SUCCEEDED",
            "JOB_STATE_PARTIALLY_SUCCEEDED",
            "JOB_STATE_CANCELLED",
            "JOB_STATE_RUNNING",
            "JOB_STATE_CANCELLING",
        )
    ]
    assert done == [True, True, True, False, False]
