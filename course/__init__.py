"""Self-harm awareness training: the Flask application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from course import cli, config, errors, formatting, security
from course.content import init_content
from course.extensions import csrf, db, limiter, login_manager
from course.sso import init_app as init_sso

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
    init_sso(app)
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
    from course.admin import bp as admin_bp
    from course.auth import bp as auth_bp
    from course.health import bp as health_bp
    from course.learning import bp as learning_bp
    from course.quizzes import bp as quizzes_bp
    from course.records import bp as records_bp
    from course.sso import bp as sso_bp

    for blueprint in (auth_bp, learning_bp, quizzes_bp, records_bp, admin_bp, sso_bp, health_bp):
        app.register_blueprint(blueprint)
