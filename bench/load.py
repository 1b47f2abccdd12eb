"""Bounded load with wrk against 127.0.0.1, and signed-in sessions for it to reuse."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp

LUA = Path(__file__).resolve().parent / "load.lua"
IDLE_MS = 100
# The browser every request claims to be, as a person's browser stays the same across a session (the
# sign-in protection would otherwise rewrite the session cookie on every answer); load.lua sends it too.
USER_AGENT = "course-bench"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True)
class SignedIn:
    cookie: str  # the Cookie header value
    csrf_token: str


def browser(cookie: str) -> dict[str, str]:
    return {"Cookie": cookie, "User-Agent": USER_AGENT}


def sign_in(base: str, email: str, password: str, secret: str | None = None) -> SignedIn:
    """Sign in once through the form, as a person would; the session cookie is then reused. Staff also
    give the code from their authenticator (`secret`: generate.STAFF_SECRET) when asked."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    token = _token(opener.open(f"{base}/sign-in", timeout=30).read().decode())
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    home = opener.open(f"{base}/sign-in", data=form, timeout=30)
    for ahead in (0, 1):  # the current step's code; the next one's if this step's was used already
        if urllib.parse.urlsplit(home.url).path != "/sign-in/code" or secret is None:
            break
        code = pyotp.TOTP(secret).at(time.time(), counter_offset=ahead)
        token = _token(home.read().decode())
        form = urllib.parse.urlencode({"code": code, "csrf_token": token}).encode()
        try:
            home = opener.open(f"{base}/sign-in/code", data=form, timeout=30)
        except urllib.error.HTTPError as refused:  # 422: that step's code was used; the page asks again
            if refused.code != 422:
                raise
            home = refused
    if urllib.parse.urlsplit(home.url).path != "/":
        raise RuntimeError(f"signing in as {email} failed; check the generated password")
    token = _token(home.read().decode())  # the home page's sign-out form: a token for this session
    return SignedIn("; ".join(f"{c.name}={c.value}" for c in jar), token)


def _token(page: str) -> str:
    match = CSRF.search(page)
    if match is None:
        raise RuntimeError("the page has no CSRF token")
    return match.group(1)


def check_page(base: str, path: str, cookie: str) -> None:
    """The session is accepted: the page answers 200 itself rather than sending to sign-in."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"{base}{path}", headers=browser(cookie))  # noqa: S310  (http://127.0.0.1)
    try:
        with opener.open(request, timeout=120) as answer:
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise RuntimeError(f"{path} answered {status} instead of 200 for the benchmark's session")


def settle(base: str, limit_s: int = 300) -> None:
    """Wait until the workers have finished what the last run left queued: the floor answers quickly
    twice in a row."""
    quick, deadline = 0, time.monotonic() + limit_s
    while quick < 2 and time.monotonic() < deadline:
        begun = time.perf_counter()
        with urllib.request.urlopen(f"{base}/healthz", timeout=limit_s) as answer:  # noqa: S310  (http://127.0.0.1)
            answer.read()
        quick = quick + 1 if (time.perf_counter() - begun) * 1000 < IDLE_MS else 0
        time.sleep(0.5)


def one_at_a_time(base: str, path: str, cookie: str, seconds: int, at_least: int = 3) -> dict[str, Any]:
    """Requests sent one after another for `seconds` (and at least `at_least` of them, however slow),
    each timed on its own: the latency of a request served alone."""
    opener = urllib.request.build_opener(NoRedirect)
    timings: list[float] = []
    started = time.perf_counter()
    while len(timings) < at_least or time.perf_counter() - started < seconds:
        request = urllib.request.Request(f"{base}{path}", headers=browser(cookie))  # noqa: S310  (http://127.0.0.1)
        begun = time.perf_counter()
        with opener.open(request, timeout=600) as answer:
            answer.read()
        timings.append((time.perf_counter() - begun) * 1000)
    timings.sort()
    return {
        "requests": len(timings),
        "requests_per_s": round(len(timings) / (time.perf_counter() - started), 1),
        **{f"p{q}_ms": round(_percentile(timings, q), 1) for q in (50, 95, 99)},
    }


def _percentile(ordered: list[float], q: int) -> float:
    """The nearest-rank percentile: with few samples, p95 and p99 are the slowest."""
    return ordered[max(0, min(len(ordered) - 1, -(-q * len(ordered) // 100) - 1))]


def ensure_wrk() -> str:
    """wrk's path; Debian's package is installed when it is missing and we may install it."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise SystemExit(
            "wrk is missing. Install it (Debian: apt-get install wrk) and run the benchmark again."
        )
    print("Installing wrk from Debian...")
    subprocess.run(["apt-get", "update", "-q"], check=True, capture_output=True)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)  # noqa: S607
    return shutil.which("wrk") or "wrk"


@dataclass(frozen=True)
class Load:
    threads: int
    connections: int
    seconds: int
    timeout_s: int = 60


def wrk(base: str, path: str, load: Load, script_args: list[str]) -> dict[str, Any]:
    """Run wrk for `load.seconds` and return its figures (latencies in ms, requests per second)."""
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.seconds}s",
        f"--timeout={load.timeout_s}s",
        "-s",
        str(LUA),
        f"{base}{path}",
        "--",
        *script_args,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    settle(base)
    line = next((text for text in output.splitlines() if text.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    raw = json.loads(line.removeprefix("BENCH "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(
        raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "status_errors": raw["status_errors"],
        "threads": load.threads,
        "connections": load.connections,
        "seconds": round(seconds, 1),
    }
