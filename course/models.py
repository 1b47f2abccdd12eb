"""The database holds people and what they did; course content lives in files."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.database import Base, utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    MANAGER = "manager"
    ADMIN = "admin"


class JobRole(enum.StrEnum):
    TEACHER = "teacher"
    TEACHING_ASSISTANT = "teaching_assistant"
    SCHOOL_NURSE = "school_nurse"
    NURSE = "nurse"
    HEALTHCARE_ASSISTANT = "healthcare_assistant"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def label_for(cls, value: str) -> str:
        """The label of a stored job role; a value no longer in the list is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value


class UnitKind(enum.StrEnum):
    ORGANISATION = "organisation"
    SITE = "site"
    DEPARTMENT = "department"


class OrgUnit(Base):
    """A node of the organisation tree; `path` ("/1/4/9/") makes sub-unit queries one indexed prefix match."""

    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    path: Mapped[str] = mapped_column(String(400), default="", index=True)
    # A retired unit keeps its people and records but is no longer offered in forms or imports.
    retired_at: Mapped[datetime | None]

    parent: Mapped[OrgUnit | None] = relationship(remote_side="OrgUnit.id")


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER)
    job_role: Mapped[str] = mapped_column(String(30), default=JobRole.OTHER, index=True)  # report filter
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # The HR system's number for the person (unique in the organisation); imports match on it first.
    staff_number: Mapped[str | None] = mapped_column(String(40), unique=True, index=True)
    started_on: Mapped[date | None]  # the first day in post: relative due dates count from it
    active: Mapped[bool] = mapped_column(default=True)
    # No longer read or written: failed sign-ins are counted per account and address in
    # SignInFailure. Kept until a later migration drops them with the learner-summary triggers rebuilt.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1)
    content_note_ack_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # A summary of the learner's facts, kept by database triggers (migration 0002) whoever writes the
    # facts, so that reports read one row per learner: when they first opened a section or submitted a
    # quiz, and their latest completion record unless it was withdrawn.
    started_at: Mapped[datetime | None]
    record_completed_at: Mapped[datetime | None]
    record_expires_on: Mapped[date | None]

    unit: Mapped[OrgUnit | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        # The version in the id means a bumped version signs out every existing session.
        return f"{self.id}:{self.session_version}"


class AccountToken(Base):
    """A single-use link to set a password: an invitation or an admin-issued reset."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class SignInFailure(Base):
    """Wrong passwords in a row for one account from one address: that address waits, nobody else."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (UniqueConstraint("user_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    wait_until: Mapped[datetime | None]


ORG_DEFAULTS: dict[str, Any] = {
    "org_name": "Your organisation",
    "region": "UK",
    "safeguarding_lead_name": "",
    "safeguarding_lead_role": "",
    "safeguarding_lead_contact": "",
    "policy_url": "",
    "wellbeing_contact": "",
    "signatory_name": "",
    "signatory_role": "",
    "certificate_months": 12,
    "privacy_notice": "",
    "pass_mark": None,
    "reminder_interval_days": 7,
    "expiring_window_days": 30,
    "retake_review_after": 2,
    "reminder_stages": "30,7,0",
    "second_factor_everyone": False,
}


class SecondFactor(Base):
    """A person's authenticator app (TOTP, RFC 6238): its secret, when they confirmed it with a code,
    and the time step of the last code accepted, so no code is accepted twice."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(String(64))  # base32
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]  # none: set up but not yet confirmed with a code
    last_step: Mapped[int] = mapped_column(default=0)  # the 30-second counter of the last code accepted
    last_used_at: Mapped[datetime | None]


class RecoveryCode(Base):
    """A single-use code to sign in without the authenticator app: only its salted SHA-256 digest is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(100))  # "salt$digest"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class OrgSettings(Base):
    """The organisation's own settings: one row. Admin-entered text is always escaped when shown."""

    __tablename__ = "org_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_name: Mapped[str] = mapped_column(String(200), default=ORG_DEFAULTS["org_name"])
    region: Mapped[str] = mapped_column(String(2), default=ORG_DEFAULTS["region"])
    safeguarding_lead_name: Mapped[str] = mapped_column(String(200), default="")
    safeguarding_lead_role: Mapped[str] = mapped_column(String(200), default="")
    safeguarding_lead_contact: Mapped[str] = mapped_column(String(300), default="")
    policy_url: Mapped[str] = mapped_column(String(500), default="")
    wellbeing_contact: Mapped[str] = mapped_column(String(300), default="")
    # The training lead who signs the certificates.
    signatory_name: Mapped[str] = mapped_column(String(200), default="")
    signatory_role: Mapped[str] = mapped_column(String(200), default="")
    certificate_months: Mapped[int] = mapped_column(default=ORG_DEFAULTS["certificate_months"])
    privacy_notice: Mapped[str] = mapped_column(Text, default="")  # shown at /privacy; blank: the default
    pass_mark: Mapped[int | None]
    reminder_interval_days: Mapped[int] = mapped_column(default=ORG_DEFAULTS["reminder_interval_days"])
    expiring_window_days: Mapped[int] = mapped_column(default=ORG_DEFAULTS["expiring_window_days"])
    # After this many failed attempts in a row at a quiz, the learner revisits the module first (0: never).
    retake_review_after: Mapped[int] = mapped_column(
        default=ORG_DEFAULTS["retake_review_after"], server_default="2"
    )
    # The days before a due date or an expiry on which a reminder goes out ("30,7,0"), largest first.
    reminder_stages: Mapped[str] = mapped_column(String(40), default=ORG_DEFAULTS["reminder_stages"])
    # On: everyone who signs in with a password needs a second factor, not only managers and admins.
    second_factor_everyone: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @classmethod
    def with_defaults(cls) -> OrgSettings:
        """The settings before an admin saves any (column defaults only apply on insert)."""
        return cls(id=1, **ORG_DEFAULTS)


class OrgLogo(Base):
    """The organisation's logo for its certificates: one row, kept apart so the settings stay small."""

    __tablename__ = "org_logo"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")


class SectionView(Base):
    """When a learner first and last opened a section; one row per learner, module and section."""

    __tablename__ = "section_views"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(80))
    section_id: Mapped[str] = mapped_column(String(80))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_viewed_at: Mapped[datetime | None]  # the latest opening (empty for views before it was kept)


class ScenarioChoice(Base):
    """A learner's latest practice choice in a scenario (practice is not graded)."""

    __tablename__ = "scenario_choices"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "scenario_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(80))
    scenario_id: Mapped[str] = mapped_column(String(80))
    response_id: Mapped[str] = mapped_column(String(40))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QuizAttempt(Base):
    """One sitting of a module's quiz: the questions drawn, their option order, and the outcome."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        Index("ix_quiz_attempts_user_module", "user_id", "module_id"),
        Index("ix_quiz_attempts_module_submitted", "module_id", "submitted_at"),  # item analysis
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(80))
    quiz_version: Mapped[int]
    course_version: Mapped[str] = mapped_column(String(40))
    # [{"question": id, "options": [option ids in the order shown]}, ...]
    draw: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pass_mark: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    correct_count: Mapped[int | None]
    score: Mapped[int | None]  # per cent
    passed: Mapped[bool | None]

    answers: Mapped[list[AttemptAnswer]] = relationship(order_by="AttemptAnswer.position")


class AttemptAnswer(Base):
    """The options a learner chose for one drawn question; one row per question per attempt."""

    __tablename__ = "attempt_answers"
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id"),
        Index("ix_attempt_answers_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    selected: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[bool]


class ConfidenceRating(Base):
    """How confident a learner felt about a module's objectives, before it and after passing its quiz."""

    __tablename__ = "confidence_ratings"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(4))  # "pre" or "post"
    rating: Mapped[int]
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """The course assigned, with a due date, to one person, a unit (and its sub-units) or a job role.

    People who later join the unit or take the job role are covered automatically; whether someone is
    overdue is computed from these rows, never stored.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    job_role: Mapped[str | None] = mapped_column(String(30), index=True)
    # A fixed date, or a number of days from each person's start date (User.started_on); one of them.
    due_on: Mapped[date | None]
    within_days: Mapped[int | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[OrgUnit | None] = relationship(foreign_keys=[unit_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class CourseCompletion(Base):
    """A completion record: written once, never edited. Renewal adds a new record; revocation is a
    separate fact (Revocation) beside it."""

    __tablename__ = "course_completions"
    __table_args__ = (
        UniqueConstraint("user_id", "cycle"),
        Index("ix_course_completions_expires_on", "expires_on"),
        Index("ix_course_completions_completed_at", "completed_at"),  # completions per month
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int]  # 1 for the first completion, 2 for the first renewal, ...
    course_version: Mapped[str] = mapped_column(String(40))
    completed_at: Mapped[datetime]
    expires_on: Mapped[date]  # the first day the record is no longer valid
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    cpd_minutes: Mapped[int]
    certificate_code: Mapped[str] = mapped_column(String(24), unique=True)
    source: Mapped[str] = mapped_column(String(20), default="course")  # course | import
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revocation: Mapped[Revocation | None] = relationship(back_populates="completion")


class Revocation(Base):
    __tablename__ = "revocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    completion_id: Mapped[int] = mapped_column(
        ForeignKey("course_completions.id", ondelete="CASCADE"), unique=True
    )
    revoked_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500))

    completion: Mapped[CourseCompletion] = relationship(back_populates="revocation")


class ReminderLog(Base):
    """A reminder e-mail sent to a learner, so the same reminder is not sent again too soon."""

    __tablename__ = "reminder_logs"
    __table_args__ = (Index("ix_reminder_logs_user_kind_sent", "user_id", "kind", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # overdue | due-N | expiry-N | digest (| expiring)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The organisation's day the reminder was for: what "sent once per stage" and "weekly" count in.
    sent_on: Mapped[date] = mapped_column(index=True)
    manager_copied: Mapped[bool] = mapped_column(default=False)


class OutboxMessage(Base):
    """Something that must reach another system (an e-mail, a score, a statement), written in the same
    transaction as the fact it reports, and delivered, with retries, until it arrives or is refused."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "delivered_at", "refused_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))  # which handler delivers it: "mail", ...
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    refused_at: Mapped[datetime | None] = mapped_column(default=None)  # the partner will never take it


class ConversationRun(Base):
    """One play-through of a practice conversation; a restart closes it and the next choice opens another."""

    __tablename__ = "conversation_runs"
    __table_args__ = (Index("ix_conversation_runs_user_conversation", "user_id", "conversation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(80))
    conversation_id: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]  # restarted: no longer the learner's current run
    ended_at: Mapped[datetime | None]  # reached an ending
    ending_id: Mapped[str | None] = mapped_column(String(80))

    steps: Mapped[list[ConversationStep]] = relationship(order_by="ConversationStep.position")


class ConversationStep(Base):
    """A choice made at a turn. Going back a step marks it undone; every choice made stays for the report."""

    __tablename__ = "conversation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("conversation_runs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    turn_id: Mapped[str] = mapped_column(String(80))
    choice_id: Mapped[str] = mapped_column(String(80))
    chosen_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]


class FollowUp(Base):
    """The check some months after a completion: one per completion record, whatever happens."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    completion_id: Mapped[int] = mapped_column(
        ForeignKey("course_completions.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_at: Mapped[datetime | None]  # the invitation e-mail was accepted by the mail server
    mail_failures: Mapped[int] = mapped_column(default=0)
    last_mail_error: Mapped[str] = mapped_column(String(500), default="")
    submitted_at: Mapped[datetime | None]
    correct_count: Mapped[int | None]
    used: Mapped[str | None] = mapped_column(String(20))  # yes | no | unsure

    items: Mapped[list[FollowUpItem]] = relationship(order_by="FollowUpItem.position")


class FollowUpItem(Base):
    """A question drawn for a follow-up check, the answer given, and the module's score at completion."""

    __tablename__ = "follow_up_items"
    __table_args__ = (UniqueConstraint("follow_up_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"))
    position: Mapped[int]
    module_id: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(80))
    options: Mapped[list[str]] = mapped_column(JSON)  # option ids in the order shown
    selected: Mapped[list[str] | None] = mapped_column(JSON)
    correct: Mapped[bool | None]
    completion_score: Mapped[int | None]  # the module's quiz score on the completion record


class FollowUpAction(Base):
    """One thing a learner said they did since the course (reported in counts only)."""

    __tablename__ = "follow_up_actions"
    __table_args__ = (UniqueConstraint("follow_up_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(40))


class FollowUpNote(Base):
    """Free text about using the training. Deliberately not linked to a person or a follow-up, so it can
    never be attributed; only the month it was written is kept."""

    __tablename__ = "follow_up_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(2000))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM


class SsoLink(Base):
    """The link between an account and a person at the organisation's OpenID provider.

    The provider's (issuer, subject) pair names the person for good; their e-mail address may change.
    """

    __tablename__ = "sso_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SsoSettings(Base):
    """The organisation's single sign-on choices: one row, edited by admins."""

    __tablename__ = "sso_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Off: people with a linked account must use the provider; administrators keep their password.
    linked_password_sign_in: Mapped[bool] = mapped_column(default=True)
    default_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportUpload(Base):
    """A file an administrator uploaded and is previewing: kept on the server until they confirm the
    import (then removed), for their eyes only, and for an hour at most."""

    __tablename__ = "import_uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, unguessable
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # people | completions
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LtiRegistration(Base):
    """An LMS (LTI 1.3 platform) deployment that may launch the course: its issuer, our client id
    there, the deployment, and its addresses. New learners it sends join `unit_id`."""

    __tablename__ = "lti_registrations"
    __table_args__ = (UniqueConstraint("issuer", "client_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(255))
    deployment_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    keyset_url: Mapped[str] = mapped_column(String(500))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[datetime | None]

    unit: Mapped[OrgUnit | None] = relationship()


class LtiKey(Base):
    """One of the tool's RSA signing keys. The newest unretired key signs; a retired key stays
    published in the key set until `retired_at` plus the grace period, so tokens it signed still check."""

    __tablename__ = "lti_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    private_pem: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class LtiLogin(Base):
    """A login started by a platform (OIDC third-party initiation): its state and nonce, used once."""

    __tablename__ = "lti_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LtiLink(Base):
    """Who a platform's person is here: (registration, subject) names them for good."""

    __tablename__ = "lti_links"
    __table_args__ = (UniqueConstraint("registration_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("lti_registrations.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    job_role_asked: Mapped[bool] = mapped_column(default=False)  # the small form, shown once
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    registration: Mapped[LtiRegistration] = relationship()


class LtiResourceLink(Base):
    """A place in the LMS where a learner launched the course (or one module), with the line item
    their score goes to."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("link_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("lti_links.id", ondelete="CASCADE"), index=True)
    resource_link_id: Mapped[str] = mapped_column(String(255))
    module_id: Mapped[str | None] = mapped_column(String(100))  # none: the whole course
    lineitem_url: Mapped[str | None] = mapped_column(String(500))
    launched_at: Mapped[datetime] = mapped_column(default=utcnow)

    link: Mapped[LtiLink] = relationship()


class ScormPackage(Base):
    """A SCORM package exported for a customer's LMS: its key names it in every launch, its secret
    signs them; learners it brings are made in its unit. Revoking it stops its launches for good."""

    __tablename__ = "scorm_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(8))  # "1.2" or "2004"
    module_id: Mapped[str | None] = mapped_column(String(80))  # one module, or the whole course
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    # The LMS origins that have launched it: the only sites allowed to frame its learners' pages.
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    unit: Mapped[OrgUnit] = relationship()


class ScormLearner(Base):
    """The account a package's registration (the LMS's learner id) maps to, made at its first launch."""

    __tablename__ = "scorm_learners"
    __table_args__ = (UniqueConstraint("package_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("scorm_packages.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    first_launch_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
