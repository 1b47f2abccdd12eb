"""Figures that are not requests per second: item analysis time, import time, export memory."""

from __future__ import annotations

import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.generate import JOB_ROLES
from bench.server import ROOT, server_env
from course.extensions import db
from course.imports.rules import unit_paths
from course.models import OrgUnit, QuizAttempt
from course.quizzes.services import item_analysis


def time_item_analysis(module_id: str, runs: int = 5) -> dict[str, Any]:
    """The analysis of one quiz, run alone `runs` times in this process (inside an app context)."""
    attempts = db.session.scalar(
        select(func.count()).where(QuizAttempt.module_id == module_id, QuizAttempt.submitted_at.is_not(None))
    )
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        item_analysis(module_id)
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return {
        "module": module_id,
        "attempts": attempts,
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
    }


def people_file(folder: Path, count: int, seed: int = 2) -> Path:
    """A CSV file of `count` new people in the organisation's units (inside an app context); their
    addresses differ from run to run, as with --reuse the last run's people are already there."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, the same for the same seed)
    paths = list(
        unit_paths(db.session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.path)).tuples()).values()
    )
    roles, weights = zip(*JOB_ROLES, strict=True)
    run = int(time.time())  # one run's mark in the addresses
    target = folder / "people.csv"
    with target.open("w", newline="", encoding="utf-8") as output:
        writer = csv.writer(output)
        writer.writerow(["email", "name", "job_role", "unit_path"])
        for n in range(count):
            role = rng.choices(roles, weights)[0]
            writer.writerow(
                [f"imported{run}.{n:06d}@example.org", f"Imported Person {n}", role.value, rng.choice(paths)]
            )
    return target


def time_people_import(url: str, count: int) -> dict[str, Any]:
    """Import `count` new people with the command an administrator would use; wall-clock seconds."""
    with tempfile.TemporaryDirectory() as folder:
        csv_file = people_file(Path(folder), count)
        db.session.rollback()
        command = [
            str(Path(sys.executable).parent / "flask"),
            "--app",
            "course",
            "import-users",
            str(csv_file),
        ]
        started = time.perf_counter()
        done = subprocess.run(command, env=server_env(url), cwd=ROOT, capture_output=True, text=True)  # noqa: S603
        seconds = time.perf_counter() - started
    if done.returncode != 0 or f"Added {count}," not in done.stdout:
        raise RuntimeError(f"the import failed:\n{done.stdout}\n{done.stderr}")
    return {"people": count, "seconds": round(seconds, 1)}


def export_memory(url: str, email: str, password: str) -> dict[str, Any]:
    """Stream the full completion export in a separate process and measure its memory growth."""
    command = [sys.executable, "-m", "bench.export_memory", url, email, password]
    done = subprocess.run(command, env=server_env(url), cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"the export measurement failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures
