"""Vertex AI batch prediction jobs (``batchPredictionJobs``): the requests of ``batches.*``.

Sources and destinations are URIs: ``gs://...`` (JSONL in Cloud Storage), ``bq://...``
(a BigQuery table) or a Vertex multimodal dataset (``projects/*/locations/*/datasets/*``),
given as a string, a dict or a :class:`~genai_actors.types.BatchJobSource` /
:class:`~genai_actors.types.BatchJobDestination`. As google-genai does, a job created without
``display_name`` is named ``genai_batch_job_{timestamp}_{5 hex}``, and one without ``dest``
writes beside its source (``gs://b/in.jsonl`` -> ``gs://b/in/dest``;
``bq://p.d.t`` -> ``bq://p.d.t_dest_{timestamp}_{5 hex}``).
"""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

from ..errors import UnsupportedByBackendError
from ..types._batches import BatchJobDestination, BatchJobSource, CreateBatchJobConfig
from ..types._validate import coerce
from ._errors import InvalidRequestError
from ._names import check_resource_id, t_model
from ._request import Request

__all__ = [
    "VERTEX_BATCH_COLLECTION",
    "vertex_batch_create_request",
    "vertex_batch_list_request",
    "vertex_batch_name",
]

VERTEX_BATCH_COLLECTION = "batchPredictionJobs"
_VERTEX = "Vertex AI API"
_FULL_NAME = re.compile(r"^projects/[^/]+/locations/[^/]+/batchPredictionJobs/([^/]+)$")
_DATASET = re.compile(r"^projects/[^/]+/locations/[^/]+/datasets/[^/]+$")


def vertex_batch_name(name: object) -> str:
    """``batchPredictionJobs/{id}`` from a full job name, a numeric id (bare or as
    ``batchPredictionJobs/{id}``) or a ``BatchJob``.

    The project and location of a full name are dropped, as google-genai drops them: the
    request goes to the client's own project and location.

    Raises:
        InvalidRequestError: Anything else (e.g. ``batches/x``); nothing is sent.
    """
    value = getattr(name, "name", name)
    if isinstance(value, str):
        match = _FULL_NAME.match(value)
        if match is not None:
            job_id = check_resource_id(match.group(1), "name")
            return f"{VERTEX_BATCH_COLLECTION}/{job_id}"
        job_id = value.removeprefix(f"{VERTEX_BATCH_COLLECTION}/")
        if job_id.isascii() and job_id.isdigit():
            return f"{VERTEX_BATCH_COLLECTION}/{job_id}"
    raise InvalidRequestError(
        "name",
        "expected a Vertex AI batch job name "
        f"'projects/<p>/locations/<l>/batchPredictionJobs/<id>' or its numeric id, got {value!r}",
    )


def _unique() -> str:
    # The shape of google-genai's generated names: local time to the second, 5 hex digits.
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    return f"{stamp}_{uuid.uuid4().hex[:5]}"


def _developer_only(path: str) -> UnsupportedByBackendError:
    return UnsupportedByBackendError(_VERTEX, path, "It needs the Gemini Developer API.")


def _source(src: Any) -> BatchJobSource:
    """``src`` as a source with exactly one of ``gcs_uri``, ``bigquery_uri`` and
    ``vertex_dataset_name``."""
    if isinstance(src, str):
        if src.startswith("gs://"):
            return BatchJobSource(format="jsonl", gcs_uri=[src])
        if src.startswith("bq://"):
            return BatchJobSource(format="bigquery", bigquery_uri=src)
        if _DATASET.match(src):
            return BatchJobSource(format="vertex-dataset", vertex_dataset_name=src)
        if src.startswith("files/"):
            raise _developer_only("src")
        raise InvalidRequestError(
            "src",
            "expected a 'gs://' or 'bq://' URI or a 'projects/*/locations/*/datasets/*' "
            f"dataset, got {src!r}",
        )
    if isinstance(src, list | tuple):
        raise _developer_only("src")  # inline requests
    source = coerce(src, BatchJobSource, "src")
    for field in ("inlined_requests", "file_name"):
        if getattr(source, field) is not None:
            raise _developer_only(f"src.{field}")
    given = [
        f
        for f in ("gcs_uri", "bigquery_uri", "vertex_dataset_name")
        if getattr(source, f) is not None
    ]
    if len(given) != 1:
        raise InvalidRequestError(
            "src", "give exactly one of gcs_uri, bigquery_uri and vertex_dataset_name"
        )
    return source


def _destination(dest: Any) -> BatchJobDestination:
    if isinstance(dest, str):
        if dest.startswith("gs://"):
            return BatchJobDestination(format="jsonl", gcs_uri=dest)
        if dest.startswith("bq://"):
            return BatchJobDestination(format="bigquery", bigquery_uri=dest)
        raise InvalidRequestError("config.dest", f"expected a 'gs://' or 'bq://' URI, got {dest!r}")
    out = coerce(dest, BatchJobDestination, "config.dest")
    for field in ("file_name", "inlined_responses", "inlined_embed_content_responses"):
        if getattr(out, field) is not None:
            raise _developer_only(f"config.dest.{field}")
    return out


def _input_config(source: BatchJobSource) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if source.format is not None:
        out["instancesFormat"] = source.format
    if source.gcs_uri is not None:
        out["gcsSource"] = {"uris": list(source.gcs_uri)}
    if source.bigquery_uri is not None:
        out["bigquerySource"] = {"inputUri": source.bigquery_uri}
    if source.vertex_dataset_name is not None:
        out["vertexMultimodalDatasetSource"] = {"datasetName": source.vertex_dataset_name}
    return out


def _output_config(dest: BatchJobDestination) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if dest.format is not None:
        out["predictionsFormat"] = dest.format
    if dest.gcs_uri is not None:
        out["gcsDestination"] = {"outputUriPrefix": dest.gcs_uri}
    if dest.bigquery_uri is not None:
        out["bigqueryDestination"] = {"outputUri": dest.bigquery_uri}
    dataset = dest.vertex_dataset
    if dataset is not None:
        block: dict[str, Any] = {}
        if dataset.bigquery_destination is not None:
            block["bigqueryDestination"] = {"outputUri": dataset.bigquery_destination}
        if dataset.display_name is not None:
            block["displayName"] = dataset.display_name
        out["vertexMultimodalDatasetDestination"] = block
    return out


def _default_destination(source: BatchJobSource, unique: str | None) -> str | None:
    gcs = source.gcs_uri[0] if source.gcs_uri else None
    if gcs is not None and gcs.endswith(".jsonl"):
        return f"{gcs[:-6]}/dest"
    if source.bigquery_uri:
        return f"{source.bigquery_uri}_dest_{unique or _unique()}"
    return None


def vertex_batch_create_request(model: str, src: Any, cfg: CreateBatchJobConfig) -> Request:
    """``batches.create`` on Vertex AI: POST ``batchPredictionJobs``.

    Body ``{model, inputConfig, displayName, outputConfig}`` with the model's full publisher
    name (``publishers/google/models/x``).

    Raises:
        InvalidRequestError: No source or not exactly one, an unknown URI scheme, a bad model.
        UnsupportedByBackendError: Developer-API-only input (inline requests, ``files/...``,
            ``webhook_config``, a ``file_name`` or inline destination).
    """
    if cfg.webhook_config is not None:
        raise _developer_only("config.webhook_config")
    source = _source(src)
    unique = None
    display_name = cfg.display_name
    if not display_name:
        unique = _unique()
        display_name = f"genai_batch_job_{unique}"
    dest: Any = cfg.dest or _default_destination(source, unique)
    body: dict[str, Any] = {
        "model": t_model(model, vertex=True),
        "inputConfig": _input_config(source),
        "displayName": display_name,
    }
    if dest:
        body["outputConfig"] = _output_config(_destination(dest))
    return Request("POST", VERTEX_BATCH_COLLECTION, None, body, cfg.http_options)


def vertex_batch_list_request(
    query: dict[str, Any] | None, filter_: str | None, http_options: Any
) -> Request:
    """``batches.list`` on Vertex AI: GET ``batchPredictionJobs`` (``filter`` allowed)."""
    text: dict[str, str] = {key: str(value) for key, value in (query or {}).items()}
    if filter_ is not None:
        text["filter"] = filter_
    return Request("GET", VERTEX_BATCH_COLLECTION, text or None, None, http_options)
