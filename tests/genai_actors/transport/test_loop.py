"""The loop the library creates where it owns one: uvloop when installed, else asyncio."""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import pytest

import genai_actors as ga
from genai_actors._transport import _loop
from genai_actors.emulator import Emulator

from ..core.conftest import API_KEY

HAS_UVLOOP = importlib.util.find_spec("uvloop") is not None


def test_asyncio_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_loop.LOOP_ENV, "asyncio")
    loop = _loop.new_event_loop()
    try:
        assert _loop.loop_name(loop) == "asyncio"
    finally:
        loop.close()


@pytest.mark.skipif(not HAS_UVLOOP, reason="uvloop is not installed")
def test_uvloop_is_the_default_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_loop.LOOP_ENV, raising=False)
    loop = _loop.new_event_loop()
    try:
        assert _loop.loop_name(loop) == "uvloop"
    finally:
        loop.close()


def test_a_bad_choice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_loop.LOOP_ENV, "trio")
    with pytest.raises(ValueError, match="GENAI_ACTORS_LOOP"):
        _loop.loop_factory()


def test_uvloop_asked_for_but_missing_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_loop.LOOP_ENV, "uvloop")
    monkeypatch.setitem(sys.modules, "uvloop", None)  # import fails
    with pytest.raises(ImportError, match=r"genai-actors\[uvloop\]"):
        _loop.loop_factory()


@pytest.mark.parametrize("choice", ["asyncio", "uvloop"])
def test_the_blocking_client_runs_on_the_chosen_loop(
    monkeypatch: pytest.MonkeyPatch, choice: str
) -> None:
    """The blocking client's private loop follows the choice, and calls work on it."""
    if choice == "uvloop" and not HAS_UVLOOP:
        pytest.skip("uvloop is not installed")
    monkeypatch.setenv(_loop.LOOP_ENV, choice)
    with (
        Emulator(api_key=API_KEY) as emulator,  # in a thread of its own
        ga.Client(api_key=API_KEY, http_options={"base_url": emulator.url}) as client,
    ):
        response = client.models.generate_content(model="gemini-2.5-flash", contents="hi")
        loop = client._bridge._loop
        assert loop is not None
        assert _loop.loop_name(loop) == choice
    assert response.text


def test_owned_loops_makes_asyncio_run_use_the_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    """``asyncio.run`` inside the block runs on the chosen loop; the policy is restored."""
    choice = "uvloop" if HAS_UVLOOP else "asyncio"
    monkeypatch.setenv(_loop.LOOP_ENV, choice)
    before = asyncio.get_event_loop_policy()

    async def which() -> str:
        return _loop.loop_name(asyncio.get_running_loop())

    with _loop.owned_loops():
        assert asyncio.run(which()) == choice
    assert asyncio.get_event_loop_policy() is before
