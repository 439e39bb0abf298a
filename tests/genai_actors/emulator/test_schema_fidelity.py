"""Fidelity to the official API schema: Model fields, path fields repeated in the body, output-only
fields sent back, and which base models can be tuned."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from google import genai
from google.genai import errors, types

from genai_actors.emulator import Emulator

from .conftest import Raw, user

TUNE: dict[str, Any] = {
    "displayName": "Round trip",
    "tuningTask": {
        "hyperparameters": {"epochCount": 1, "batchSize": 2, "learningRate": 0.01},
        "trainingData": {"examples": {"examples": [{"textInput": "a", "output": "b"}]}},
    },
}


async def _all_models(raw: Raw) -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = []
    params = {"pageSize": "3"}
    while True:
        status, body = await raw.get("v1beta/models", params=params)
        assert status == 200, body
        models.extend(body["models"])
        if "nextPageToken" not in body:
            return models
        params = {"pageSize": "3", "pageToken": body["nextPageToken"]}


async def test_every_base_model_carries_base_model_id(raw: Raw) -> None:
    """models.list and models.get give every Model a baseModelId its name is built from."""
    listed = await _all_models(raw)
    assert len(listed) > 10
    for model in listed:
        base_id = model.get("baseModelId")
        assert isinstance(base_id, str), model["name"]
        assert base_id, model["name"]
        assert model["name"].startswith(f"models/{base_id}"), model
        status, got = await raw.get(f"v1beta/{model['name']}")
        assert status == 200
        assert got == model
    by_name = {m["name"]: m["baseModelId"] for m in listed}
    assert by_name["models/gemini-2.5-flash"] == "gemini-2.5-flash"
    assert by_name["models/imagen-4.0-generate-001"] == "imagen-4.0-generate"


async def test_tuned_models_name_an_existing_base_model(raw: Raw) -> None:
    """Seeded and newly tuned models (get and list) carry baseModel naming a served Model."""
    status, _ = await raw.post("v1beta/tunedModels", {**TUNE, "baseModel": "gemini-2.0-flash"})
    assert status == 200
    served = {m["name"] for m in await _all_models(raw)}
    _, body = await raw.get("v1beta/tunedModels")
    assert len(body["tunedModels"]) == 2
    for tuned in body["tunedModels"]:
        assert tuned["baseModel"] in served, tuned
        _, got = await raw.get(f"v1beta/{tuned['name']}")
        assert got["baseModel"] == tuned["baseModel"]


async def test_count_tokens_and_predict_accept_model_in_the_body(raw: Raw) -> None:
    """countTokens, predict, predictLongRunning and batchEmbedContents take a body `model` field."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("models/gemini-2.5-flash:countTokens", {"contents": [user("a b c")]}),
        ("models/imagen-4.0-generate-001:predict", {"instances": [{"prompt": "a cat"}]}),
        ("models/veo-3.0-generate-001:predictLongRunning", {"instances": [{"prompt": "a cat"}]}),
        (
            "models/gemini-embedding-001:batchEmbedContents",
            {"requests": [{"model": "models/gemini-embedding-001", "content": user("x")}]},
        ),
    ]
    for path, body in calls:
        model = path.split(":")[0]
        status, reply = await raw.post(f"v1beta/{path}", {"model": model, **body})
        assert status == 200, (path, reply)
    status, reply = await raw.post(
        "v1beta/models/gemini-2.5-flash:countTokens",
        {"model": "models/gemini-2.5-flash", "contents": [user("a b c")]},
    )
    assert reply["totalTokens"] == 3


async def test_count_tokens_body_model_is_still_type_checked(raw: Raw) -> None:
    """A body `model` that is not a string is refused as the proto-JSON parser refuses it."""
    status, err = await raw.post(
        "v1beta/models/gemini-2.5-flash:countTokens", {"model": 5, "contents": [user("x")]}
    )
    assert status == 400
    assert "TYPE_STRING" in err["error"]["message"]


async def test_a_fetched_tuned_model_can_be_sent_back_to_create(raw: Raw) -> None:
    """A fetched TunedModel sent back to create: its output-only fields are ignored."""
    _, seeded = await raw.get("v1beta/tunedModels/emulated-tuned-model")
    assert seeded["tuningTask"]["snapshots"]
    body = copy.deepcopy(seeded)
    body["tuningTask"]["trainingData"] = TUNE["tuningTask"]["trainingData"]
    status, op = await raw.post("v1beta/tunedModels", body, params={"tunedModelId": "again"})
    assert status == 200, op
    assert op["metadata"]["tunedModel"] == "tunedModels/again"
    _, model = await raw.get("v1beta/tunedModels/again")
    assert model["state"] == "CREATING"
    assert model["createTime"] != seeded["createTime"]
    task = model["tuningTask"]
    assert task["startTime"] != seeded["tuningTask"]["startTime"]
    assert task["hyperparameters"] == seeded["tuningTask"]["hyperparameters"]
    assert len(task["snapshots"]) == 1  # this job's own, not the ones sent back


async def test_output_only_tuning_task_fields_are_ignored_in_snake_case_too(raw: Raw) -> None:
    """start_time, complete_time and snapshots in a create body are accepted and not adopted."""
    body = {
        **TUNE,
        "base_model": "models/gemini-2.5-flash",
        "name": "tunedModels/ignored",
        "state": "ACTIVE",
        "create_time": "2020-01-01T00:00:00Z",
        "update_time": "2020-01-01T00:00:00Z",
        "tuning_task": {
            **TUNE["tuningTask"],
            "start_time": "2020-01-01T00:00:00Z",
            "complete_time": "2020-01-01T00:00:00Z",
            "snapshots": [
                {"step": 1, "epoch": 1, "mean_loss": 0.1, "compute_time": "2020-01-01T00:00:00Z"}
            ],
        },
    }
    status, op = await raw.post("v1beta/tunedModels", body, params={"tunedModelId": "snaky"})
    assert status == 200, op
    _, model = await raw.get("v1beta/tunedModels/snaky")
    assert model["name"] == "tunedModels/snaky"
    assert model["state"] in ("CREATING", "ACTIVE")
    assert not model["createTime"].startswith("2020")
    assert not model["tuningTask"]["startTime"].startswith("2020")
    assert all(s["meanLoss"] != 0.1 for s in model["tuningTask"].get("snapshots", []))


async def test_output_only_fields_are_still_type_checked(raw: Raw) -> None:
    """An output-only field of the wrong type is still a 400, as the proto-JSON parser says."""
    body = {**TUNE, "baseModel": "models/gemini-2.5-flash"}
    body["tuningTask"] = {**TUNE["tuningTask"], "snapshots": "many"}
    status, err = await raw.post("v1beta/tunedModels", body)
    assert status == 400
    assert "tuning_task.snapshots" in err["error"]["message"]


async def test_a_fetched_tuned_model_can_be_sent_back_to_patch(raw: Raw) -> None:
    """PATCH with a whole fetched TunedModel applies the editable fields and ignores the rest."""
    name = "v1beta/tunedModels/emulated-tuned-model"
    _, seeded = await raw.get(name)
    body = {**copy.deepcopy(seeded), "description": "edited", "state": "FAILED"}
    status, model = await raw.call("PATCH", name, body)
    assert status == 200, model
    assert model["description"] == "edited"
    assert model["state"] == "ACTIVE"
    assert model["createTime"] == seeded["createTime"]
    assert model["tuningTask"] == seeded["tuningTask"]
    status, err = await raw.call("PATCH", name, {}, params={"updateMask": "create_time"})
    assert status == 400, err


async def test_models_list_names_the_tunable_models(raw: Raw) -> None:
    """Some models list createTunedModel; the tunable ones are text models that generate."""
    tunable = [
        m["name"]
        for m in await _all_models(raw)
        if "createTunedModel" in m["supportedGenerationMethods"]
    ]
    assert "models/gemini-2.5-flash" in tunable
    assert "models/gemini-2.0-flash" in tunable
    assert "models/gemini-2.5-pro" not in tunable
    for name in tunable:
        _, got = await raw.get(f"v1beta/{name}")
        assert "generateContent" in got["supportedGenerationMethods"]


async def test_tuning_accepts_exactly_the_tunable_models(raw: Raw) -> None:
    """Tuning works for every model listing createTunedModel and is refused (404) for the rest."""
    for model in await _all_models(raw):
        status, reply = await raw.post("v1beta/tunedModels", {**TUNE, "baseModel": model["name"]})
        if "createTunedModel" in model["supportedGenerationMethods"]:
            assert status == 200, (model["name"], reply)
            assert reply["metadata"]["tunedModel"].startswith("tunedModels/round-trip-")
        else:
            assert status == 404, (model["name"], reply)
            error = reply["error"]
            assert error["status"] == "NOT_FOUND"
            assert error["message"] == (
                f"{model['name']} is not found for API version v1beta, or is not supported for "
                "createTunedModel. Call ListModels to see the list of available models and their "
                "supported methods."
            )


async def test_tuned_model_is_not_a_tunable_base(raw: Raw, emu: Emulator) -> None:
    """A tuned model named as baseModel is refused like any model that cannot be tuned."""
    status, reply = await raw.post(
        "v1beta/tunedModels", {**TUNE, "baseModel": "tunedModels/emulated-tuned-model"}
    )
    assert status in (400, 404), reply
    assert len(emu.state.tuned_models) == 1


@pytest.mark.filterwarnings(
    "ignore:Inheritance class AiohttpClientSession from ClientSession is discouraged"
    ":DeprecationWarning"
)
@pytest.mark.filterwarnings("ignore::google.genai._common.ExperimentalWarning")
async def test_google_genai_sees_tunable_models_and_the_refusal(emu: Emulator) -> None:
    """google-genai lists createTunedModel in supported_actions and gets a 404 tuning the rest."""
    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=emu.url)).aio
    flash = await client.models.get(model="gemini-2.5-flash")
    assert flash.supported_actions is not None
    assert "createTunedModel" in flash.supported_actions
    pro = await client.models.get(model="gemini-2.5-pro")
    assert "createTunedModel" not in (pro.supported_actions or [])
    dataset = types.TuningDataset(examples=[types.TuningExample(text_input="a", output="b")])
    with pytest.raises(errors.ClientError) as refused:
        await client.tunings.tune(base_model="models/gemini-2.5-pro", training_dataset=dataset)
    assert refused.value.code == 404
    assert "createTunedModel" in str(refused.value.message)
    job = await client.tunings.tune(base_model="models/gemini-2.5-flash", training_dataset=dataset)
    assert job.name is not None
