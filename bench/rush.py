"""The rush: a whole staff starting at once. Each learner arrives at a random moment within the window,
gets the sign-in form, signs in, opens the home page and a section, starts the quiz, answers it after a
short pause, submits it, and reads the result. Every request is timed by step; the attempts graded are
counted in the database afterwards.

The client is asyncio (aiohttp) in this process, one cookie jar per learner; its own CPU time is
reported so that it can be seen not to be the bottleneck.
"""

from __future__ import annotations

import asyncio
import random
import re
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import func, select

from course.extensions import db
from course.models import QuizAttempt, Role, User

SECTION = "/modules/understanding/what-self-harm-is"
MODULE = "understanding"
STEPS = ("sign-in form", "sign in", "home", "section", "start quiz", "quiz page", "submit", "result")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CHOICE = re.compile(r'<input type="(radio|checkbox)" id="[^"]*" name="(q-[^"]+)" value="([^"]+)"')
USER_AGENT = "course-bench"  # as load.py: one browser per session
TIMEOUT_S = 120


def fresh_learners(count: int) -> list[tuple[int, str]]:
    """(id, email) of learners who have acknowledged the content note and never attempted the module's
    quiz: the first attempt of the day, as on an INSET morning (inside an app context)."""
    tried = select(QuizAttempt.user_id).where(QuizAttempt.module_id == MODULE)
    rows = db.session.execute(
        select(User.id, User.email)
        .where(
            User.role == Role.LEARNER,
            User.content_note_ack_at.is_not(None),
            User.id.not_in(tried),
        )
        .order_by(User.id)
        .limit(count)
    ).all()
    if len(rows) < count:
        raise SystemExit(f"only {len(rows)} learners have not tried the quiz; the rush needs {count}")
    return [(user_id, email) for user_id, email in rows]


def graded_once(user_ids: list[int]) -> dict[str, int]:
    """Submitted attempts of the module's quiz by these learners, and how many learners have more than
    one (inside an app context)."""
    per_learner = (
        select(QuizAttempt.user_id, func.count().label("n"))
        .where(
            QuizAttempt.user_id.in_(user_ids),
            QuizAttempt.module_id == MODULE,
            QuizAttempt.submitted_at.is_not(None),
        )
        .group_by(QuizAttempt.user_id)
        .subquery()
    )
    graded, learners, twice = db.session.execute(
        select(
            func.coalesce(func.sum(per_learner.c.n), 0),
            func.count(),
            func.count().filter(per_learner.c.n > 1),
        ).select_from(per_learner)
    ).one()
    return {"graded": int(graded), "learners_graded": int(learners), "graded_twice": int(twice)}


class StepFailed(Exception):
    pass


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STEPS})
    problems: list[str] = field(default_factory=list)
    finished: int = 0


def _token(page: str) -> str:
    found = CSRF.search(page)
    if found is None:
        raise StepFailed("the page has no CSRF token")
    return found.group(1)


def _answers(page: str, rng: random.Random) -> list[tuple[str, str]]:
    """One option for each question (a learner's guess: grading counts, passing does not matter)."""
    options: dict[str, list[str]] = {}
    for _kind, name, value in CHOICE.findall(page):
        options.setdefault(name, []).append(value)
    if not options:
        raise StepFailed("the quiz page has no questions")
    return [(name, rng.choice(values)) for name, values in options.items()]


async def _learner(
    base: str,
    email: str,
    password: str,
    arrive_s: float,
    pause_s: float,
    connector: aiohttp.BaseConnector,
    tally: Tally,
    rng: random.Random,
) -> None:
    await asyncio.sleep(arrive_s)
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(
        base,
        connector=connector,
        connector_owner=False,
        cookie_jar=jar,
        headers={"User-Agent": USER_AGENT},
        timeout=aiohttp.ClientTimeout(total=TIMEOUT_S),
    ) as client:

        async def step(
            name: str, call: Callable[[], Awaitable[tuple[int, str, str]]], want: int
        ) -> tuple[str, str]:
            begun = time.perf_counter()
            try:
                status, body, location = await call()
            except (aiohttp.ClientError, TimeoutError) as error:
                tally.errors[name] += 1
                raise StepFailed(f"{name}: {type(error).__name__} {error}") from error
            tally.timings[name].append((time.perf_counter() - begun) * 1000)
            if status != want:
                tally.errors[name] += 1
                raise StepFailed(f"{name}: answered {status} instead of {want} ({location or body[:80]!r})")
            return body, location

        def get(path: str) -> Callable[[], Awaitable[tuple[int, str, str]]]:
            return lambda: _send(client, "GET", path, None)

        def post(path: str, data: list[tuple[str, str]]) -> Callable[[], Awaitable[tuple[int, str, str]]]:
            return lambda: _send(client, "POST", path, data)

        try:
            form, _ = await step("sign-in form", get("/sign-in"), 200)
            sign_in = [("email", email), ("password", password), ("csrf_token", _token(form))]
            await step("sign in", post("/sign-in", sign_in), 302)
            home, _ = await step("home", get("/"), 200)
            token = _token(home)
            await step("section", get(SECTION), 200)
            _, attempt = await step(
                "start quiz", post(f"/modules/{MODULE}/quiz", [("csrf_token", token)]), 302
            )
            page, _ = await step("quiz page", get(attempt), 200)
            await asyncio.sleep(pause_s)
            answers = [("csrf_token", _token(page)), *_answers(page, rng)]
            _, result = await step("submit", post(attempt, answers), 302)
            await step("result", get(result), 200)
            tally.finished += 1
        except StepFailed as problem:
            if len(tally.problems) < 10:
                tally.problems.append(f"{email}: {problem}")


async def _send(
    client: aiohttp.ClientSession, method: str, path: str, data: list[tuple[str, str]] | None
) -> tuple[int, str, str]:
    async with client.request(method, path, data=data, allow_redirects=False) as answer:
        body = await answer.text()
        return answer.status, body, answer.headers.get("Location", "")


async def _rush(
    base: str, emails: list[str], password: str, window_s: float, pause_s: float, seed: int
) -> Tally:
    rng = random.Random(seed)  # noqa: S311  (arrival times, the same for the same seed)
    tally = Tally()
    # A new connection for each request: gunicorn closes idle keep-alive connections after 2 s, and a
    # request sent on one just as it closes fails for a reason no browser would show.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    try:
        await asyncio.gather(
            *(
                _learner(base, email, password, rng.uniform(0, window_s), pause_s, connector, tally, rng)
                for email in emails
            )
        )
    finally:
        await connector.close()
    return tally


def percentile(ordered: list[float], q: int) -> float:
    """Nearest-rank percentile of sorted values."""
    return ordered[max(0, min(len(ordered) - 1, -(-q * len(ordered) // 100) - 1))] if ordered else 0.0


def run(
    base: str, emails: list[str], password: str, window_s: float, pause_s: float, seed: int = 1
) -> dict[str, Any]:
    """The rush against `base`; per-step figures, errors, and the client's own CPU time."""
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    tally = asyncio.run(_rush(base, emails, password, window_s, pause_s, seed))
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    steps = []
    for name in STEPS:
        ordered = sorted(tally.timings[name])
        steps.append(
            {
                "step": name,
                "requests": len(ordered),
                "p50_ms": round(percentile(ordered, 50), 1),
                "p95_ms": round(percentile(ordered, 95), 1),
                "max_ms": round(ordered[-1] if ordered else 0.0, 1),
                "errors": tally.errors[name],
            }
        )
    return {
        "learners": len(emails),
        "window_s": window_s,
        "pause_s": pause_s,
        "finished": tally.finished,
        "seconds": round(wall, 1),
        "client_cpu_s": round(cpu, 1),
        "client_cpu_share": round(cpu / wall, 2),
        "steps": steps,
        "problems": tally.problems,
    }
