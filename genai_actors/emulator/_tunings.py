"""Model tuning on the Developer API: ``POST tunedModels``, its operation, and ``:cancel``.

Creating a tuned model answers an Operation ``tunedModels/{id}/operations/{op}`` whose metadata
(``@type`` ``...CreateTunedModelMetadata``) carries ``tunedModel``, ``totalSteps``,
``completedSteps``, ``completedPercent`` and ``snapshots``. The tuned model itself
(``GET tunedModels/{id}``) is ``CREATING`` until training ends, then ``ACTIVE`` with
``tuningTask{startTime, completeTime, snapshots, hyperparameters}``; once ACTIVE it answers
``tunedModels/{id}:generateContent``. Training walks queued -> training -> done, one stage per
``Settings.job_polls`` GETs (of the model or the operation) and ``Settings.job_delay`` seconds.
Only base models whose ``supportedGenerationMethods`` include ``createTunedModel`` can be tuned;
output-only fields sent back (``state``, times, ``tuningTask.snapshots``...) are ignored.
``:cancel`` stops a model that is still CREATING: it becomes ``FAILED`` (the API has no cancelled
state) and the operation finishes with a CANCELLED error.

google-genai 3.x does not send training examples on this path; without examples the emulator
assumes 10 (they only size ``totalSteps``).
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._errors import ApiError, bad_request
from ._operations import Operation
from ._timeutil import Progress, rfc3339

if TYPE_CHECKING:
    from ._router import Call, Router
    from ._state import EmulatorState

__all__ = ["TuningStore", "register"]

_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta."
_ID = re.compile(r"^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$")
_STAGES = ("QUEUED", "TRAINING", "DONE")


@dataclass
class _Job:
    model: str
    operation: str
    total_steps: int
    epochs: int
    batch_size: int
    progress: Progress
    cancelled: bool = False


class TuningStore:
    """Tuning jobs in progress, keyed by tuned model name.

    Args:
        state: The emulator state (its ``tuned_models`` dict holds the resources).
    """

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._jobs: dict[str, _Job] = {}

    def create(self, body: dict[str, Any], model_id: str | None, version: str) -> Operation:
        """Start tuning a model from a validated ``TunedModel`` body.

        Raises:
            ApiError: 400 for a missing base model, a bad id or bad hyperparameters; 404 for a
                base model that is unknown or cannot be tuned (its ``supportedGenerationMethods``
                lack ``createTunedModel``); 409 when the id is taken.
        """
        state = self._state
        base = body.get("baseModel")
        if not base:
            raise bad_request(
                "* CreateTunedModelRequest.tuned_model.base_model: base_model is required\n",
                "base_model",
            )
        if not base.startswith("models/"):
            base = f"models/{base}"
        # Only base models listing createTunedModel can be tuned; the others get the API's 404.
        state.model(base, "createTunedModel", version)
        if model_id is None:
            slug = re.sub(r"[^a-z0-9]+", "-", (body.get("displayName") or "tuned-model").lower())
            model_id = f"{slug.strip('-')[:24] or 'tuned-model'}-{secrets.token_hex(4)}".lstrip("-")
            if not model_id[0].isalpha():
                model_id = f"m{model_id}"
        if not _ID.match(model_id):
            raise bad_request(
                f"Invalid tuned model id {model_id!r}: use 1-40 lower-case letters, digits or "
                "dashes, starting with a letter.",
                "tuned_model_id",
            )
        name = f"tunedModels/{model_id}"
        if name in state.tuned_models:
            raise ApiError(409, f"Tuned model {name} already exists.")
        task = body.get("tuningTask", {})
        hyper = dict(task.get("hyperparameters", {}))
        epochs = hyper.setdefault("epochCount", 5)
        batch_size = hyper.setdefault("batchSize", 4)
        if "learningRate" not in hyper and "learningRateMultiplier" not in hyper:
            hyper["learningRate"] = 0.001
        for field, value in (("epoch_count", epochs), ("batch_size", batch_size)):
            if value < 1:
                raise bad_request(
                    f"* tuning_task.hyperparameters.{field}: must be positive\n",
                    f"tuning_task.hyperparameters.{field}",
                )
        if hyper.get("learningRate", 1.0) <= 0 or hyper.get("learningRateMultiplier", 1.0) <= 0:
            raise bad_request(
                "* tuning_task.hyperparameters.learning_rate: must be positive\n",
                "tuning_task.hyperparameters.learning_rate",
            )
        examples = task.get("trainingData", {}).get("examples", {}).get("examples")
        if examples is not None:
            for i, example in enumerate(examples):
                if not example.get("textInput") or "output" not in example:
                    raise bad_request(
                        f"* tuning_task.training_data.examples.examples[{i}]: text_input and "
                        "output are required\n",
                        f"tuning_task.training_data.examples.examples[{i}]",
                    )
        count = len(examples) if examples else 10
        total = math.ceil(count / batch_size) * epochs
        now = rfc3339(state.now())
        resource: dict[str, Any] = {
            "name": name,
            "baseModel": base,
            "displayName": body.get("displayName", ""),
            "description": body.get("description", ""),
            "state": "CREATING",
            "createTime": now,
            "updateTime": now,
            "temperature": body.get("temperature", 1.0),
            "topP": body.get("topP", 0.95),
            "topK": body.get("topK", 64),
            "tuningTask": {"startTime": now, "hyperparameters": hyper},
        }
        state.tuned_models[name] = resource
        op_name = f"{name}/operations/{state.operations.new_id('tune')}"
        settings = state.settings
        job = _Job(
            model=name,
            operation=op_name,
            total_steps=total,
            epochs=epochs,
            batch_size=batch_size,
            progress=Progress(
                _STAGES,
                polls=settings.job_polls,
                delay=settings.job_delay,
                clock=state.clock,
                on_enter=lambda stage: self._enter(name, stage),
            ),
        )
        self._jobs[name] = job
        op = state.operations.create(
            op_name,
            metadata=self._metadata(job),
            refresh=lambda o: self._refresh_op(name, o),
            finish=lambda: self._finish_job(name),
        )
        return op

    def _metadata(self, job: _Job) -> dict[str, Any]:
        stage = job.progress.stage
        done = {"QUEUED": 0, "TRAINING": job.total_steps // 2}.get(stage, job.total_steps)
        meta: dict[str, Any] = {
            "@type": _TYPE + "CreateTunedModelMetadata",
            "tunedModel": job.model,
            "totalSteps": job.total_steps,
            "completedSteps": done,
            "completedPercent": round(100.0 * done / job.total_steps, 1) if job.total_steps else 0,
        }
        resource = self._state.tuned_models.get(job.model)
        snapshots = resource.get("tuningTask", {}).get("snapshots") if resource else None
        if snapshots:
            meta["snapshots"] = snapshots
        return meta

    def _snapshots(self, job: _Job, steps: int) -> list[dict[str, Any]]:
        per_epoch = max(1, job.total_steps // job.epochs)
        out = []
        for step in range(1, steps + 1):
            loss = round(2.0 / (1.0 + 0.5 * step), 4)
            out.append(
                {
                    "step": step,
                    "epoch": (step - 1) // per_epoch + 1,
                    "meanLoss": loss,
                    "computeTime": rfc3339(self._state.now()),
                }
            )
        return out

    def _enter(self, name: str, stage: str) -> None:
        job = self._jobs[name]
        resource = self._state.tuned_models.get(name)
        if resource is None:
            return
        now = rfc3339(self._state.now())
        resource["updateTime"] = now
        task = resource.setdefault("tuningTask", {})
        if stage == "TRAINING":
            task["snapshots"] = self._snapshots(job, job.total_steps // 2)
        elif stage == "DONE":
            task["snapshots"] = self._snapshots(job, job.total_steps)
            task["completeTime"] = now
            resource["state"] = "ACTIVE"

    def _refresh_op(self, name: str, op: Operation) -> None:
        job = self._jobs.get(name)
        if job is None:
            return
        self.poll(name)
        op.metadata = self._metadata(job)
        if job.cancelled:
            op.done = True
            op.error = {"code": 1, "message": "Tuning was cancelled.", "status": "CANCELLED"}
        elif job.progress.finished and not op.done:
            resource = self._state.tuned_models.get(name, {})
            op.done = True
            op.response = {"@type": _TYPE + "TunedModel", **resource}

    def poll(self, name: str, *, counts: bool = True) -> None:
        """Count one look at a model being tuned and advance it (no-op for other models, and
        when ``counts`` is False)."""
        job = self._jobs.get(name)
        if job is None or job.cancelled or not counts:
            return
        job.progress.poll()

    def _finish_job(self, name: str) -> None:
        job = self._jobs.get(name)
        if job is not None and not job.cancelled:
            job.progress.finish()

    def finish(self, name: str) -> None:
        """Finish tuning now (tests and demos).

        Raises:
            KeyError: If the model is not being tuned.
        """
        self._jobs[name].progress.finish()

    def cancel(self, name: str) -> None:
        """Cancel tuning a model that is still CREATING.

        Raises:
            ApiError: 404 for an unknown tuned model; 400 FAILED_PRECONDITION once it is done.
        """
        resource = self._state.tuned_models.get(name)
        if resource is None:
            raise ApiError(404, f"Tuned model {name} does not exist.")
        job = self._jobs.get(name)
        if resource.get("state") != "CREATING" or job is None or job.cancelled:
            raise ApiError(
                400,
                f"Tuned model {name} is {resource.get('state')}; only a model that is still "
                "being tuned (CREATING) can be cancelled.",
                status="FAILED_PRECONDITION",
            )
        job.cancelled = True
        job.progress.stop("CANCELLED")
        now = rfc3339(self._state.now())
        resource["state"] = "FAILED"
        resource["updateTime"] = now
        resource.setdefault("tuningTask", {})["completeTime"] = now


# -- routes -------------------------------------------------------------------------------------


async def create_tuned_model(call: Call) -> dict[str, Any]:
    """``POST tunedModels[?tunedModelId=...]``: start tuning; answers the Operation."""
    body = call.body_as("TunedModelCreate")
    model_id = call.query.get("tunedModelId") or call.query.get("tuned_model_id")
    return call.state.tunings.create(body, model_id, call.version).to_json()


async def cancel_tuning(call: Call) -> dict[str, Any]:
    """``POST tunedModels/{id}:cancel``."""
    call.state.tunings.cancel(call.name)
    return {}


def register(router: Router) -> None:
    """Add the tuning routes (get/list/patch/delete of tuned models live in ``_models``)."""
    router.add("POST", "tunedModels", "", create_tuned_model)
    router.add("POST", "tunedModels/*", "cancel", cancel_tuning)
