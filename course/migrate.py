"""Alembic, driven from the app: the schema is always made by migrations."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from course.config import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


@cache
def heads() -> frozenset[str]:
    """The latest revisions the migrations know (one, once branches are merged). Read from the migration
    files once: they do not change while the app runs, and /healthz asks on every request."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())
