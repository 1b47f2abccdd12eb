"""Backing up and restoring the database: `flask --app course backup PATH` and `restore PATH`.

SQLite is copied with its online backup API, page by page under the database's own locks, so the
course can keep running. PostgreSQL has its own tools for this; the commands say how to use them.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from course.audit import record
from course.extensions import db
from course.migrate import alembic_config

# The tables whose rows a backup reports, with the words for them.
COUNTED = {"users": "people", "course_completions": "completion records", "quiz_attempts": "quiz attempts"}


class BackupProblem(Exception):
    """The backup or restore cannot be done; the message says what to do instead."""


def postgres_guidance(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    where = url.render_as_string(hide_password=True)
    return (
        "This database is PostgreSQL: back it up with PostgreSQL's own tools, which take a consistent copy "
        "while the course keeps running.\n"
        f'  Back up:  pg_dump --format=custom --file=course.dump "{where}"\n'
        f'  Restore:  pg_restore --clean --if-exists --no-owner --dbname="{where}" course.dump\n'
        "Give the password in the PGPASSWORD environment variable (shown as *** above). After a restore, "
        "run `flask --app course db upgrade` in case the backup was taken before the latest update."
    )


def sqlite_file(database_url: str) -> Path:
    """The database file behind a SQLite URL; BackupProblem for PostgreSQL or an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupProblem(postgres_guidance(database_url))
    if not url.database or url.database == ":memory:":
        raise BackupProblem("This database lives only in memory, so there is nothing to back up or restore.")
    return Path(url.database)


def check(path: Path) -> dict[str, int]:
    """Row counts of a backup file, once it is shown to be a whole database of this course."""
    if not path.is_file():
        raise BackupProblem(f"There is no file {path}. Check the path and try again.")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as backup:
            if backup.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupProblem(f"{path} is damaged, so it was not used. Use another backup.")
            tables = {name for (name,) in backup.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"alembic_version", *COUNTED} <= tables:
                raise BackupProblem(f"{path} is not a backup of this course's database. Use another file.")
            (revision,) = backup.execute("SELECT version_num FROM alembic_version").fetchone() or ("",)
            counts = {table: _rows(backup, table) for table in COUNTED}
    except sqlite3.DatabaseError as error:
        raise BackupProblem(
            f"{path} is not a SQLite database ({error}). Use a file made by `backup`."
        ) from None
    known = ScriptDirectory.from_config(alembic_config(str(current_app.config["DATABASE_URL"])))
    if revision not in {script.revision for script in known.walk_revisions()}:
        raise BackupProblem(f"{path} was made by a newer version of the course. Update the course first.")
    return counts


def _rows(connection: sqlite3.Connection, table: str) -> int:
    """The number of rows in one of the COUNTED tables (names of ours, never from outside)."""
    query = f'SELECT count(*) FROM "{table}"'  # noqa: S608  # nosec
    return int(connection.execute(query).fetchone()[0])


def backup(database_url: str, target: Path) -> dict[str, int]:
    """Copy the live database to `target` (a new file) and check the copy; its row counts."""
    source = sqlite_file(database_url)
    try:
        # Made readable by its owner only (0600) before a byte is written: it holds everyone's records.
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise BackupProblem(
            f"{target} already exists. Choose a new file name, so that no backup is lost."
        ) from None
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, with no -wal beside it
    return check(target)


def restore(backup_file: Path, database_url: str) -> dict[str, int]:
    """Replace every record of the database with those in a checked backup; its row counts."""
    target = sqlite_file(database_url)
    counts = check(backup_file)
    if target.exists() and target.resolve() == backup_file.resolve():
        raise BackupProblem("That file is the database itself. Name a backup file.")
    reading = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    with closing(reading) as copy, closing(sqlite3.connect(target)) as live:
        copy.backup(live)  # other connections see the old records or the new ones, never a mix
    if db.engine is not None:
        db.engine.dispose()
    record("database.restored", source=str(backup_file), rows=counts)
    db.session.commit()
    return counts


def _summary(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[table]} {words}" for table, words in COUNTED.items())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the database to PATH while the course keeps running (SQLite; PostgreSQL: see the message)."""
    try:
        counts = backup(current_app.config["DATABASE_URL"], path)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    record("database.backed_up", target=str(path), rows=counts)
    db.session.commit()
    click.echo(f"Backed up to {path}: {_summary(counts)}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the records.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace every record in the database with those in the backup PATH, after checking it."""
    try:
        sqlite_file(current_app.config["DATABASE_URL"])  # PostgreSQL: the guidance, and no further
        counts = check(path)
        if not yes:
            click.confirm(f"Replace every record with the backup's {_summary(counts)}?", abort=True)
        restore(path, current_app.config["DATABASE_URL"])
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Restored from {path}: {_summary(counts)}.")


COMMANDS = (backup_command, restore_command)
