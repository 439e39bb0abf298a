"""``genai-actors jobs watch NAME``: batches, tunings and operations followed to their end
(in-process, against a test's emulator given as the API), and bad input."""

from __future__ import annotations

import genai_actors as ga
from genai_actors.emulator import Emulator

from .conftest import InProcess

FAST = ("--poll", "0.05")  # the first polls 50 ms apart instead of a second


def _client(emulator: Emulator) -> ga.Client:
    return ga.Client(api_key="k", http_options={"base_url": emulator.url})


def test_watches_a_batch_and_a_tuning_to_success(cli: InProcess, gemini_emulator: Emulator) -> None:
    """A batch and a tuning job end JOB_STATE_SUCCEEDED: status 0, progress drawn on stderr,
    one closing line with the counts on stdout."""
    with _client(gemini_emulator) as client:
        batch = client.batches.create(
            model="gemini-2.5-flash", src=[{"contents": f"q{i}"} for i in range(6)]
        )
        tuning = client.tunings.tune(
            base_model="models/gemini-2.5-flash",
            training_dataset={"examples": [{"text_input": "a", "output": "b"}] * 10},
        )
    proc = cli("jobs", "watch", batch.name or "", *FAST, emulator=gemini_emulator)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"{batch.name}: JOB_STATE_SUCCEEDED (6 requests: 6 succeeded, 0 failed)\n"
    )
    assert f"{batch.name}: succeeded" in proc.stderr
    assert "6/6" in proc.stderr
    proc = cli("jobs", "watch", tuning.name or "", *FAST, emulator=gemini_emulator)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{tuning.name}: JOB_STATE_SUCCEEDED (")
    assert "training steps, model tunedModels/" in proc.stdout


def test_an_operation_that_fails_exits_1(cli: InProcess, gemini_emulator: Emulator) -> None:
    """A finished operation exits 0; a failed one exits 1 and says why."""
    good = "models/veo-3.0-generate-001/operations/good"
    bad = "models/veo-3.0-generate-001/operations/bad"
    gemini_emulator.operations.create(good, polls=1)
    gemini_emulator.operations.create(bad, polls=50)
    gemini_emulator.operations.fail(bad, 400, "unsafe prompt")
    proc = cli("jobs", "watch", good, *FAST, emulator=gemini_emulator)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{good}: DONE (done)\n"
    proc = cli("jobs", "watch", bad, *FAST, emulator=gemini_emulator)
    assert proc.returncode == 1
    assert proc.stdout == f"{bad}: FAILED (failed: unsafe prompt)\n"


def test_unknown_slow_and_malformed_jobs(cli: InProcess, gemini_emulator: Emulator) -> None:
    """An unknown job and a timeout exit 1 with one line; a name of no job form exits 2."""
    slow = "models/veo-3.0-generate-001/operations/slow"
    gemini_emulator.operations.create(slow, polls=1_000)
    proc = cli("jobs", "watch", "batches/nope", emulator=gemini_emulator)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "genai-actors jobs watch: no such job: batches/nope"
    proc = cli("jobs", "watch", slow, "--timeout", "0.3", *FAST, emulator=gemini_emulator)
    assert proc.returncode == 1
    assert f"{slow} is still running after 0.3 s" in proc.stderr
    proc = cli("jobs", "watch", "models/gemini-2.5-flash")
    assert proc.returncode == 2
    assert "expected batches/ID, tunedModels/ID or .../operations/ID" in proc.stderr
    proc = cli("jobs", "watch", "batches/x", "--timeout", "soon")
    assert proc.returncode == 2
    assert "expected a number of seconds" in proc.stderr


def test_embedded_emulator_says_it_starts_empty(cli: InProcess) -> None:
    """Without a key there are no jobs to watch: the message says how to watch yours."""
    proc = cli("jobs", "watch", "batches/abc")
    assert proc.returncode == 1
    assert "the embedded emulator starts empty: set GEMINI_API_KEY" in proc.stderr
