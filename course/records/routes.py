"""My records, certificate downloads, and the public verification page."""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course import org
from course.content import current_course
from course.database import utcnow
from course.extensions import db, limiter
from course.formatting import completion_state
from course.models import CourseCompletion, QuizAttempt
from course.records import bp, services
from course.records.certificate import render_certificate


@bp.get("/records")
@login_required
def mine() -> str:
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == current_user.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc())
    ).all()
    return render_template(
        "records/mine.html",
        completions=services.all_completions(current_user),
        attempts=attempts,
        today=utcnow().date(),
    )


def _own_completion(completion_id: int) -> CourseCompletion:
    completion = db.session.get(CourseCompletion, completion_id)
    if completion is None or completion.user_id != current_user.id:
        abort(404)
    return completion


@bp.get("/records/<int:completion_id>/certificate.pdf")
@login_required
def certificate(completion_id: int) -> Response:
    completion = _own_completion(completion_id)
    if completion.revocation is not None:
        abort(404)
    verify_url = url_for("records.verify", code=completion.certificate_code, _external=True)
    facts = services.certificate_facts(completion, current_user, current_course(), org.settings(), verify_url)
    pdf = render_certificate(facts)
    filename = f"certificate-{completion.certificate_code}.pdf"
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/records/my-records.csv")
@login_required
def my_records_csv() -> Response:
    """Everything the learner has done, as a spreadsheet they can keep."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "module", "date (UTC)", "score %", "outcome", "certificate code", "valid until"])
    for c in services.all_completions(current_user):
        outcome = "revoked" if c.revocation else "completed"
        writer.writerow(
            [
                "course record",
                "",
                c.completed_at.isoformat(),
                "",
                outcome,
                c.certificate_code,
                c.expires_on.isoformat(),
            ]
        )
    for a in db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == current_user.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at)
    ):
        writer.writerow(
            [
                "quiz attempt",
                a.module_id,
                a.submitted_at.isoformat() if a.submitted_at else "",
                a.score,
                "passed" if a.passed else "not passed",
                "",
                "",
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="my-training-records.csv"'},
    )


@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str) -> tuple[str, int] | str:
    completion = db.session.scalar(
        select(CourseCompletion)
        .options(selectinload(CourseCompletion.revocation), selectinload(CourseCompletion.user))
        .where(CourseCompletion.certificate_code == code.strip().upper())
    )
    if completion is None:
        return render_template("records/verify.html", completion=None, code=code), 404
    return render_template(
        "records/verify.html", completion=completion, state=completion_state(completion), code=code
    )
