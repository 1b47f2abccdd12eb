"""LTI 1.3 tool: keys, registrations, login and launch checks, who the learner is, deep linking and
scores back to the platform. Tokens are signed and checked with joserfc (Authlib's JOSE). Owns commits."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlencode

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from course import events
from course.accounts.services import TokenProblem, find_user_by_email, issue_token, usable_token
from course.audit import record
from course.database import utcnow
from course.extensions import db
from course.lti import rules
from course.lti.rules import Launch
from course.models import (
    AccountToken,
    CourseCompletion,
    JobRole,
    LtiKey,
    LtiLink,
    LtiLogin,
    LtiRegistration,
    LtiResourceLink,
    OrgUnit,
    QuizAttempt,
    Role,
    User,
)
from course.outbox.services import Refuse, Retry, enqueue, handles
from course.people import services as people
from course.quizzes.rules import Result
from course.records.services import course_score
from course.sso.rules import job_role_from

TOPIC = "lti.score"
HANDOFF = "lti_window"  # the purpose of the single-use link that opens the course in a new window
HANDOFF_LIFETIME = timedelta(minutes=10)
TIMEOUT = 10  # seconds, for every call to a platform


class LtiFailure(Exception):
    """A launch or login did not go ahead; `reason` is a key of rules.PROBLEMS."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def record_failure(failure: LtiFailure) -> None:
    """An audit event for a launch that did not go ahead; nothing else is written."""
    db.session.rollback()
    details: dict[str, Any] = {key: str(value) for key, value in failure.details.items()}
    record(f"lti.{failure.reason}", subject="", actor=None, **details)
    db.session.commit()


# ---- the tool's keys ------------------------------------------------------------------------------


def _new_key() -> LtiKey:
    key = RSAKey.generate_key(2048, private=True)
    return LtiKey(kid=secrets.token_hex(16), private_pem=key.as_pem(private=True).decode())


def signing_key() -> LtiKey:
    """The key that signs now (made on first use)."""
    key = db.session.scalar(
        select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.id.desc()).limit(1)
    )
    if key is None:
        key = _new_key()
        db.session.add(key)
        db.session.commit()
    return key


def rotate_key() -> LtiKey:
    """A new signing key; the old ones stay published for rules.KEY_GRACE."""
    now = utcnow()
    for old in db.session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))):
        old.retired_at = now
    key = _new_key()
    db.session.add(key)
    db.session.flush()
    record("lti.key_rotated", subject="lti", kid=key.kid)
    db.session.commit()
    return key


def jwks() -> dict[str, list[dict[str, Any]]]:
    """The tool's public key set: the signing key and recently retired ones."""
    signing_key()
    keys = list(db.session.scalars(select(LtiKey).order_by(LtiKey.id.desc())))
    shown = set(rules.published([(k.kid, k.retired_at) for k in keys], utcnow()))
    return {"keys": [_public_jwk(k) for k in keys if k.kid in shown]}


def _public_jwk(key: LtiKey) -> dict[str, Any]:
    found = dict(RSAKey.import_key(key.private_pem).as_dict(private=False))
    return {**found, "kid": key.kid, "alg": "RS256", "use": "sig"}


def sign(claims: dict[str, Any]) -> str:
    key = signing_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, RSAKey.import_key(key.private_pem))


# ---- registrations --------------------------------------------------------------------------------


class RegistrationExists(Exception):
    pass


@dataclass(frozen=True)
class NewRegistration:
    issuer: str
    client_id: str
    deployment_id: str
    auth_login_url: str
    auth_token_url: str
    keyset_url: str
    unit_id: int | None


def register(new: NewRegistration, *, by: User | None = None) -> LtiRegistration:
    """Add a platform deployment. RegistrationExists when that (issuer, client, deployment) is known."""
    registration = LtiRegistration(
        issuer=new.issuer.strip(),
        client_id=new.client_id.strip(),
        deployment_id=new.deployment_id.strip(),
        auth_login_url=new.auth_login_url.strip(),
        auth_token_url=new.auth_token_url.strip(),
        keyset_url=new.keyset_url.strip(),
        unit_id=new.unit_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError as error:
        db.session.rollback()
        raise RegistrationExists(new.issuer) from error
    record(
        "lti.registered",
        subject=f"lti:{registration.id}",
        actor=by,
        issuer=registration.issuer,
        client_id=registration.client_id,
        deployment_id=registration.deployment_id,
    )
    db.session.commit()
    return registration


def registrations() -> list[LtiRegistration]:
    return list(
        db.session.scalars(
            select(LtiRegistration).order_by(LtiRegistration.issuer, LtiRegistration.deployment_id)
        )
    )


def set_active(registration: LtiRegistration, active: bool, *, by: User) -> None:
    registration.active = active
    record("lti.switched_on" if active else "lti.switched_off", subject=f"lti:{registration.id}", actor=by)
    db.session.commit()


def unit_choices() -> list[tuple[int, str]]:
    return [
        (row.id, row.name)
        for row in db.session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))
    ]


def unit_named(name: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.name == name))


# ---- login and launch -----------------------------------------------------------------------------


def _candidates(issuer: str, client_id: str | None) -> list[LtiRegistration]:
    query = select(LtiRegistration).where(LtiRegistration.issuer == issuer, LtiRegistration.active)
    if client_id:
        query = query.where(LtiRegistration.client_id == client_id)
    return list(db.session.scalars(query.order_by(LtiRegistration.id)))


def start_login(params: dict[str, str], *, launch_url: str) -> str:
    """Answer a platform's third-party login initiation: the address of its authorisation endpoint
    with a fresh state and nonce (kept in the database, used once)."""
    issuer, login_hint = params.get("iss", ""), params.get("login_hint", "")
    if not issuer or not login_hint:
        raise LtiFailure("claims", missing="iss or login_hint")
    found = _candidates(issuer, params.get("client_id"))
    deployment = params.get("lti_deployment_id")
    if deployment:
        found = [r for r in found if r.deployment_id == deployment]
    if not found:
        raise LtiFailure("platform", issuer=issuer)
    registration = found[0]
    login = LtiLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        registration_id=registration.id,
        expires_at=utcnow() + rules.LOGIN_LIFETIME,
    )
    db.session.add(login)
    db.session.commit()
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": launch_url,
        "login_hint": login_hint,
        "state": login.state,
        "nonce": login.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_login_url else "?"
    return f"{registration.auth_login_url}{separator}{urlencode(query)}"


def check_launch(id_token: str, state: str) -> tuple[Launch, LtiRegistration]:
    """The launch an ID token describes, once its login (state) is claimed for good, its signature is
    checked against the platform's key set, and its claims (issuer, audience, expiry, nonce,
    deployment) are checked. A replay finds its login used."""
    if not id_token or not state:
        raise LtiFailure("state")
    login = db.session.scalar(select(LtiLogin).where(LtiLogin.state == state))
    if login is None:
        raise LtiFailure("state")
    claimed = db.session.execute(
        update(LtiLogin).where(LtiLogin.id == login.id, LtiLogin.used_at.is_(None)).values(used_at=utcnow())
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise LtiFailure("replayed", login=login.id)
    if login.expires_at <= utcnow():
        raise LtiFailure("expired", login=login.id)
    registration = db.session.get(LtiRegistration, login.registration_id)
    if registration is None or not registration.active:
        raise LtiFailure("platform", login=login.id)
    claims = _verified_claims(id_token, registration)
    siblings = _candidates(registration.issuer, registration.client_id)
    try:
        launch = rules.check_claims(
            claims,
            issuer=registration.issuer,
            client_id=registration.client_id,
            nonce=login.nonce,
            deployments=[r.deployment_id for r in siblings],
            now=time.time(),
        )
    except rules.ClaimProblem as problem:
        raise LtiFailure(problem.reason, claim=problem.claim, issuer=registration.issuer) from problem
    deployed = next(r for r in siblings if r.deployment_id == launch.deployment_id)
    return launch, deployed


_KEY_SETS: dict[str, tuple[float, KeySet]] = {}  # keyset URL -> (fetched at, keys), for this process


def _platform_keys(registration: LtiRegistration, *, fresh: bool) -> KeySet:
    """The platform's key set, fetched at most every rules.KEYSET_MAX_AGE seconds unless `fresh`."""
    cached = _KEY_SETS.get(registration.keyset_url)
    if cached is not None and not fresh and time.monotonic() - cached[0] < rules.KEYSET_MAX_AGE:
        return cached[1]
    try:
        answer = requests.get(registration.keyset_url, timeout=TIMEOUT)
        answer.raise_for_status()
        keys = KeySet.import_key_set(answer.json())
    except (requests.RequestException, ValueError, JoseError) as error:
        raise LtiFailure("unreachable", issuer=registration.issuer, error=type(error).__name__) from error
    _KEY_SETS[registration.keyset_url] = (time.monotonic(), keys)
    return keys


def _verified_claims(id_token: str, registration: LtiRegistration) -> dict[str, Any]:
    """The token's claims once its signature checks with the platform's keys. A token that does not
    check with the kept keys is tried once more with freshly fetched ones: the platform may have
    rotated its key."""
    with contextlib.suppress(JoseError, ValueError):
        return _decode(id_token, _platform_keys(registration, fresh=False))
    try:
        return _decode(id_token, _platform_keys(registration, fresh=True))
    except (JoseError, ValueError) as error:
        raise LtiFailure("signature", issuer=registration.issuer, error=type(error).__name__) from error


def _decode(id_token: str, keys: KeySet) -> dict[str, Any]:
    return dict(jwt.decode(id_token, keys, algorithms=["RS256"]).claims)


# ---- who the learner is ---------------------------------------------------------------------------


def sign_in(launch: Launch, registration: LtiRegistration, *, retry: bool = True) -> LtiLink:
    """The person's link: made at their first launch (matched by e-mail, or a new learner in the
    registration's unit), then reused. The platform's roles grant nothing here."""
    link = db.session.scalar(
        select(LtiLink).where(LtiLink.registration_id == registration.id, LtiLink.subject == launch.subject)
    )
    if link is None:
        try:
            link = _first_link(launch, registration)
        except IntegrityError:
            db.session.rollback()
            if not retry:
                raise
            return sign_in(launch, registration, retry=False)  # another tab linked them a moment ago
    user = link.user
    if not user.active:
        db.session.rollback()
        raise LtiFailure("deactivated", user_id=user.id)
    now = utcnow()
    link.last_launch_at = registration.last_launch_at = user.last_login_at = now
    if launch.resource_link_id:
        _remember_resource_link(link, launch)
    record("lti.launched", subject=f"user:{user.id}", actor=user, registration=registration.id)
    db.session.commit()
    return link


def _first_link(launch: Launch, registration: LtiRegistration) -> LtiLink:
    user = find_user_by_email(launch.email) if launch.email else None
    asked = True
    if user is None:
        asked = launch.job_role is not None
        user = _new_learner(launch, registration)
    elif not user.active:
        raise LtiFailure("deactivated", user_id=user.id)
    elif user.role != Role.LEARNER:
        raise LtiFailure("staff_account", user_id=user.id)
    link = LtiLink(
        registration_id=registration.id, subject=launch.subject, user_id=user.id, job_role_asked=asked
    )
    db.session.add(link)
    db.session.flush()
    link.user = user
    record("lti.linked", subject=f"user:{user.id}", actor=user, registration=registration.id)
    return link


def _new_learner(launch: Launch, registration: LtiRegistration) -> User:
    digest = hashlib.sha256(f"{registration.issuer}\n{launch.subject}".encode()).hexdigest()
    email = launch.email or rules.placeholder_email(registration.id, digest)
    user = people.create_user(
        email=email,
        name=launch.name,
        role=Role.LEARNER,
        job_role=job_role_from(launch.job_role),
        unit=registration.unit,
        password=None,
    )
    db.session.flush()
    record(
        "person.created", subject=f"user:{user.id}", actor=user, email=user.email, role=user.role, via="lti"
    )
    return user


def _remember_resource_link(link: LtiLink, launch: Launch) -> None:
    found = db.session.scalar(
        select(LtiResourceLink).where(
            LtiResourceLink.link_id == link.id, LtiResourceLink.resource_link_id == launch.resource_link_id
        )
    )
    if found is None:
        found = LtiResourceLink(link_id=link.id, resource_link_id=launch.resource_link_id)
        db.session.add(found)
    found.module_id = launch.module_id
    found.lineitem_url = launch.lineitem_url or found.lineitem_url
    found.launched_at = utcnow()


def link_of(user: User) -> LtiLink | None:
    return db.session.scalar(select(LtiLink).where(LtiLink.user_id == user.id).order_by(LtiLink.id.desc()))


def set_job_role(link: LtiLink, job_role: JobRole) -> None:
    """The learner's answer to the one question a platform could not answer."""
    link.user.job_role = job_role
    link.job_role_asked = True
    record("lti.job_role_given", subject=f"user:{link.user_id}", actor=link.user, job_role=job_role)
    db.session.commit()


def handoff_token(user: User) -> str:
    """A single-use link that opens the course in a new window when the LMS frame keeps no cookie."""
    return issue_token(user, HANDOFF, HANDOFF_LIFETIME, None)


def redeem_handoff(token: str) -> User:
    try:
        found = usable_token(token, HANDOFF)
    except TokenProblem as problem:
        raise LtiFailure("handoff") from problem
    claimed = db.session.execute(
        update(AccountToken)
        .where(AccountToken.id == found.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise LtiFailure("handoff")
    user = found.user
    record("lti.opened_in_window", subject=f"user:{user.id}", actor=user)
    db.session.commit()
    return user


# ---- deep linking ---------------------------------------------------------------------------------


def deep_link_response(
    registration: LtiRegistration, *, data: Any, title: str, module_id: str | None, launch_url: str
) -> str:
    """The signed LtiDeepLinkingResponse: one LTI resource link to the course or a module, with a
    line item so the platform makes a grade column for it."""
    item: dict[str, Any] = {
        "type": "ltiResourceLink",
        "title": title,
        "url": launch_url,
        "lineItem": {"scoreMaximum": 100, "label": title},
    }
    if module_id:
        item["custom"] = {"module": module_id}
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": registration.client_id,
        "aud": registration.issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": secrets.token_urlsafe(16),
        rules.LTI + "deployment_id": registration.deployment_id,
        rules.LTI + "message_type": rules.DEEP_LINKING_RESPONSE,
        rules.LTI + "version": rules.VERSION,
        rules.DL + "content_items": [item],
    }
    if data:
        claims[rules.DL + "data"] = data
    record("lti.deep_linked", subject=f"lti:{registration.id}", module=module_id or "course")
    db.session.commit()
    return sign(claims)


# ---- scores back to the platform (Assignment and Grade Services) ----------------------------------


def _quiz_marked(*, user_id: int, attempt: QuizAttempt, result: Result) -> None:
    if result.passed:
        _completed(user_id, attempt.module_id, result.score)


def _course_completed(*, user: User, completion: CourseCompletion) -> None:
    _completed(user.id, None, course_score(completion.scores))


def _completed(user_id: int, module_id: str | None, score: int) -> None:
    """A completion: one outbox message per line item that stands for it, in the completion's transaction."""
    links = db.session.scalars(
        select(LtiResourceLink)
        .join(LtiLink, LtiResourceLink.link_id == LtiLink.id)
        .where(
            LtiLink.user_id == user_id,
            LtiResourceLink.lineitem_url.is_not(None),
            LtiResourceLink.module_id.is_(None)
            if module_id is None
            else LtiResourceLink.module_id == module_id,
        )
    )
    stamp = utcnow().astimezone(UTC).isoformat()
    for resource in links:
        enqueue(TOPIC, {"resource_link": resource.id, "score": score, "timestamp": stamp})


events.listen(events.QUIZ_MARKED, _quiz_marked)
events.listen(events.COURSE_COMPLETED, _course_completed)


@handles(TOPIC)
def post_score(payload: dict[str, Any]) -> None:
    """Post a score to its line item with a client-credentials token signed by the tool's key."""
    resource = db.session.get(LtiResourceLink, int(payload["resource_link"]))
    if resource is None or resource.lineitem_url is None:
        raise Refuse("The LMS link for this score no longer exists.")
    link = resource.link
    registration = link.registration
    token = _access_token(registration)
    body = rules.score_body(subject=link.subject, score=int(payload["score"]), timestamp=payload["timestamp"])
    try:
        answer = requests.post(
            rules.scores_url(resource.lineitem_url),
            json=body,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/vnd.ims.lis.v1.score+json",
            },
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise Retry(f"The LMS could not be reached: {type(error).__name__}") from error
    _raise_for(answer, "score")


def _access_token(registration: LtiRegistration) -> str:
    now = int(time.time())
    assertion = sign(
        {
            "iss": registration.client_id,
            "sub": registration.client_id,
            "aud": registration.auth_token_url,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
        }
    )
    try:
        answer = requests.post(
            registration.auth_token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
                "scope": rules.SCORE_SCOPE,
            },
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise Retry(f"The LMS's token service could not be reached: {type(error).__name__}") from error
    _raise_for(answer, "token")
    try:
        return str(answer.json()["access_token"])
    except (ValueError, KeyError, TypeError) as error:
        raise Retry("The LMS's token service answered without a token.") from error


def _raise_for(answer: requests.Response, what: str) -> None:
    if answer.ok:
        return
    message = f"The LMS answered the {what} request with {answer.status_code}: {answer.text[:200]}"
    if rules.should_retry(answer.status_code):
        raise Retry(message)
    raise Refuse(message)
