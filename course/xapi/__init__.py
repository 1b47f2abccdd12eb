"""xAPI 1.0.3 statements of what learners did, sent to the organisation's learning record store."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from course.xapi import services

    services.init_app(app)
