"""The benchmark's database (made fresh each run) and the app served by gunicorn on 127.0.0.1."""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from course import migrate

ROOT = Path(__file__).resolve().parent.parent
SQLITE_FILE = ROOT / "instance" / "bench.db"
SECRET_KEY = "bench-only-secret"  # noqa: S105  (a throwaway server on 127.0.0.1)


def database_url(postgres: bool) -> str:
    """SQLite in instance/, or the benchmark's own database on the local PostgreSQL test server."""
    if not postgres:
        return f"sqlite:///{SQLITE_FILE}"
    script = ROOT / "scripts" / "postgres.sh"
    env = {**os.environ, "PGDATABASE_NAME": "course_bench"}
    command = ["bash", str(script)]
    found = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603,S607
    return found.stdout.strip()


def fresh_schema(url: str) -> None:
    """An empty database with the schema the migrations make."""
    if url.startswith("sqlite"):
        SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)


def server_env(url: str) -> dict[str, str]:
    """Development mode (plain-HTTP cookies), a fixed key, and sign-in throttling loose enough for the
    benchmark to sign in its accounts from one address."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "COURSE_ENV": "development",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Workers:
    """gunicorn's workers; None: as the project's gunicorn.conf.py sets them (as in production)."""

    count: int | None = None
    worker_class: str | None = None
    threads: int | None = None

    def options(self) -> list[str]:
        given = (
            ("--workers", self.count),
            ("--worker-class", self.worker_class),
            ("--threads", self.threads),
        )
        return [part for option, value in given if value is not None for part in (option, str(value))]


def describe(workers: Workers) -> dict[str, Any]:
    """The workers the server runs: the options given, else gunicorn.conf.py's settings."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {
        "count": workers.count or conf.get("workers", 1),
        "class": workers.worker_class or conf.get("worker_class", "sync"),
        "threads": workers.threads or conf.get("threads", 1),
    }


@dataclass(frozen=True)
class Served:
    base: str  # the base URL
    pid: int  # gunicorn's master process

    def cpu_s(self) -> float:
        """CPU seconds used so far by the workers now running (user and system): what the requests
        cost, whatever else the machine is doing."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for child in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split():
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15 of stat
        return total / ticks


@contextmanager
def gunicorn(url: str, workers: Workers, log: Path) -> Iterator[Served]:
    """Serve the app with the project's gunicorn.conf.py (and `workers` where given); yields the server
    and stops it afterwards."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        *workers.options(),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--timeout",
        "120",
        "--log-level",
        "warning",
        "course:create_app()",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(command, env=server_env(url), cwd=ROOT, stdout=output, stderr=output)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server)
        yield Served(base, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(base: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with exit code {server.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds:.0f} s")
