"""Two gunicorn servers on one database and one real Redis (Debian's redis-server, started here on
127.0.0.1): the sign-in limit is one limit for both, and failed passwords counted by either slow the
address down on both. Without Redis each process would count on its own (test_scale_out.py)."""

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bench.server import free_port, wait_until_up
from course.auth.routes import SIGN_IN_FAILED
from tests.factories import PASSWORD
from tests.perf.test_scale_out import Live, Visitor

pytestmark = pytest.mark.database

LIMIT = 4  # sign-in attempts a minute per address, for all servers together
FREE_FAILURES = 2


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    program = shutil.which("redis-server")
    assert program, "redis-server is missing: scripts/system-deps.sh installs it"
    port, folder = free_port(), tmp_path_factory.mktemp("redis")
    command = [program, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen([*command, "--dir", str(folder)], stdout=subprocess.DEVNULL)  # noqa: S603
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def servers(database_url, redis_url, tmp_path_factory) -> Iterator[list[Live]]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": redis_url,
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "SIGN_IN_FREE_FAILURES": str(FREE_FAILURES),
    }
    started = []
    try:
        for name in ("a", "b"):
            port, log = free_port(), tmp_path_factory.mktemp(f"gunicorn-{name}") / "access.log"
            command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
            command += ["--no-control-socket", "--access-logfile", str(log)]
            command += ["--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "course:create_app()"]
            server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)  # noqa: S603
            started.append((server, Live(port, Path(log))))
            wait_until_up(f"http://127.0.0.1:{port}", server, seconds=30)
        yield [live for _, live in started]
    finally:
        for server, _ in started:
            server.terminate()
            server.wait(timeout=30)


def test_the_sign_in_limit_holds_across_both_servers(servers, redis_url):
    first, second = (Visitor(live, "127.0.0.21") for live in servers)
    form = {"email": "nobody@example.org", "password": "not the password at all"}
    statuses = []
    for n in range(3 * LIMIT):  # alternately to each server, from one address
        visitor = (first, second)[n % 2]
        statuses.append(
            visitor.send("POST", "/sign-in", {**form, "csrf_token": visitor.token("/sign-in")})[0]
        )
    assert statuses.count(200) == LIMIT, statuses  # not LIMIT per server, nor per worker
    assert statuses.count(429) == 2 * LIMIT
    assert any(key.startswith(b"LIMITS") for key in redis.Redis.from_url(redis_url).scan_iter())


def test_failures_counted_by_either_server_slow_the_address_on_both(servers, make_user):
    make_user("shared@example.org")
    first, second = (Visitor(live, "127.0.0.22") for live in servers)
    assert first.sign_in("shared@example.org", "wrong password number one")[0] == 200
    assert second.sign_in("shared@example.org", "wrong password number two")[0] == 200
    for visitor in (first, second):  # now this address waits, on both, even with the right password
        status, location, body = visitor.sign_in("shared@example.org", PASSWORD)
        assert (status, location) != (302, "/") and SIGN_IN_FAILED in body
    elsewhere = Visitor(servers[1], "127.0.0.23")
    assert elsewhere.sign_in("shared@example.org", PASSWORD)[:2] == (302, "/")  # the owner, elsewhere
