"""Where a learner page's time goes, without a server: each page and each part of the home page timed
in one process with Flask's test client, on the database the last `make bench` left behind.

    python -m bench.inprocess [--postgres] [--requests 1000] [--profile PATH]

With --profile, the page at PATH (as the learner; /healthz and /sign-in anonymously) is also run under
cProfile, and the functions it spends most time in are printed, with the SQL statements one request runs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections import Counter
from collections.abc import Callable
from functools import partial

from flask import g, render_template
from flask.testing import FlaskClient
from flask_login import login_user
from sqlalchemy import event

from bench import server
from bench.__main__ import PASSWORD
from bench.quiz_pool import settled_learners
from course import create_app, org
from course.content import current_course
from course.database import utcnow
from course.extensions import db
from course.models import User
from course.progress import services as progress
from course.security import load_user

SECTION = "/modules/understanding/what-self-harm-is"


def per_call_ms(work: Callable[[], object], calls: int) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds per call. On a shared machine the CPU time is the steadier figure;
    it leaves out time spent waiting, PostgreSQL's own work included."""
    for _ in range(calls // 10):  # warm up
        work()
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        work()
    return (
        (time.perf_counter() - started) * 1000 / calls,
        (time.process_time() - cpu) * 1000 / calls,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="the PostgreSQL benchmark database")
    parser.add_argument("--requests", type=int, default=1000, help="requests or calls timed for each line")
    parser.add_argument("--profile", metavar="PATH", help="profile this page too (cProfile)")
    args = parser.parse_args()
    url = server.database_url(args.postgres)
    # Without CSRF checks, which only POSTs pay: the one POST here is the sign-in.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": server.SECRET_KEY, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        user_id, email = settled_learners(utcnow().date(), 1)[0]
    anonymous, learner = app.test_client(), app.test_client()
    learner.post("/sign-in", data={"email": email, "password": PASSWORD})
    pages = (("/healthz", anonymous), ("/sign-in", anonymous), ("/", learner), (SECTION, learner))
    figures = {f"GET {path}": per_call_ms(partial(c.get, path), args.requests) for path, c in pages}
    with app.test_request_context("/"):
        user = db.session.get_one(User, user_id)
        login_user(user)
        state = progress.learner_state(user, current_course(), org.settings(), utcnow().date())

        def fresh_settings() -> object:
            g.pop("org_settings", None)
            return org.settings()

        figures |= {
            "home: the learner's state (progress.learner_state)": per_call_ms(
                lambda: progress.learner_state(user, current_course(), org.settings(), utcnow().date()),
                args.requests,
            ),
            "home: the template": per_call_ms(
                lambda: render_template("learning/home.html", state=state, window_days=60), args.requests
            ),
            "every signed-in page: loading the user": per_call_ms(
                lambda: load_user(user.get_id()), args.requests
            ),
            "every page that needs them: the settings": per_call_ms(fresh_settings, args.requests),
        }
    print(f"| What ({email}) | ms per call | CPU ms per call |\n|---|---:|---:|")
    for name, (ms, cpu_ms) in figures.items():
        print(f"| {name} | {ms:.2f} | {cpu_ms:.2f} |")
    if args.profile:
        client = anonymous if args.profile in ("/healthz", "/sign-in") else learner
        profile(app, client, args.profile, args.requests)


def profile(app: object, client: FlaskClient, path: str, requests: int, top: int = 30) -> None:
    """The statements one request to `path` runs, and where `requests` of them spend their time."""
    seen: list[str] = []

    def collect(*parts: object) -> None:
        seen.append(str(parts[2]).split("\n")[0][:100])

    with app.app_context():  # type: ignore[attr-defined]
        engine = db.engine
    event.listen(engine, "before_cursor_execute", collect)
    answer = client.get(path)
    event.remove(engine, "before_cursor_execute", collect)
    cookie = "sets the session cookie" if "Set-Cookie" in answer.headers else "leaves the session cookie"
    print(f"\nGET {path}: {answer.status_code}, {len(seen)} SQL statements, {cookie}")
    print("\n".join(f"    {statement}" for statement in seen))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())
    print(f"Own time per request by where the code lives (profiled), {path}:")
    for where, seconds in by_library(stats).most_common(12):
        print(f"    {seconds * 1000 / requests:7.3f} ms  {where}")


def by_library(stats: pstats.Stats) -> Counter[str]:
    """Own time summed by third-party package, the course's module, templates or Python itself."""
    found: Counter[str] = Counter()
    for (file, _line, _name), (_calls, _primitive, own, _cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in file:
            where = file.split("site-packages/")[1].split("/")[0]
        elif "/templates/" in file:
            where = "templates"
        elif "/course/" in file:
            where = "course/" + file.split("/course/")[1]
        else:
            where = "Python itself"
        found[where] += own
    return found


if __name__ == "__main__":
    main()
