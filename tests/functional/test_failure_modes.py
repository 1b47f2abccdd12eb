"""When the database is missing, behind, or drops: the server refuses to start on a missing SQLite file,
/healthz says when the schema is not the latest, and a database that goes away gives a 503 page that
says so, then the course recovers by itself when it comes back."""

import os
import socket
import subprocess
import sys
import threading
from contextlib import closing, suppress
from pathlib import Path

import pytest
from sqlalchemy import make_url

from course import create_app, migrate
from course.config import PROJECT_ROOT, ConfigError
from course.extensions import db as database
from tests import factories
from tests.fixtures.app import Web

pytestmark = pytest.mark.database

UNAVAILABLE = "The training is briefly unavailable"


def dispose(app):
    app.extensions["database"].engine.dispose()


def test_the_app_refuses_to_start_on_a_missing_sqlite_file(tmp_path):
    missing = tmp_path / "course.db"
    with pytest.raises(ConfigError, match="does not exist.*db upgrade"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{missing}"})
    assert not missing.exists()  # and nothing was created


def test_db_upgrade_is_what_creates_a_new_sqlite_database(tmp_path):
    new = tmp_path / "new.db"
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{new}", "COURSE_ENV": "development"}
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run(  # noqa: S603  (our own command)
        [str(flask), "--app", "course", "db", "upgrade"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert new.exists()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{new}"})
    assert app.test_client().get("/healthz").status_code == 200
    dispose(app)


def test_healthz_is_503_when_the_schema_is_not_the_latest(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0002")
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    response = app.test_client().get("/healthz")
    dispose(app)
    assert response.status_code == 503
    assert response.json["schema"] == "outdated" and response.json["applied"] == ["0002"]
    assert response.json["expected"] == sorted(migrate.heads())


def test_a_lost_sqlite_file_gives_a_503_page_then_recovers(tmp_path):
    path = tmp_path / "live.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        factories.user("here@example.org")
        database.session.commit()
        database.session.remove()
    web = Web(app.test_client())
    assert web.login("here@example.org").status_code == 302
    assert web.get("/").status_code == 200
    path.rename(tmp_path / "away.db")  # the volume is gone
    dispose(app)  # as after a restart: no connection is left open on the old file
    for page in ("/", "/records", "/healthz"):
        assert web.get(page).status_code == 503, page
    down = web.get("/")
    assert UNAVAILABLE in down.get_data(as_text=True) and down.headers["Retry-After"] == "30"
    assert not path.exists()  # the app did not make an empty database in its place
    (tmp_path / "away.db").rename(path)  # it comes back
    assert web.get("/").status_code == 200
    assert web.get("/healthz").status_code == 200
    dispose(app)


class Proxy:
    """A TCP relay to the database server that the test can cut and restore, like a network drop."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        for connection in self.open:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.open = []

    def restore(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


def free_port():
    with closing(socket.create_server(("127.0.0.1", 0))) as probe:
        return probe.getsockname()[1]


def test_postgresql_down_is_a_503_page_not_a_500():
    url = f"postgresql+psycopg://course@127.0.0.1:{free_port()}/course?connect_timeout=2"
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    response = Web(app.test_client()).login("anyone@example.org", "a password that is not right")
    assert response.status_code == 503 and UNAVAILABLE in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 503
    dispose(app)


@pytest.mark.postgresql  # on SQLite, test_a_lost_sqlite_file_... shows the same
def test_postgresql_that_drops_gives_503_then_recovers_by_itself(database_url):
    url = make_url(database_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    with closing(proxy):
        through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        app = create_app({"TESTING": True, "DATABASE_URL": through})
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        proxy.cut()  # the server goes away mid-life: pooled connections are broken
        wrong = Web(client).login("anyone@example.org", "a password that is not right")
        assert wrong.status_code == 503 and UNAVAILABLE in wrong.get_data(as_text=True)
        assert client.get("/healthz").status_code == 503
        proxy.restore()  # a fresh connection, without a restart
        assert Web(client).login("anyone@example.org", "a password that is not right").status_code == 200
        assert client.get("/healthz").status_code == 200
        dispose(app)
