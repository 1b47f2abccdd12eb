"""`python -m bench`: build a synthetic organisation, serve it with gunicorn on 127.0.0.1, send it a rush of
learners signing in and taking the quiz at once, load each endpoint with wrk, and report the rush's
latency per step and each endpoint's requests per second against a floor route.

Every run starts from an empty database (unless --reuse). Options: --learners, --units, --postgres,
--seconds, --workers, --worker-class, --worker-threads, --rush, --rush-window, --rush-pause, --rush-only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select, text

from bench import generate, load, measures, quiz_pool, report, rush, server
from course import create_app, migrate
from course.accounts.passwords import hash_password
from course.database import Base, utcnow
from course.extensions import db

PASSWORD = "bench password for load tests"  # noqa: S105  (synthetic accounts on a throwaway server)
IMPORT_PEOPLE = 66_000


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    who: str  # "anyone", "learner" or "admin"
    alone: bool = False  # also measured one connection at a time (the latency targets)


def endpoints(site_id: int) -> list[Endpoint]:
    return [
        Endpoint("floor", "/healthz", "anyone"),
        Endpoint("learner home", "/", "learner"),
        Endpoint("section page", "/modules/understanding/what-self-harm-is", "learner"),
        Endpoint("admin dashboard", "/admin/", "admin", alone=True),
        Endpoint(
            "filtered learner list",
            f"/admin/learners?unit={site_id}&job_role=teacher&status=Overdue&sort=due",
            "admin",
            alone=True,
        ),
        Endpoint("item analysis", f"/admin/quizzes?module={quiz_pool.MODULE}", "admin"),
        Endpoint("completion CSV export", "/admin/completions.csv", "admin"),
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000, help="learners to generate (default 10,000)")
    parser.add_argument("--units", type=int, default=200, help="organisation units (default 200)")
    parser.add_argument("--postgres", action="store_true", help="use the local PostgreSQL test server")
    parser.add_argument("--seconds", type=int, default=10, help="load time per endpoint (default 10)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--worker-class", help="gunicorn worker class (default: gunicorn.conf.py's)")
    parser.add_argument(
        "--worker-threads", type=int, help="threads per gthread worker (default: gunicorn.conf.py's)"
    )
    parser.add_argument("--pool", type=int, default=8000, help="open quiz attempts to submit (default 8,000)")
    parser.add_argument("--rush", type=int, default=600, help="learners in the rush (default 600; 0: none)")
    parser.add_argument(
        "--rush-window", type=float, default=20, help="seconds the rush arrives in (default 20)"
    )
    parser.add_argument("--rush-pause", type=float, default=3, help="seconds on the quiz page (default 3)")
    parser.add_argument("--rush-only", action="store_true", help="the rush alone, without the wrk loads")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database of the last run (the rush takes fresh learners)",
    )
    return parser.parse_args()


def build(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """A fresh database with the organisation, and what the load needs from it."""
    if args.reuse:
        migrate.upgrade(url)  # a database kept from an older version of the code gets the newer tables
    else:
        server.fresh_schema(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": server.SECRET_KEY})
    with app.app_context():
        today = utcnow().date()
        if args.reuse:
            org = generate.existing_organisation()
        else:
            password_hash = hash_password(PASSWORD)  # once: every account shares it
            org = generate.build_organisation(args.units, today, password_hash)
            with click.progressbar(length=args.learners, label="Generating learners") as bar:
                generate.add_learners(org, args.learners, today, password_hash, progress=bar.update)
            # Table statistics, as a live database keeps them (PostgreSQL's autovacuum would, in a while).
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        settled = quiz_pool.settled_learners(today, 17)
        pool = [] if args.rush_only else quiz_pool.open_attempts(settled[1:], max(args.pool // 16, 1))
        built = {
            "org": org,
            "learner": settled[0][1],
            "pool": pool,
            "rush": rush.fresh_learners(args.rush) if args.rush else [],
            "rows": {
                t.name: db.session.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
            },
            "item_analysis": None if args.rush_only else measures.time_item_analysis(quiz_pool.MODULE),
            "emails": {uid: email for uid, email in settled[1:]},
        }
        db.session.remove()
        db.engine.dispose()  # type: ignore[union-attr]
    return built


def run_load(
    args: argparse.Namespace, url: str, built: dict[str, Any], folder: Path
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The rush (when asked for), then wrk's load on each endpoint, on one gunicorn server."""
    steady = load.Load(args.threads, args.connections, args.seconds)
    results: list[dict[str, Any]] = []
    rushed = None
    workers = server.Workers(args.workers, args.worker_class, args.worker_threads)
    with server.gunicorn(url, workers, folder / "gunicorn.log") as served:
        base = served.base
        if built["rush"]:
            print(f"Rush: {len(built['rush'])} learners within {args.rush_window:g} s")
            emails = [email for _, email in built["rush"]]
            cpu_before = served.cpu_s()
            rushed = rush.run(base, emails, PASSWORD, args.rush_window, args.rush_pause)
            load.settle(base)
            rushed["server_cpu_s"] = round(served.cpu_s() - cpu_before, 1)
        if args.rush_only:
            return rushed, results
        sessions = {
            "anyone": "",
            "learner": load.sign_in(base, built["learner"], PASSWORD).cookie,
            "admin": load.sign_in(base, generate.ADMIN_EMAIL, PASSWORD, generate.STAFF_SECRET).cookie,
        }
        for endpoint in endpoints(built["org"].site_ids[0]):
            load.check_page(base, endpoint.path, sessions[endpoint.who])
            print(f"Loading {endpoint.name}: {endpoint.path}")
            figures = load.wrk(base, endpoint.path, steady, ["get", sessions[endpoint.who]])
            if endpoint.alone:
                figures["alone"] = load.one_at_a_time(
                    base, endpoint.path, sessions[endpoint.who], args.seconds
                )
            results.append({"name": endpoint.name, "method": "GET", "path": endpoint.path, **figures})
        print("Loading quiz submit: POST /quiz/attempts/<id>")
        posts = write_posts(base, built, folder / "posts.tsv")
        figures = load.wrk(base, "/quiz/attempts/1", steady, ["post", str(posts), str(args.threads)])
        results.append({"name": "quiz submit", "method": "POST", "path": "/quiz/attempts/<id>", **figures})
    floor = results[0]["requests_per_s"]
    for result in results:
        result["ratio_to_floor"] = round(result["requests_per_s"] / floor, 2)
    return rushed, results


def write_posts(base: str, built: dict[str, Any], target: Path) -> Path:
    """One line per open attempt: its address, its owner's session cookie, and the right answers."""
    signed = {uid: load.sign_in(base, email, PASSWORD) for uid, email in built["emails"].items()}
    with target.open("w") as output:
        for attempt in built["pool"]:
            session = signed[attempt.user_id]
            body = f"csrf_token={session.csrf_token}&{attempt.answers}"
            output.write(f"/quiz/attempts/{attempt.attempt_id}\t{session.cookie}\t{body}\n")
    return target


def main() -> None:
    args = arguments()
    load.ensure_wrk()
    url = server.database_url(args.postgres)
    started, busy = datetime.now(UTC), os.getloadavg()[0]
    built = build(args, url)
    with tempfile.TemporaryDirectory() as work:
        rushed, endpoint_results = run_load(args, url, built, Path(work))
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": server.SECRET_KEY})
    with app.app_context():
        if rushed is not None:
            rushed |= rush.graded_once([uid for uid, _ in built["rush"]])
    workers = server.describe(server.Workers(args.workers, args.worker_class, args.worker_threads))
    if args.rush_only:
        print(report.rush_markdown(rushed, workers) if rushed else "No rush was asked for.")
        return
    with app.app_context():
        graded = quiz_pool.graded([a.attempt_id for a in built["pool"]])
        print("Measuring the export's memory and the import of 66,000 people")
        export = measures.export_memory(url, generate.ADMIN_EMAIL, PASSWORD)
        imported = measures.time_people_import(url, IMPORT_PEOPLE)
    submitted = endpoint_results[-1]["requests"]
    results: dict[str, Any] = {
        "when": started.strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python", "-m", "bench", *sys.argv[1:]]),
        "machine": {**report.machine(), "load_average_before": round(busy, 2)},
        "database": "postgresql" if args.postgres else "sqlite",
        "learners": args.learners,
        "units": args.units,
        "rows": built["rows"],
        "workers": workers,
        "rush": rushed,
        "load": {"threads": args.threads, "connections": args.connections, "seconds": args.seconds},
        "endpoints": endpoint_results,
        "quiz_submit": {"pool": len(built["pool"]), "graded": graded, "replays": max(submitted - graded, 0)},
        "item_analysis": built["item_analysis"],
        "export": export,
        "import": imported,
    }
    results["targets"] = report.targets(results)
    saved = report.save(results)
    print()
    print(saved.read_text())
    print(f"Saved {saved} and {saved.with_suffix('.json')}")


if __name__ == "__main__":
    main()
