"""Liveness, database reachability and schema version, for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from course import migrate
from course.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 only when the database answers and its schema is at the latest migration; else 503."""
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    expected = migrate.heads()
    if applied != expected:
        return jsonify(
            status="error",
            database="ok",
            schema="outdated",
            applied=sorted(applied),
            expected=sorted(expected),
        ), 503
    return jsonify(status="ok", database="ok", schema="current"), 200
