"""``python -m benchmarks``: the table's arithmetic, its markdown section, and a smoke run.

The smoke run starts the real harness (one emulator process, fresh worker processes) at its
``--smoke`` size for genai_actors only and checks that every scenario produced its rows with no
errors. It never looks at a figure's size: timings depend on the machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from benchmarks._report import (
    BEGIN,
    END,
    Sample,
    render_markdown,
    render_text,
    summarise,
    write_section,
)

ROOT = Path(__file__).resolve().parent.parent


def test_summarise_takes_medians_and_ratios_within_a_scenario() -> None:
    samples = [
        Sample("call", "aiohttp", v, "us", throughput=t, rss_mb=30.0)
        for v, t in ((100.0, 10.0), (300.0, 30.0), (200.0, 20.0))
    ]
    samples += [
        Sample("call", "genai_actors", v, "us", throughput=t, errors=e)
        for v, t, e in ((150.0, 15.0, 0), (250.0, 25.0, 2), (50.0, 5.0, 0))
    ]
    samples += [Sample("call", "floor", 50.0, "us"), Sample("call", "google-genai", 600.0, "us")]
    samples += [Sample("other", "genai_actors", 1.0, "B")]
    rows = summarise(samples)
    assert [(r.scenario, r.client) for r in rows] == [
        ("call", "floor"),
        ("call", "aiohttp"),
        ("call", "genai_actors"),
        ("call", "google-genai"),
        ("other", "genai_actors"),
    ]
    mine = rows[2]
    assert (mine.value, mine.throughput, mine.rss_mb, mine.errors, mine.runs) == (
        150.0,
        15.0,
        None,
        2,
        3,
    )
    assert mine.ratios == {"floor": 3.0, "aiohttp": 0.75, "google-genai": 0.25}
    assert mine.throughput_vs_bare == 0.75
    assert rows[1].ratios == {"floor": 4.0, "google-genai": 200.0 / 600.0}
    assert rows[4].ratios == {}
    assert rows[4].throughput_vs_bare is None
    text = render_text(rows, {"live/aiohttp": "boom"})
    assert "0.75x" in text
    assert "FAILED live/aiohttp: boom" in text


def test_write_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\nkept above\n")
    first = render_markdown(summarise([Sample("a", "genai_actors", 1.0, "us")]), {}, ["run 1"])
    write_section(doc, first)
    doc.write_text(doc.read_text() + "\n## later section\nkept below\n")
    second = render_markdown(summarise([Sample("a", "genai_actors", 2.0, "us")]), {}, ["run 2"])
    write_section(doc, second)
    text = doc.read_text()
    assert text.count(BEGIN) == 1
    assert text.count(END) == 1
    assert "run 2" in text
    assert "run 1" not in text
    assert text.index("kept above") < text.index(BEGIN) < text.index("kept below")
    doc.write_text(f"x\n{BEGIN}\nno end\n")
    with pytest.raises(ValueError, match="without"):
        write_section(doc, second)


_TEXT = st.text(st.characters(blacklist_characters="<"), max_size=200)


@given(before=_TEXT, after=_TEXT, old=_TEXT, new=_TEXT)
def test_write_section_keeps_the_rest_and_is_idempotent(
    tmp_path_factory: pytest.TempPathFactory, before: str, after: str, old: str, new: str
) -> None:
    doc = tmp_path_factory.mktemp("doc") / "performance.md"
    doc.write_text(f"{before}\n{BEGIN}\n{old}\n{END}\n{after}", encoding="utf-8")
    section = f"{BEGIN}\n{new}\n{END}\n"
    write_section(doc, section)
    once = doc.read_text(encoding="utf-8")
    write_section(doc, section)
    assert doc.read_text(encoding="utf-8") == once
    assert once.startswith(f"{before}\n{section}")
    assert once.endswith(after.lstrip("\n"))


# One scenario group -> a row label every smoke run must produce.
_EXPECTED = {
    "cold_start": "cold start",
    "call": "sequential call",
    "streaming": "streaming",
    "embeddings": "embeddings",
    "fanout": "fan-out 100 c=64 +20 ms",
    "chats": "memory per chat",
    "live": "Live messages",
    "watchers": "watchers 50 ops",
    "supervisors": "supervisors: call",
    "tokenizer": "tokenizer: document",
}


@pytest.mark.slow
@pytest.mark.timeout(300)  # about 20 s on an idle 2-core machine; busy CI boxes are slower
def test_smoke_run_produces_every_scenario_without_errors(tmp_path: Path) -> None:
    out, rows_json = tmp_path / "table.md", tmp_path / "rows.json"
    command = [sys.executable, "-m", "benchmarks", "--smoke", "--clients", "genai_actors"]
    command += ["--parallel", "4", "--out", str(out), "--json", str(rows_json)]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=280,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    payload = json.loads(rows_json.read_text())
    assert payload["failures"] == {}
    rows = payload["rows"]
    labels = {row["scenario"] for row in rows}
    assert set(_EXPECTED.values()) <= labels, labels
    assert all(row["errors"] == 0 and row["value"] > 0 for row in rows)
    assert {row["client"] for row in rows} == {"genai_actors", "google-genai"}  # tokenizer: both
    table = out.read_text()
    assert table.startswith(BEGIN)
    assert table.rstrip().endswith(END)
    assert all(f"| {label} |" in table for label in _EXPECTED.values())
    assert "fan-out 100 c=64 +0 ms" in proc.stdout


@pytest.mark.skipif(
    shutil.which("valgrind") is None,
    reason="needs valgrind (apt-get install valgrind) to count instructions",
)
def test_instruction_counts_run_and_give_per_call_figures() -> None:
    """``bench_instructions`` measures a pair under callgrind and prints its figures: a
    positive count per call for each client asked (never their size: that is the machine's)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_instructions",
            *("--small", "1", "--large", "3", "--json"),
            *("--only", "floor:generate", "genai_actors:generate"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(proc.stdout)
    assert set(figures) == {"floor", "genai_actors"}
    assert all(f["generate"] > 0 for f in figures.values())
