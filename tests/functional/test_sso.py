"""Single sign-on against a real OpenID provider (oidc-provider on 127.0.0.1): who gets in, and how
every failure is explained, audited and changes nothing."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from sqlalchemy import func, select

from course.models import AuditEvent, JobRole, Role, SsoLink, SsoSettings, User
from course.sso import services
from tests.factories import PASSWORD
from tests.fixtures.oidc import OTHER_ID, OTHER_SECRET, Provider, ProviderUser, free_port, path_of, sso_config


@pytest.fixture
def app_config(oidc_provider):
    return sso_config(oidc_provider)


@pytest.fixture
def person(oidc_provider):
    return ProviderUser(oidc_provider.issuer)


def start(client):
    """Press the button: the app answers with a redirect to the provider."""
    response = client.get("/sso/sign-in")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sso_sign_in(client, person, login):
    back = person.authorize(start(client), login)
    assert back.startswith("http://localhost/sso/callback?")
    return client.get(path_of(back))


def actions(db):
    db.expire_all()
    return [event.action for event in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_the_sign_in_page_shows_the_button_before_the_password_form(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your NHSmail account" in page
    assert page.index("Sign in with your NHSmail account") < page.index('name="password"')


def test_without_an_issuer_there_is_no_button_and_no_sso_route(database_url):
    from course import create_app

    plain = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    client = plain.test_client()
    assert "NHSmail" not in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/sso/sign-in").status_code == 404
    assert client.get("/sso/callback?code=x&state=y").status_code == 404


def test_forms_may_lead_to_the_provider_and_nowhere_else(client, oidc_provider):
    # The sign-out form's redirect goes on to the provider's end-session endpoint.
    policy = client.get("/sign-in").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy


def test_the_request_uses_pkce_state_and_nonce(client):
    url = start(client)
    for parameter in ("code_challenge=", "code_challenge_method=S256", "state=", "nonce=", "scope=openid"):
        assert parameter in url


@pytest.mark.database
def test_first_sign_in_links_by_verified_email_and_the_second_reuses_the_link(client, db, make_user, person):
    user = make_user("alex@example.org", name="Alex Teacher")
    response = sso_sign_in(client, person, "alex")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "Hello Alex Teacher" in client.get("/").get_data(as_text=True)
    link = db.scalar(select(SsoLink))
    assert (link.user_id, link.issuer, link.subject) == (user.id, person.issuer, "alex")
    assert actions(db) == ["sso.linked", "sso.signed_in"]
    with client.session_transaction() as session:
        id_token = session[services.ID_TOKEN]
    # This provider keeps e-mail claims out of its ID tokens: they came from its userinfo endpoint.
    payload = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    assert payload["sub"] == "alex" and "email" not in payload

    # Sign-out ends our session and sends the browser to end the provider's (RP-initiated logout).
    response = client.post("/sign-out", data={"csrf_token": _token(client)})
    ending = urlsplit(response.headers["Location"])
    assert f"{ending.scheme}://{ending.netloc}{ending.path}" == f"{person.issuer}/session/end"
    query = parse_qs(ending.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://localhost/sign-in"]
    assert not signed_in(client)
    # Their e-mail changes at the organisation: the link, by subject, still finds them.
    db.get(User, user.id).email = "alex.new@example.org"
    db.commit()
    response = sso_sign_in(client, person, "alex")
    assert response.status_code == 302
    assert "Hello Alex Teacher" in client.get("/").get_data(as_text=True)
    assert count(db, SsoLink) == 1
    assert [a for a in actions(db) if a.startswith("sso.")] == [
        "sso.linked",
        "sso.signed_in",
        "sso.signed_in",
    ]


def _token(client, url="/"):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def signed_in(client):
    return client.get("/").status_code == 200


def assert_problem(response, status, heading):
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert f"<h1>{heading}</h1>" in page
    assert "What to do" in page


# Failures: each gets its page and an audit event, and changes no account.


def test_a_tampered_state_is_refused(client, db, make_user, person):
    user = make_user("alex@example.org")
    back = person.authorize(start(client), "alex")
    response = client.get(path_of(back).replace("state=", "state=x"))
    assert_problem(response, 400, "This sign-in could not be checked")
    assert actions(db) == ["sso.state"]
    assert count(db, SsoLink) == 0 and db.get(User, user.id).last_login_at is None
    assert not signed_in(client)


def test_cancelling_at_the_provider_is_explained(client, db, person):
    back = person.cancel(start(client))
    assert "error=access_denied" in back
    assert_problem(client.get(path_of(back)), 400, "The sign-in service did not complete the sign-in")
    assert actions(db) == ["sso.refused"]
    assert not signed_in(client)


@pytest.mark.database
def test_a_replayed_answer_is_refused(client, db, make_user, person):
    make_user("alex@example.org")
    back = person.authorize(start(client), "alex")
    assert client.get(path_of(back)).status_code == 302
    client.post("/sign-out", data={"csrf_token": _token(client)})
    assert_problem(client.get(path_of(back)), 400, "This sign-in could not be checked")
    assert actions(db)[-1] == "sso.state"


def test_an_answer_for_another_browser_is_refused(app, client, db, make_user, person):
    """The code and state were made for someone else's sign-in: this browser never started one."""
    make_user("alex@example.org")
    back = person.authorize(start(app.test_client()), "alex")
    assert_problem(client.get(path_of(back)), 400, "This sign-in could not be checked")
    assert count(db, SsoLink) == 0


def test_an_answer_to_another_of_this_browsers_sign_ins_is_refused(client, db, make_user, person):
    """State of the first sign-in, code of the second: PKCE binds the code to its own sign-in."""
    make_user("alex@example.org")
    first = parse_qs(urlsplit(start(client)).query)["state"][0]
    second = path_of(person.authorize(start(client), "alex"))
    mixed = re.sub(r"state=[^&]+", f"state={first}", second)
    assert_problem(client.get(mixed), 400, "The sign-in service did not complete the sign-in")
    assert actions(db) == ["sso.refused"]
    assert count(db, SsoLink) == 0 and not signed_in(client)


def test_a_code_issued_to_another_client_is_refused(client, db, make_user, oidc_provider, person):
    """The provider binds a code to the client it was issued to; the swap fails and nothing changes."""
    make_user("alex@example.org")
    ours = path_of(person.authorize(start(client), "alex"))
    theirs = OAuth2Session(OTHER_ID, OTHER_SECRET, scope="openid", code_challenge_method="S256")
    verifier = generate_token(48)
    url, _state = theirs.create_authorization_url(
        f"{oidc_provider.issuer}/auth",
        redirect_uri="http://localhost/sso/callback",
        nonce="n-other",
        code_verifier=verifier,
    )
    other_code = parse_qs(urlsplit(person.authorize(url, "alex")).query)["code"][0]
    tampered = re.sub(r"code=[^&]+", f"code={other_code}", ours)
    assert_problem(client.get(tampered), 400, "The sign-in service did not complete the sign-in")
    assert actions(db) == ["sso.refused"]
    assert count(db, SsoLink) == 0 and not signed_in(client)


def test_an_id_token_for_another_client_fails_the_audience_check(app, oidc_provider, person):
    """A real ID token the provider issued to another application is not accepted here."""
    theirs = OAuth2Session(
        OTHER_ID,
        OTHER_SECRET,
        scope="openid email",
        code_challenge_method="S256",
        redirect_uri="http://localhost/sso/callback",
    )
    verifier = generate_token(48)
    url, _state = theirs.create_authorization_url(
        f"{oidc_provider.issuer}/auth", nonce="n-other", code_verifier=verifier
    )
    back = person.authorize(url, "alex")
    token = theirs.fetch_token(
        f"{oidc_provider.issuer}/token", authorization_response=back, code_verifier=verifier
    )
    assert "id_token" in token
    with app.test_request_context(), pytest.raises(services.SsoFailure) as caught:
        services.check_id_token(dict(token), nonce="n-other")
    assert caught.value.reason == "audience"


def test_an_unverified_email_is_refused_and_links_nothing(client, db, make_user, person):
    user = make_user("una@example.org")
    assert_problem(sso_sign_in(client, person, "una"), 403, "Your e-mail address is not confirmed")
    assert actions(db) == ["sso.unverified"]
    assert count(db, SsoLink) == 0 and db.get(User, user.id).last_login_at is None


class TestAnUnreachableProvider:
    @pytest.fixture
    def app_config(self):
        return sso_config(Provider(free_port(), {}), OIDC_TIMEOUT=2)  # nothing listens there

    def test_is_explained_at_the_button(self, client, db):
        assert_problem(client.get("/sso/sign-in"), 503, "The sign-in service cannot be reached")
        assert actions(db) == ["sso.unreachable"]


class TestAProviderThatGoesDownDuringTheSignIn:
    @pytest.fixture(scope="class")
    def provider(self, start_provider):
        return start_provider()

    @pytest.fixture
    def app_config(self, provider):
        return sso_config(provider, OIDC_TIMEOUT=2)

    def test_is_explained_at_the_callback(self, client, db, make_user, provider):
        user = make_user("alex@example.org")
        back = ProviderUser(provider.issuer).authorize(start(client), "alex")
        provider.stop()
        assert_problem(client.get(path_of(back)), 503, "The sign-in service cannot be reached")
        assert actions(db) == ["sso.unreachable"]
        assert count(db, SsoLink) == 0 and db.get(User, user.id).last_login_at is None


class TestAProviderWithoutSignOut:
    @pytest.fixture(scope="class")
    def provider(self, start_provider):
        return start_provider(logout=False)

    @pytest.fixture
    def app_config(self, provider):
        return sso_config(provider)

    def test_sign_out_ends_our_session_only(self, client, make_user, provider):
        make_user("alex@example.org")
        assert sso_sign_in(client, ProviderUser(provider.issuer), "alex").status_code == 302
        response = client.post("/sign-out", data={"csrf_token": _token(client)})
        assert response.headers["Location"] == "/sign-in"
        assert not signed_in(client)


class TestAnExpiredIdToken:
    """A provider whose ID tokens live one second, answering a little over a second late."""

    @pytest.fixture(scope="class")
    def provider(self, start_provider):
        return start_provider(id_token_ttl=1, token_delay_ms=2100)

    @pytest.fixture
    def app_config(self, provider):
        return sso_config(provider, OIDC_CLOCK_LEEWAY=0)

    def test_is_refused(self, client, db, make_user, provider):
        user = make_user("alex@example.org")
        response = sso_sign_in(client, ProviderUser(provider.issuer), "alex")
        assert_problem(response, 400, "This sign-in has expired")
        assert actions(db) == ["sso.expired"]
        assert count(db, SsoLink) == 0 and db.get(User, user.id).last_login_at is None


class TestAnIdTokenSignedByAnotherKey:
    """The provider restarts with a new signing key under the old key's id; the app holds the old set."""

    @pytest.fixture(scope="class")
    def provider(self, start_provider):
        return start_provider()

    @pytest.fixture
    def app_config(self, provider):
        return sso_config(provider)

    def test_is_refused(self, client, db, make_user, provider):
        user = make_user("alex@example.org")
        assert sso_sign_in(client, ProviderUser(provider.issuer), "alex").status_code == 302
        client.post("/sign-out", data={"csrf_token": _token(client)})
        provider.restart()
        response = sso_sign_in(client, ProviderUser(provider.issuer), "alex")
        assert_problem(response, 400, "This sign-in could not be trusted")
        assert actions(db)[-1] == "sso.signature"
        assert not signed_in(client)
        assert db.get(User, user.id).session_version == 2  # only the sign-out changed the account


def test_the_callback_is_throttled(app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    codes = [client.get("/sso/callback?code=a&state=b").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]


# Who gets in.


def test_no_account_and_creation_off_asks_for_the_training_lead(client, db, person):
    assert_problem(sso_sign_in(client, person, "stranger"), 403, "Ask your training lead to add you")
    assert count(db, User) == 0 and count(db, SsoLink) == 0
    assert actions(db) == ["sso.no_account"]


@pytest.mark.database
def test_creation_on_makes_a_learner_in_the_unit_and_job_role_from_the_claims(
    app, client, db, org_unit, person
):
    app.config["OIDC_CREATE_ACCOUNTS"] = True
    ward = org_unit("Ward 7")
    assert sso_sign_in(client, person, "nia").status_code == 302
    user = db.scalar(select(User))
    assert (user.email, user.name, user.role, user.job_role, user.unit_id, user.password_hash) == (
        "nia@example.org",
        "Nia Nurse",
        Role.LEARNER,
        JobRole.NURSE,
        ward.id,
        None,
    )
    assert db.scalar(select(SsoLink.subject)) == "nia"
    assert actions(db) == ["person.created", "sso.linked", "sso.signed_in"]
    home = client.get("/").get_data(as_text=True)
    assert "Hello Nia Nurse" in home
    assert 'href="/account/password"' not in home  # they have no password here to change


def test_creation_on_without_a_known_unit_uses_the_default_unit(app, client, db, org_unit, person):
    app.config["OIDC_CREATE_ACCOUNTS"] = True
    school = org_unit("Hill School")
    db.add(SsoSettings(id=1, linked_password_sign_in=True, default_unit_id=school.id))
    db.commit()
    assert sso_sign_in(client, person, "sam").status_code == 302
    user = db.scalar(select(User))
    assert (user.email, user.unit_id, user.job_role) == ("sam@example.org", school.id, JobRole.OTHER)


def test_creation_on_still_needs_a_verified_email(app, client, db, person):
    app.config["OIDC_CREATE_ACCOUNTS"] = True
    assert_problem(sso_sign_in(client, person, "una"), 403, "Your e-mail address is not confirmed")
    assert count(db, User) == 0


def test_a_deactivated_person_is_refused_by_email(client, db, make_user, person):
    make_user("alex@example.org", active=False)
    assert_problem(sso_sign_in(client, person, "alex"), 403, "Your training account is not active")
    assert count(db, SsoLink) == 0
    assert actions(db) == ["sso.deactivated"]


def test_a_deactivated_person_is_refused_through_their_link(client, db, make_user, person):
    user = make_user("alex@example.org")
    assert sso_sign_in(client, person, "alex").status_code == 302
    client.post("/sign-out", data={"csrf_token": _token(client)})
    db.get(User, user.id).active = False
    db.commit()
    assert_problem(sso_sign_in(client, person, "alex"), 403, "Your training account is not active")
    assert not signed_in(client)


def test_an_account_linked_to_another_subject_is_not_taken_over(client, db, make_user, person):
    user = make_user("alex@example.org")
    db.add(SsoLink(user_id=user.id, issuer=person.issuer, subject="the-real-alex"))
    db.commit()
    # Login "alex@example.org"-named person: a different subject with the same verified e-mail.
    assert_problem(
        sso_sign_in(client, person, "alex"), 403, "This e-mail address is linked to another sign-in"
    )
    assert db.scalar(select(SsoLink.subject)) == "the-real-alex"


# Password sign-in, break-glass, unlinking.


def _password_off(db):
    db.add(SsoSettings(id=1, linked_password_sign_in=False))
    db.commit()


def test_password_sign_in_off_refuses_a_linked_learner(client, db, make_user, web):
    user = make_user("alex@example.org")
    db.add(SsoLink(user_id=user.id, issuer="http://idp", subject="alex"))
    db.commit()
    _password_off(db)
    page = web.login("alex@example.org").get_data(as_text=True)
    assert "use the button above" in page
    assert not signed_in(client)


def test_password_sign_in_off_keeps_unlinked_people_and_admins(client, db, make_user, web):
    make_user("pat@example.org")
    admin = make_user("boss@example.org", role=Role.ADMIN)
    db.add(SsoLink(user_id=admin.id, issuer="http://idp", subject="boss"))
    db.commit()
    _password_off(db)
    assert web.login("pat@example.org").status_code == 302
    web.logout()
    # Break-glass: a linked administrator still signs in with their password.
    assert web.login("boss@example.org").status_code == 302
    assert signed_in(client)


def test_password_sign_in_stays_on_by_default(client, db, make_user, web):
    user = make_user("alex@example.org")
    db.add(SsoLink(user_id=user.id, issuer="http://idp", subject="alex"))
    db.commit()
    assert web.login("alex@example.org", PASSWORD).status_code == 302


def test_an_admin_turns_password_sign_in_off_in_the_settings(db, make_user, org_unit, web):
    ward = org_unit("Ward 7")
    make_user("boss@example.org", role=Role.ADMIN)
    web.login("boss@example.org")
    response = web.submit("/sso/settings", {"password_off": "y", "default_unit": str(ward.id)})
    assert response.status_code == 302
    saved = db.get(SsoSettings, 1)
    assert (saved.linked_password_sign_in, saved.default_unit_id) == (False, ward.id)
    assert actions(db)[-1] == "sso.settings_changed"


def test_only_admins_reach_the_sso_settings_and_unlinking(client, make_user, web):
    learner = make_user("manny@example.org", role=Role.MANAGER)
    web.login("manny@example.org")
    assert client.get("/sso/settings").status_code == 403
    assert web.submit("/", {}, action=f"/sso/people/{learner.id}/unlink").status_code == 403


@pytest.mark.database
def test_an_admin_unlinks_a_person_with_a_csrf_protected_form(client, db, make_user, web):
    user = make_user("alex@example.org", name="Alex Teacher")
    db.add(SsoLink(user_id=user.id, issuer="http://idp", subject="alex-sub"))
    db.commit()
    make_user("boss@example.org", role=Role.ADMIN)
    web.login("boss@example.org")
    page = client.get(f"/admin/people/{user.id}/edit").get_data(as_text=True)
    assert "alex-sub" in page and "Remove the single sign-on link" in page
    assert client.post(f"/sso/people/{user.id}/unlink").status_code == 400  # no CSRF token
    assert count(db, SsoLink) == 1
    response = web.submit(f"/admin/people/{user.id}/edit", {}, action=f"/sso/people/{user.id}/unlink")
    assert response.status_code == 302
    assert count(db, SsoLink) == 0
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "sso.unlinked")).one()
    assert event.subject == f"user:{user.id}" and event.details["sso_subject"] == "alex-sub"


def test_the_settings_refuse_a_unit_that_does_not_exist(db, make_user, web):
    make_user("boss@example.org", role=Role.ADMIN)
    web.login("boss@example.org")
    response = web.submit("/sso/settings", {"default_unit": "999999"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.get(SsoSettings, 1) is None
    assert web.submit("/sso/settings", {"default_unit": "not a number"}).status_code == 422


def test_an_administrator_signing_in_through_the_provider_is_not_asked_for_a_second_factor(
    client, db, make_user, person, web
):
    # Their identity provider asks for its own second factor; the password way in asks for ours.
    make_user("alex@example.org", name="Alex Admin", role=Role.ADMIN)
    response = sso_sign_in(client, person, "alex")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert signed_in(client)
    assert not [a for a in actions(db) if a.startswith("second_factor.")]
    client.post("/sign-out", data={"csrf_token": _token(client)})
    password = web.submit("/sign-in", {"email": "alex@example.org", "password": PASSWORD})
    assert password.headers["Location"] == "/sign-in/code" and not signed_in(client)
