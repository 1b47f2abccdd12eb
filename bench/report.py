"""The benchmark's verdicts on the targets, and its results as JSON and a Markdown table."""

from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
THROUGHPUT_SHARE = 0.5  # learner pages and quiz submit: at least half the floor's requests per second
LATENCY_MS = 100  # admin dashboard and filtered learner list, p95
ANALYSIS_MS = 1000  # item analysis over at least ANALYSIS_ATTEMPTS attempts
ANALYSIS_ATTEMPTS = 10_000
IMPORT_SECONDS = 60
EXPORT_MB = 50
EXPORT_ROWS = 100_000
RUSH_P95_MS = 2000  # every step of the rush


def machine() -> dict[str, Any]:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    model = re.search(r"^Model name:\s+(.+)$", lscpu, re.MULTILINE)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "memory_gib": round(int(memory.group(1)) / 1024**2, 1) if memory else None,
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def rush_targets(rushed: dict[str, Any]) -> list[dict[str, Any]]:
    """The rush's targets: no errors, every learner's attempt graded once, every step's p95 < 2 s."""
    errors = sum(s["errors"] for s in rushed["steps"])
    slowest = max(rushed["steps"], key=lambda s: s["p95_ms"])
    n = rushed["learners"]
    return [
        _target(f"rush of {n}: no errors", f"{errors} errors", errors == 0),
        _target(
            f"rush of {n}: every attempt graded once",
            f"{rushed['graded']:,} graded for {rushed['learners_graded']:,} learners, "
            f"{rushed['graded_twice']} twice",
            rushed["learners_graded"] == n and rushed["graded_twice"] == 0,
        ),
        _target(
            f"rush of {n}: p95 of every step < {RUSH_P95_MS / 1000:g} s",
            f"slowest p95: {slowest['step']}, {slowest['p95_ms']:.0f} ms",
            slowest["p95_ms"] < RUSH_P95_MS,
        ),
    ]


def rush_markdown(rushed: dict[str, Any], workers: dict[str, Any]) -> str:
    """The rush's table: latency per step, errors, attempts graded, the client's CPU."""
    lines = [
        f"Rush: {rushed['learners']} learners arriving within {rushed['window_s']:g} s "
        f"({rushed['pause_s']:g} s on the quiz page), gunicorn with {workers['count']} {workers['class']} "
        f"workers ({workers['threads']} threads each); all done in {rushed['seconds']:.1f} s. "
        f"The client used {rushed['client_cpu_s']:.1f} s of CPU "
        f"({rushed['client_cpu_share']:.0%} of one core), the server's workers "
        f"{rushed['server_cpu_s']:.1f} s ({rushed['server_cpu_s'] * 1000 / rushed['learners']:.0f} ms "
        "a learner).",
        "",
        "| Step | Requests | p50 ms | p95 ms | max ms | Errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s['step']} | {s['requests']} | {s['p50_ms']:.0f} | {s['p95_ms']:.0f} | {s['max_ms']:.0f} "
        f"| {s['errors']} |"
        for s in rushed["steps"]
    ]
    lines += [
        "",
        f"{rushed['finished']} of {rushed['learners']} learners finished; the database holds "
        f"{rushed['graded']:,} graded attempts of theirs ({rushed['graded_twice']} learners graded twice).",
    ]
    lines += [f"- {problem}" for problem in rushed["problems"]]
    return "\n".join(lines) + "\n"


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with what was measured and whether it is met (None: not measured at its size)."""
    by_name = {e["name"]: e for e in results["endpoints"]}
    found = rush_targets(results["rush"]) if results["rush"] else []
    for name in ("learner home", "section page", "quiz submit"):
        ratio = by_name[name]["ratio_to_floor"]
        found.append(
            _target(
                f"{name}: ≥ {THROUGHPUT_SHARE} × floor throughput",
                f"{ratio:.2f} ×",
                ratio >= THROUGHPUT_SHARE,
            )
        )
    size = 10_000 if results["database"] == "sqlite" else 100_000
    for name in ("admin dashboard", "filtered learner list"):
        p95 = by_name[name]["alone"]["p95_ms"]
        met = p95 < LATENCY_MS if results["learners"] >= size else None
        found.append(
            _target(
                f"{name}: p95 < {LATENCY_MS} ms at {size:,} learners",
                f"{p95:.0f} ms (one request at a time)",
                met,
            )
        )
    analysis = results["item_analysis"]
    met = analysis["max_ms"] < ANALYSIS_MS if analysis["attempts"] >= ANALYSIS_ATTEMPTS else None
    found.append(
        _target(
            f"item analysis over {ANALYSIS_ATTEMPTS:,} attempts < 1 s",
            f"{analysis['max_ms']:.0f} ms (slowest of 5) over {analysis['attempts']:,} attempts",
            met,
        )
    )
    imported = results["import"]
    found.append(
        _target(
            f"import of {imported['people']:,} people < {IMPORT_SECONDS} s",
            f"{imported['seconds']:.1f} s",
            imported["seconds"] < IMPORT_SECONDS,
        )
    )
    export = results["export"]
    met = export["peak_growth_mb"] < EXPORT_MB if export["rows"] >= EXPORT_ROWS else None
    found.append(
        _target(
            f"export of {EXPORT_ROWS:,} rows streamed, < {EXPORT_MB} MB peak growth",
            f"{export['peak_growth_mb']:.1f} MB over {export['rows']:,} rows",
            met,
        )
    )
    return found


def _target(target: str, measured: str, met: bool | None) -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met}


def markdown(results: dict[str, Any]) -> str:
    m, load, w = results["machine"], results["load"], results["workers"]
    lines = [
        f"## {results['database']}, {results['learners']:,} learners in {results['units']} units",
        "",
        f"`{results['command']}` on {results['when']}: {m['nproc']} CPUs ({m['cpu']}), "
        f"{m['memory_gib']} GiB, {m['system']}, Python {m['python']}, load average "
        f"{m['load_average_before']} at the start; gunicorn with "
        f"{w['count']} {w['class']} workers ({w['threads']} threads each); "
        f"wrk with {load['threads']} threads and {load['connections']} "
        f"connections for {load['seconds']} s per endpoint. "
        "Floor: `GET /healthz` (one trivial SQL statement).",
        "",
    ]
    if results["rush"]:
        lines += [rush_markdown(results["rush"], w)]
    lines += [
        "| Endpoint | Request | Requests/s | p50 ms | p95 ms | p99 ms | × floor | Errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for e in results["endpoints"]:
        figures = (
            f"{e['p50_ms']:.1f} | {e['p95_ms']:.1f} | {e['p99_ms']:.1f}"
            if e["requests"]
            else f"none finished in {e['seconds']:.0f} s | | "
        )
        lines.append(
            f"| {e['name']} | `{e['method']} {e['path']}` | {e['requests_per_s']:.1f} | {figures} | "
            f"{e['ratio_to_floor']:.2f} | {e['errors']} |"
        )
    lines += [
        "",
        "One request at a time (the latency of a request served alone; nearest-rank percentiles):",
        "",
    ]
    lines += ["| Endpoint | Requests | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for e in results["endpoints"]:
        if "alone" in e:
            a = e["alone"]
            lines.append(
                f"| {e['name']} | {a['requests']} | {a['p50_ms']:.1f} | {a['p95_ms']:.1f} "
                f"| {a['p99_ms']:.1f} |"
            )
    submit = results["quiz_submit"]
    lines += [
        "",
        f"Quiz submit graded {submit['graded']:,} fresh attempts (pool of {submit['pool']:,}); "
        f"{submit['replays']:,} requests were replays of an attempt already graded.",
        "",
        "| Target | Measured | Met |",
        "|---|---|---|",
    ]
    verdicts = {True: "yes", False: "**no**", None: "not measured at this size"}
    lines += [f"| {t['target']} | {t['measured']} | {verdicts[t['met']]} |" for t in results["targets"]]
    return "\n".join(lines) + "\n"


def save(results: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{results['database']}-{results['learners']}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    stem.with_suffix(".md").write_text(markdown(results))
    return stem.with_suffix(".md")
