"""The one results table of ``python -m benchmarks``: samples, medians, ratios, text and markdown.

A ``Sample`` is one figure of one run of one client in one scenario. ``summarise`` keeps the
median of every (scenario, client) over the runs and computes each client's ratios to the
floor, to bare aiohttp and to google-genai in the same scenario. ``render_text`` prints it;
``render_markdown`` is the section ``write_section`` puts into ``docs/performance.md`` between
``BEGIN`` and ``END`` (replacing what was there, or appended once at the end).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BEGIN",
    "END",
    "Row",
    "Sample",
    "render_markdown",
    "render_text",
    "summarise",
    "write_section",
]

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
GENERATED = "<!-- written by python -m benchmarks: edits between these markers are replaced -->"
FLOOR, BARE, GOOGLE = "floor", "aiohttp", "google-genai"


@dataclass(frozen=True)
class Sample:
    """One run's figures. ``value`` is the headline cost per unit (lower is better)."""

    scenario: str
    client: str
    value: float
    unit: str
    throughput: float | None = None  # units per second (higher is better)
    rss_mb: float | None = None
    errors: int = 0


@dataclass
class Row:
    """The medians of one (scenario, client) over its runs, with its ratios."""

    scenario: str
    client: str
    unit: str
    value: float
    throughput: float | None
    rss_mb: float | None
    errors: int
    runs: int
    ratios: dict[str, float] = field(default_factory=dict)  # "floor"/"aiohttp"/... -> value x
    throughput_vs_bare: float | None = None


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


_CLIENT_ORDER = (FLOOR, BARE, "genai_actors", GOOGLE)


def summarise(samples: list[Sample]) -> list[Row]:
    """Medians per (scenario, client): scenarios as first seen, clients floor to google-genai."""
    groups: dict[tuple[str, str], list[Sample]] = {}
    for sample in samples:
        groups.setdefault((sample.scenario, sample.client), []).append(sample)
    rows: list[Row] = []
    for (scenario, client), group in groups.items():
        rows.append(
            Row(
                scenario=scenario,
                client=client,
                unit=group[0].unit,
                value=statistics.median(s.value for s in group),
                throughput=_median([s.throughput for s in group]),
                rss_mb=_median([s.rss_mb for s in group]),
                errors=max(s.errors for s in group),
                runs=len(group),
            )
        )
    by_key = {(r.scenario, r.client): r for r in rows}
    for row in rows:
        for base in (FLOOR, BARE, GOOGLE):
            other = by_key.get((row.scenario, base))
            if other is not None and base != row.client and other.value > 0:
                row.ratios[base] = row.value / other.value
        bare = by_key.get((row.scenario, BARE))
        if bare is not None and bare.throughput and row.throughput and row.client != BARE:
            row.throughput_vs_bare = row.throughput / bare.throughput
    scenarios = list(dict.fromkeys(s.scenario for s in samples))

    def place(row: Row) -> tuple[int, int]:
        client = _CLIENT_ORDER.index(row.client) if row.client in _CLIENT_ORDER else 9
        return scenarios.index(row.scenario), client

    return sorted(rows, key=place)


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


_HEADER = (
    "scenario",
    "client",
    "cost per unit",
    "throughput /s",
    "peak RSS MB",
    "errors",
    "x floor",
    "x bare",
    "x google-genai",
    "thr. x bare",
)


def _cells(row: Row) -> tuple[str, ...]:
    return (
        row.scenario,
        row.client,
        f"{_num(row.value)} {row.unit}",
        _num(row.throughput, 0),
        _num(row.rss_mb, 0),
        str(row.errors),
        _ratio(row.ratios.get(FLOOR)),
        _ratio(row.ratios.get(BARE)),
        _ratio(row.ratios.get(GOOGLE)),
        _ratio(row.throughput_vs_bare),
    )


def render_text(rows: list[Row], failures: dict[str, str]) -> str:
    """A plain-text table (columns padded), then one line per failed worker."""
    table = [_HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_HEADER))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) for line in table]
    out.extend(f"FAILED {what}: {why}" for what, why in failures.items())
    return "\n".join(out)


def render_markdown(rows: list[Row], failures: dict[str, str], header: list[str]) -> str:
    """The delimited markdown section: ``header`` lines, the table, the failures."""
    out = [BEGIN, GENERATED, "## All benchmarks, one table (`python -m benchmarks`)", ""]
    out += [*header, ""]
    out.append("| " + " | ".join(_HEADER) + " |")
    out.append("|" + "---|" * len(_HEADER))
    out.extend("| " + " | ".join(_cells(r)) + " |" for r in rows)
    if failures:
        out.append("")
        out.extend(f"- FAILED {what}: {why}" for what, why in failures.items())
    out.append(END)
    return "\n".join(out) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replaces the ``BEGIN``..``END`` section of ``path`` with ``section`` (or appends it).

    Raises:
        ValueError: ``path`` has a ``BEGIN`` marker without an ``END`` after it.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(BEGIN)
    if start < 0:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    else:
        stop = text.find(END, start)
        if stop < 0:
            raise ValueError(f"{path}: {BEGIN} without {END}")
        tail = text[stop + len(END) :].lstrip("\n")
        text = text[:start] + section + ("\n" + tail if tail else "")
    path.write_text(text, encoding="utf-8")
