"""Self-harm awareness training: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask

from course import (
    admin,
    assignments,
    auth,
    cli,
    config,
    conversations,
    errors,
    formatting,
    health,
    imports,
    invitations,
    learning,
    lti,
    organisation,
    outbox,
    people,
    privacy,
    quizzes,
    records,
    reminders,
    reporting,
    scorm,
    security,
    sso,
    twofactor,
    xapi,
)
from course.accounts import sessions
from course.content import init_content
from course.database import sqlite_file
from course.extensions import csrf, db, limiter, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, content, security, pages, error pages, commands."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    refuse_missing_database(app.config["DATABASE_URL"])

    db.init_app(app)
    init_content(app)
    register_extensions(app)
    register_blueprints(app)
    sso.init_app(app)
    xapi.init_app(app)
    formatting.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def refuse_missing_database(url: str) -> None:
    """A server never starts on an SQLite file that is not there (a wrong path, a lost volume): it would
    otherwise answer every page with an error, or with an empty course. On the command line the app is
    built before the command runs, so there the check is left to the database itself, and `db upgrade`
    creates the file."""
    path = sqlite_file(url)
    if path is not None and not path.exists() and click.get_current_context(silent=True) is None:
        raise config.ConfigError(
            f"The database file {path} does not exist. Check DATABASE_URL, or create the database with "
            "`flask --app course db upgrade`."
        )


def register_extensions(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)
    sessions.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The features, learners' first, then the administration area's, then monitoring."""
    for blueprint in (
        auth.bp,
        twofactor.bp,
        learning.bp,
        conversations.bp,
        quizzes.bp,
        records.bp,
        reporting.bp,
        people.bp,
        imports.bp,
        assignments.bp,
        reminders.bp,
        invitations.bp,
        organisation.bp,
        privacy.bp,
        outbox.bp,
        sso.bp,
        lti.bp,
        scorm.bp,
        admin.bp,
        health.bp,
    ):
        app.register_blueprint(blueprint)
