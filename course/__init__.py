"""Self-harm awareness training: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    quizzes,
    records,
    reminders,
    reporting,
    scorm,
    security,
    sso,
    xapi,
)
from course.content import init_content
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


def register_extensions(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The features, learners' first, then the administration area's, then monitoring."""
    for blueprint in (
        auth.bp,
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
        outbox.bp,
        sso.bp,
        lti.bp,
        scorm.bp,
        admin.bp,
        health.bp,
    ):
        app.register_blueprint(blueprint)
