"""POST /_emulator/operations/complete finishes jobs whose owner tracks their progress (tunings,
file-search imports) the way their last poll would, leaving the resource consistent."""

from __future__ import annotations

import aiohttp

from genai_actors.emulator import Emulator

from .conftest import Raw, upload, user

TUNE = {
    "baseModel": "models/gemini-2.5-flash",
    "tuningTask": {
        "trainingData": {"examples": {"examples": [{"textInput": "a", "output": "b"}]}},
    },
}


async def test_completing_a_tuning_operation_finishes_the_tuned_model(
    raw: Raw, emu: Emulator
) -> None:
    """The operation ends with the ACTIVE TunedModel as response; the model then generates."""
    emu.state.settings.job_polls = 1000
    _, op = await raw.post("v1beta/tunedModels", TUNE, params={"tunedModelId": "quick"})
    status, done = await raw.post("_emulator/operations/complete", {"name": op["name"]})
    assert status == 200, done
    assert done["done"] is True
    assert done["response"]["name"] == "tunedModels/quick"
    assert done["response"]["state"] == "ACTIVE"
    assert done["metadata"]["completedSteps"] == done["metadata"]["totalSteps"]
    _, model = await raw.get("v1beta/tunedModels/quick")
    assert model["state"] == "ACTIVE"
    assert "completeTime" in model["tuningTask"]
    _, polled = await raw.get(f"v1beta/{op['name']}")
    assert polled == done
    status, _ = await raw.post(
        "v1beta/tunedModels/quick:generateContent", {"contents": [user("hi")]}
    )
    assert status == 200


async def test_completing_a_cancelled_tuning_keeps_it_cancelled(raw: Raw, emu: Emulator) -> None:
    """A cancelled tuning stays FAILED; its operation keeps the CANCELLED error."""
    emu.state.settings.job_polls = 1000
    _, op = await raw.post("v1beta/tunedModels", TUNE, params={"tunedModelId": "stopped"})
    await raw.post("v1beta/tunedModels/stopped:cancel")
    _, done = await raw.post("_emulator/operations/complete", {"name": op["name"]})
    assert done["error"]["status"] == "CANCELLED"
    _, model = await raw.get("v1beta/tunedModels/stopped")
    assert model["state"] == "FAILED"


async def test_completing_an_import_indexes_the_document(raw: Raw, emu: Emulator) -> None:
    """A file-search import completed by the admin API has its document ACTIVE and searchable."""
    emu.state.settings.job_polls = 1000
    _, store = await raw.post("v1beta/fileSearchStores", {"displayName": "Docs"})
    async with aiohttp.ClientSession() as session:
        final = await upload(session, emu.url, b"Lighthouses guide ships at night. " * 4)
    _, op = await raw.post(
        f"v1beta/{store['name']}:importFile", {"fileName": final["file"]["name"]}
    )
    assert "done" not in op
    _, done = await raw.post("_emulator/operations/complete", {"name": op["name"]})
    assert done["done"] is True
    assert done["response"]["parent"] == store["name"]
    _, doc = await raw.get(f"v1beta/{done['response']['documentName']}")
    assert doc["state"] == "STATE_ACTIVE"
