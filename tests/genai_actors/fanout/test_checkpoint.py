"""Durable runs: killed with SIGKILL at random points and restarted, every input is answered
exactly once in the output, and nothing answered is ever sent again."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

import msgspec
import pytest

import genai_actors as ga
from genai_actors._fanout import Checkpoint
from genai_actors._fanout._checkpoint import state_path
from genai_actors.emulator import Emulator, FaultConfig

from ._inputs import MODEL, line

ROOT = Path(__file__).resolve().parents[3]
COUNT = 1_000


def _answered(path: Path) -> list[str]:
    """Keys of the complete lines of the output."""
    if not path.exists():
        return []
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    return [msgspec.json.decode(x)["key"] for x in complete.splitlines()]


def _sent(emu: Emulator, start: int) -> set[str]:
    """Keys of the generateContent requests the emulator received from request ``start`` on."""
    keys = set()
    for request in list(emu.recorded)[start:]:
        if request.path.endswith(":generateContent"):
            text = request.json["contents"][0]["parts"][0]["text"]
            keys.add("k" + text.removeprefix("prompt "))
    return keys


@pytest.mark.parametrize("seed", [7])
@pytest.mark.timeout(300)
def test_killed_runs_resume_to_exactly_once(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    out = tmp_path / "out.jsonl"
    faults = FaultConfig(latency=0.002, error_rate=0.05, error_statuses=(429, 503))
    with Emulator(faults=faults, record_limit=None, seed=seed) as emu:
        answered_before: set[str] = set()
        kills = 0
        for run in range(12):
            start = len(emu.recorded)
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.genai_actors.fanout._kill_worker",
                    emu.url,
                    str(out),
                    str(COUNT),
                ],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            finished = False
            if run < 5:  # five kills at random points of progress, then a run to the end
                # A point of progress, not of time: a run may take a few tenths of a second
                # and must still be killed mid-way.
                left = COUNT - len(answered_before)
                target = len(answered_before) + rng.randint(1, max(1, left // 4))
                deadline = time.monotonic() + 120
                while proc.poll() is None and len(_answered(out)) < target:
                    assert time.monotonic() < deadline, "the run made no progress"
                    time.sleep(0.002)
                if proc.poll() is None:
                    proc.kill()  # SIGKILL: no clean-up of any kind
                    proc.wait()
                    kills += 1
                else:
                    finished = True
            else:
                proc.wait(timeout=120)
                finished = True
            stdout, stderr = proc.communicate()
            if finished:
                assert proc.returncode == 0, stderr
            # Nothing this run sent had been answered by an earlier run.
            assert not (_sent(emu, start) & answered_before)
            answered_before = set(_answered(out))
            if finished:
                assert stdout.startswith("complete")
                break
    keys = _answered(out)
    assert sorted(keys) == sorted(f"k{i}" for i in range(COUNT))  # each exactly once
    assert kills >= 1
    assert out.read_bytes().endswith(b"\n")


def test_a_cut_last_line_is_dropped_and_its_input_sent_again(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"key":"k0","response":{}}\n{"key":"k1","resp')
    store = Checkpoint(out)
    assert store.is_answered(0, "k0")
    assert not store.is_answered(1, "k1")
    store.close()
    assert out.read_bytes() == b'{"key":"k0","response":{}}\n'
    reopened = Checkpoint(out)  # the state file now vouches for the line
    assert reopened.is_answered(0, "k0")
    assert not reopened.is_answered(1, "k1")
    reopened.close()


def test_a_state_file_from_another_run_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"key":"k0","response":{}}\n')
    Checkpoint(out).close()
    out.write_bytes(b"")
    with pytest.raises(ValueError, match="not from the same run"):
        Checkpoint(out)
    state_path(out).write_text("nonsense")
    with pytest.raises(ValueError, match="not a fan-out checkpoint"):
        Checkpoint(out)


async def test_a_finished_checkpoint_sends_nothing_again(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    async with (
        Emulator(record_limit=None) as emu,
        ga.AsyncClient(api_key="k", http_options={"base_url": emu.url}) as client,
    ):
        first = [
            r
            async for r in client.fanout([line(i) for i in range(30)], model=MODEL, checkpoint=out)
        ]
        assert len(first) == 30
        sent = len(emu.recorded)
        again = client.fanout([line(i) for i in range(30)], model=MODEL, checkpoint=out)
        assert [r async for r in again] == []
        assert again.stats.skipped == 30
        assert len(emu.recorded) == sent
    assert sorted(_answered(out)) == sorted(f"k{i}" for i in range(30))
