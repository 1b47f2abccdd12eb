"""SCORM packages: exporting one (a record with its key, secret and unit, and the zip), revoking it,
and the launch that signs a package's learner in. Services own the commit."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template, session, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course import org
from course.audit import record
from course.content import current_course
from course.database import utcnow
from course.extensions import db
from course.models import JobRole, OrgUnit, QuizAttempt, Role, ScormLearner, ScormPackage, UnitKind, User
from course.people import services as people
from course.progress.services import learner_state
from course.scorm import rules
from course.security import allow_framing_by, framed_by

STATIC = Path(__file__).resolve().parent.parent / "static" / "scorm"
PACKAGE = "scorm_package"  # the session's package id, during a launch from a SCORM package
LEARNER_DOMAIN = "scorm.invalid"  # accounts made at a launch have no e-mail address of their own


class PackageProblem(ValueError):
    """The export cannot be made as asked; the message says why."""


def packages() -> list[ScormPackage]:
    return list(
        db.session.scalars(
            select(ScormPackage).options(selectinload(ScormPackage.unit)).order_by(ScormPackage.id.desc())
        )
    )


def default_unit() -> OrgUnit | None:
    """The organisation's top unit: where a package's learners go when no unit is named."""
    return db.session.scalar(
        select(OrgUnit)
        .where(OrgUnit.parent_id.is_(None))
        .order_by(OrgUnit.kind != UnitKind.ORGANISATION, OrgUnit.id)
    )


def create_package(
    *, version: str, module_id: str | None, unit_id: int | None, by: User | None
) -> ScormPackage:
    """Record a new package (its own key and secret) and commit; raise PackageProblem when the
    version, module or unit does not exist."""
    if version not in rules.VERSIONS:
        raise PackageProblem(f"SCORM version {version!r} is not offered: choose 1.2 or 2004.")
    course = current_course()
    module = course.module(module_id) if module_id else None
    if module_id and module is None:
        raise PackageProblem(f"There is no module {module_id!r} in the course.")
    unit = db.session.get(OrgUnit, unit_id) if unit_id is not None else default_unit()
    if unit is None and unit_id is not None:
        raise PackageProblem(f"There is no unit {unit_id}.")
    if unit is None:
        raise PackageProblem("Add the organisation's units first: a package needs a unit for its learners.")
    title = f"{course.title}: {module.title}" if module else course.title
    package = ScormPackage(
        key=secrets.token_urlsafe(18),
        secret=secrets.token_hex(32),
        title=title[:200],
        version=version,
        module_id=module.id if module else None,
        unit=unit,
        origins=[],
        created_by_id=by.id if by else None,
    )
    db.session.add(package)
    db.session.flush()
    record(
        "scorm.package_created", subject=f"scorm:{package.id}", actor=by, version=version, module=module_id
    )
    db.session.commit()
    return package


def revoke(package: ScormPackage, *, by: User | None) -> bool:
    """Stop a package's launches for good. False when it was revoked already."""
    if package.revoked_at is not None:
        return False
    package.revoked_at = utcnow()
    record("scorm.package_revoked", subject=f"scorm:{package.id}", actor=by)
    db.session.commit()
    return True


def package_zip(package: ScormPackage) -> bytes:
    """The zip a customer's LMS team uploads: imsmanifest.xml at its root, and the launch page."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    values = {
        "identifier": f"course-{package.key}",
        "title": package.title,
        "description": "Self-harm awareness training, hosted and kept current by the training provider.",
        "version": package.version,
        "key": package.key,
        "secret": package.secret,
        "launch_url": base + url_for("scorm.launch", key=package.key),
        "origin": base,
        "files": rules.PACKAGE_FILES,
    }
    files = {
        "imsmanifest.xml": render_template(f"scorm/imsmanifest-{package.version}.xml", **values).encode(),
        "launch.html": render_template("scorm/package-launch.html", **values).encode(),
        "launch.js": (STATIC / "launch.js").read_bytes(),
        "launch.css": (STATIC / "launch.css").read_bytes(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def package_by_key(key: str) -> ScormPackage | None:
    return db.session.scalar(select(ScormPackage).where(ScormPackage.key == key))


def sign_in(package: ScormPackage, launch: rules.Launch) -> User:
    """The account of this package's learner, made in the package's unit at their first launch;
    remembers the LMS origins, so that only they may frame the session. Commits."""
    now = utcnow()
    learner = _learner(package, launch.learner_id)
    if learner is None:
        try:
            learner = _first_launch(package, launch)
        except IntegrityError:  # the same learner's first launch twice at once: the other one made it
            db.session.rollback()
            learner = _learner(package, launch.learner_id)
            if learner is None:
                raise
    learner.last_launch_at = now
    new_origins = [o for o in launch.origins if o not in package.origins]
    if new_origins:
        package.origins = [*package.origins, *new_origins]
        record("scorm.origin_added", subject=f"scorm:{package.id}", origins=new_origins)
    learner.user.last_login_at = now
    db.session.commit()
    return learner.user


def _learner(package: ScormPackage, learner_id: str) -> ScormLearner | None:
    return db.session.scalar(
        select(ScormLearner)
        .options(selectinload(ScormLearner.user))
        .where(ScormLearner.package_id == package.id, ScormLearner.learner_id == learner_id)
    )


def _first_launch(package: ScormPackage, launch: rules.Launch) -> ScormLearner:
    digest = hashlib.sha256(f"{package.key}\n{launch.learner_id}".encode()).hexdigest()[:24]
    user = people.create_user(
        email=f"learner-{digest}@{LEARNER_DOMAIN}",
        name=launch.name,
        role=Role.LEARNER,
        job_role=JobRole.OTHER,
        unit=package.unit,
    )
    db.session.flush()
    learner = ScormLearner(package_id=package.id, learner_id=launch.learner_id, user=user)
    db.session.add(learner)
    db.session.flush()
    record("scorm.learner_created", subject=f"user:{user.id}", actor=user, package=package.id)
    return learner


def start_session(package: ScormPackage, launch: rules.Launch) -> None:
    """Mark the signed-in session as a launch of `package`, framed by the origins it came from."""
    session[PACKAGE] = package.id
    allow_framing_by(launch.origins)


def first_page(package: ScormPackage, launch: rules.Launch) -> str:
    """Where the launch goes: the place the learner left (suspend data), or the package's start."""
    start = (
        url_for("learning.module", module_id=package.module_id)
        if package.module_id
        else url_for("learning.home")
    )
    prefix = start if package.module_id else "/"
    return rules.resume_place(launch.place, prefix) or start


@dataclass(frozen=True)
class Relay:
    message: dict[str, object]
    origin: str


def relay(user: User, place: str) -> Relay | None:
    """During a launch from a package: what our page tells the package's page, and its origin."""
    package_id, origins = session.get(PACKAGE), framed_by()
    if not isinstance(package_id, int) or not origins:
        return None
    package = db.session.get(ScormPackage, package_id)
    if package is None or package.revoked_at is not None:
        return None
    state = learner_state(user, current_course(), org.settings(), org.today())
    if package.module_id is None:
        report = rules.course_report(state.all_complete, state.scores)
    else:
        progress = next((p for p in state.progress if p.module.id == package.module_id), None)
        latest = db.session.scalar(
            select(QuizAttempt.score)
            .where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.module_id == package.module_id,
                QuizAttempt.submitted_at.is_not(None),
            )
            .order_by(QuizAttempt.submitted_at.desc())
            .limit(1)
        )
        report = rules.module_report(
            progress is not None and progress.complete, state.scores.get(package.module_id), latest
        )
    return Relay(report.as_message(place), origins[0])
