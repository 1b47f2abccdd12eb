"""Every route of the app, and what each kind of visitor may do there: the authorization matrix.

A test compares this table with the app's URL map, so a route added later without a row fails the suite.
Outcomes: OK (served: a page, a form error or a redirect onward), LOGIN (sent to sign in), DENY (403),
HIDE (404: another person's thing, or outside a manager's units, answered as if it did not exist),
GONE (410: a set-a-password form opened without its link, which is the same for everyone).
"""

from __future__ import annotations

from typing import Any, NamedTuple

OK, LOGIN, DENY, HIDE, GONE = "ok", "sign-in", "403", "404", "410"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


class Route(NamedTuple):
    endpoint: str
    method: str
    path: str  # {placeholders} are filled from the test world
    anonymous: str
    learner: str
    other_manager: str  # a manager of a unit the learner is not in
    manager: str  # the learner's manager
    admin: str

    def expected(self, visitor: str) -> str:
        return str(getattr(self, visitor))


# fmt: off
ROUTES = [
    # endpoint                  method  path                                   anon   learner other  manager admin
    Route("static",             "GET",  "/static/site.css",                    OK,    OK,    OK,    OK,    OK),
    Route("health.healthz",     "GET",  "/healthz",                            OK,    OK,    OK,    OK,    OK),
    Route("auth.login",         "GET",  "/sign-in",                            OK,    OK,    OK,    OK,    OK),
    Route("auth.login",         "POST", "/sign-in",                            OK,    OK,    OK,    OK,    OK),
    Route("auth.logout",        "POST", "/sign-out",                           LOGIN, OK,    OK,    OK,    OK),
    Route("auth.change_password", "GET", "/account/password",                  LOGIN, OK,    OK,    OK,    OK),
    Route("auth.change_password", "POST", "/account/password",                 LOGIN, OK,    OK,    OK,    OK),
    # The second factor's sign-in pages: without a sign-in waiting for its code, back to the sign-in page.
    Route("twofactor.code",     "GET",  "/sign-in/code",                       OK,    OK,    OK,    OK,    OK),
    Route("twofactor.code",     "POST", "/sign-in/code",                       OK,    OK,    OK,    OK,    OK),
    Route("twofactor.recovery_code", "GET", "/sign-in/recovery-code",          OK,    OK,    OK,    OK,    OK),
    Route("twofactor.recovery_code", "POST", "/sign-in/recovery-code",         OK,    OK,    OK,    OK,    OK),
    Route("twofactor.set_up_at_sign_in", "GET", "/sign-in/set-up",             OK,    OK,    OK,    OK,    OK),
    Route("twofactor.set_up_at_sign_in", "POST", "/sign-in/set-up",            OK,    OK,    OK,    OK,    OK),
    Route("twofactor.codes_saved_at_sign_in", "POST", "/sign-in/codes-saved",  OK,    OK,    OK,    OK,    OK),
    Route("twofactor.settings", "GET",  "/account/two-step",                   LOGIN, OK,    OK,    OK,    OK),
    Route("twofactor.set_up",   "GET",  "/account/two-step/set-up",            LOGIN, OK,    OK,    OK,    OK),
    Route("twofactor.set_up",   "POST", "/account/two-step/set-up",            LOGIN, OK,    OK,    OK,    OK),
    Route("twofactor.new_recovery_codes", "POST", "/account/two-step/recovery-codes", LOGIN, OK, OK, OK,  OK),
    Route("twofactor.turn_off", "POST", "/account/two-step/turn-off",          LOGIN, OK,    OK,    OK,    OK),
    Route("twofactor.reset",    "POST", "/admin/people/{learner}/two-step/reset", LOGIN, DENY, DENY, DENY, OK),
    Route("auth.accept_invitation", "GET", "/invitation/{invite}",             OK,    OK,    OK,    OK,    OK),
    Route("auth.set_up_account", "GET", "/invitation",                         GONE,  GONE,  GONE,  GONE,  GONE),
    Route("auth.set_up_account", "POST", "/invitation",                        GONE,  GONE,  GONE,  GONE,  GONE),
    Route("auth.reset_password", "GET", "/reset/{reset}",                      OK,    OK,    OK,    OK,    OK),
    Route("auth.choose_password", "GET", "/reset",                             GONE,  GONE,  GONE,  GONE,  GONE),
    Route("auth.choose_password", "POST", "/reset",                            GONE,  GONE,  GONE,  GONE,  GONE),
    Route("invitations.forgotten_password", "GET", "/forgotten-password",       OK,    OK,    OK,    OK,    OK),
    Route("invitations.forgotten_password", "POST", "/forgotten-password",      OK,    OK,    OK,    OK,    OK),
    Route("learning.support",   "GET",  "/support",                            OK,    OK,    OK,    OK,    OK),
    Route("learning.accessibility", "GET", "/accessibility",                   OK,    OK,    OK,    OK,    OK),
    Route("privacy.notice",     "GET",  "/privacy",                            OK,    OK,    OK,    OK,    OK),
    Route("privacy.my_data_json", "GET", "/account/my-data.json",              LOGIN, OK,    OK,    OK,    OK),
    Route("privacy.my_data_csv", "GET", "/account/my-data.csv",                LOGIN, OK,    OK,    OK,    OK),
    Route("records.verify",     "GET",  "/verify/{code}",                      OK,    OK,    OK,    OK,    OK),
    Route("learning.home",      "GET",  "/",                                   LOGIN, OK,    OK,    OK,    OK),
    Route("learning.content_note", "GET", "/content-note",                     LOGIN, OK,    OK,    OK,    OK),
    Route("learning.content_note", "POST", "/content-note",                    LOGIN, OK,    OK,    OK,    OK),
    Route("learning.module",    "GET",  "/modules/{module}",                   LOGIN, OK,    OK,    OK,    OK),
    Route("learning.section",   "GET",  "/modules/{module}/{section}",         LOGIN, OK,    OK,    OK,    OK),
    Route("learning.module_end", "GET", "/modules/{module}/end",               LOGIN, OK,    OK,    OK,    OK),
    Route("learning.choose",    "POST", "/modules/{module}/scenarios/{scenario}", LOGIN, OK, OK,    OK,    OK),
    Route("learning.pathway_chart", "GET", "/pathway",                         LOGIN, OK,    OK,    OK,    OK),
    Route("learning.quick_reference", "GET", "/quick-reference",               LOGIN, OK,    OK,    OK,    OK),
    Route("quizzes.overview",   "GET",  "/modules/{module}/quiz",              LOGIN, OK,    OK,    OK,    OK),
    Route("quizzes.start",      "POST", "/modules/{module}/quiz",              LOGIN, OK,    OK,    OK,    OK),
    Route("quizzes.rate",       "POST", "/modules/{module}/confidence/pre",    LOGIN, OK,    OK,    OK,    OK),
    Route("quizzes.attempt",    "GET",  "/quiz/attempts/{attempt}",            LOGIN, OK,    HIDE,  HIDE,  HIDE),
    Route("quizzes.submit",     "POST", "/quiz/attempts/{attempt}",            LOGIN, OK,    HIDE,  HIDE,  HIDE),
    Route("quizzes.result",     "GET",  "/quiz/attempts/{attempt}/result",     LOGIN, OK,    HIDE,  HIDE,  HIDE),
    Route("conversations.play", "GET",  "/modules/looking-after-yourself/conversations/struggling-colleague", LOGIN, OK, OK, OK, OK),
    Route("conversations.choose", "POST", "/modules/looking-after-yourself/conversations/struggling-colleague/choose", LOGIN, OK, OK, OK, OK),
    Route("conversations.back", "POST", "/modules/looking-after-yourself/conversations/struggling-colleague/back", LOGIN, OK, OK, OK, OK),
    Route("conversations.restart", "POST", "/modules/looking-after-yourself/conversations/struggling-colleague/restart", LOGIN, OK, OK, OK, OK),
    Route("conversations.follow_up", "GET", "/follow-up",                      LOGIN, OK,    OK,    OK,    OK),
    Route("conversations.follow_up", "POST", "/follow-up",                     LOGIN, OK,    OK,    OK,    OK),
    Route("records.mine",       "GET",  "/records",                            LOGIN, OK,    OK,    OK,    OK),
    Route("records.my_records_csv", "GET", "/records/my-records.csv",          LOGIN, OK,    OK,    OK,    OK),
    Route("records.certificate", "GET", "/records/{record}/certificate.pdf",   LOGIN, OK,    HIDE,  HIDE,  HIDE),
    Route("reporting.dashboard",    "GET",  "/admin/",                             LOGIN, DENY,  OK,    OK,    OK),
    Route("reporting.learners",     "GET",  "/admin/learners",                     LOGIN, DENY,  OK,    OK,    OK),
    Route("reporting.learner",      "GET",  "/admin/learners/{learner}",           LOGIN, DENY,  HIDE,  OK,    OK),
    Route("reporting.export_completions", "GET", "/admin/completions.csv",         LOGIN, DENY,  OK,    OK,    OK),
    Route("reminders.reminders",    "GET",  "/admin/reminders",                    LOGIN, DENY,  OK,    OK,    OK),
    Route("reminders.send",         "POST", "/admin/reminders",                    LOGIN, DENY,  OK,    OK,    OK),
    Route("reporting.learning_gain", "GET", "/admin/learning-gain",                LOGIN, DENY,  OK,    OK,    OK),
    Route("conversations.report", "GET", "/admin/conversations",               LOGIN, DENY,  OK,    OK,    OK),
    Route("conversations.follow_up_csv", "GET", "/admin/learning-gain/follow-up.csv", LOGIN, DENY, OK, OK, OK),
    Route("people.people",       "GET",  "/admin/people",                       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.add_person",   "POST", "/admin/people",                       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.edit_person",  "GET",  "/admin/people/{learner}/edit",        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.edit_person",  "POST", "/admin/people/{learner}/edit",        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.reset_link",   "POST", "/admin/people/{learner}/reset-link",  LOGIN, DENY,  DENY,  DENY,  OK),
    Route("invitations.invitations", "GET", "/admin/invitations",               LOGIN, DENY,  DENY,  DENY,  OK),
    Route("invitations.invite_pending", "POST", "/admin/invitations",           LOGIN, DENY,  DENY,  DENY,  OK),
    Route("invitations.send_link", "POST", "/admin/invitations/{learner}/send", LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.units",       "GET",  "/admin/units",                        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.units",       "POST", "/admin/units",                        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.edit_unit",   "GET",  "/admin/units/{school}",               LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.edit_unit",   "POST", "/admin/units/{school}",               LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.retire_unit", "POST", "/admin/units/{school}/retire",        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.restore_unit", "POST", "/admin/units/{school}/restore",      LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.delete_unit", "POST", "/admin/units/{school}/delete",        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("privacy.erase",       "GET",  "/admin/people/{learner}/erase",       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("privacy.erase",       "POST", "/admin/people/{learner}/erase",       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("people.clear_sign_in_failures", "POST", "/admin/people/{learner}/sign-in-failures/clear", LOGIN, DENY, DENY, DENY, OK),
    Route("assignments.assignments",  "GET",  "/admin/assignments",                  LOGIN, DENY,  DENY,  DENY,  OK),
    Route("assignments.assignments",  "POST", "/admin/assignments",                  LOGIN, DENY,  DENY,  DENY,  OK),
    Route("assignments.delete_assignment", "POST", "/admin/assignments/{assignment}/delete", LOGIN, DENY, DENY, DENY, OK),
    Route("organisation.settings",     "GET",  "/admin/settings",                     LOGIN, DENY,  DENY,  DENY,  OK),
    Route("organisation.settings",     "POST", "/admin/settings",                     LOGIN, DENY,  DENY,  DENY,  OK),
    Route("reporting.item_analysis", "GET", "/admin/quizzes",                      LOGIN, DENY,  DENY,  DENY,  OK),
    Route("outbox.outbox",      "GET",  "/admin/outbox",                       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("outbox.retry",       "POST", "/admin/outbox/{message}/retry",       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("admin.audit",        "GET",  "/admin/audit",                        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("admin.audit_csv",    "GET",  "/admin/audit.csv",                    LOGIN, DENY,  DENY,  DENY,  OK),
    Route("imports.import_people", "GET", "/admin/import",                       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("imports.import_people", "POST", "/admin/import",                      LOGIN, DENY,  DENY,  DENY,  OK),
    Route("imports.confirm_import", "POST", "/admin/import/confirm",             LOGIN, DENY,  DENY,  DENY,  OK),
    Route("records.revoke",       "POST", "/admin/records/{record}/revoke",      LOGIN, DENY,  DENY,  DENY,  OK),
    # Single sign-on answers "not found" while no provider is configured (as here).
    Route("sso.begin",          "GET",  "/sso/sign-in",                        HIDE,  HIDE,  HIDE,  HIDE,  HIDE),
    Route("sso.callback",       "GET",  "/sso/callback?code=c&state=s",        HIDE,  HIDE,  HIDE,  HIDE,  HIDE),
    Route("sso.settings",       "GET",  "/sso/settings",                       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("sso.settings",       "POST", "/sso/settings",                       LOGIN, DENY,  DENY,  DENY,  OK),
    Route("sso.unlink",         "POST", "/sso/people/{learner}/unlink",        LOGIN, DENY,  DENY,  DENY,  OK),
    Route("lti.jwks",           "GET",  "/lti/jwks",                           OK,    OK,    OK,    OK,    OK),
    Route("lti.login",          "GET",  "/lti/login?iss=https://unknown.example.org&login_hint=x", DENY, DENY, DENY, DENY, DENY),
    Route("lti.login",          "POST", "/lti/login",                          DENY,  DENY,  DENY,  DENY,  DENY),
    Route("lti.launch",         "POST", "/lti/launch",                         DENY,  DENY,  DENY,  DENY,  DENY),
    Route("lti.started",        "GET",  "/lti/started?f=forged",               DENY,  DENY,  DENY,  DENY,  DENY),
    Route("lti.open_window",    "GET",  "/lti/open?h=x&f=forged",              DENY,  DENY,  DENY,  DENY,  DENY),
    Route("lti.job_role",       "GET",  "/lti/job-role",                       LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    Route("lti.job_role",       "POST", "/lti/job-role",                       LOGIN, HIDE,  HIDE,  HIDE,  HIDE),
    Route("lti.deep_link",      "POST", "/lti/deep-link",                      DENY,  DENY,  DENY,  DENY,  DENY),
    Route("lti.registrations",  "GET",  "/lti/registrations",                  LOGIN, DENY,  DENY,  DENY,  OK),
    Route("lti.registrations",  "POST", "/lti/registrations",                  LOGIN, DENY,  DENY,  DENY,  OK),
    Route("lti.switch",         "POST", "/lti/registrations/999999/switch",    LOGIN, DENY,  DENY,  DENY,  HIDE),
    Route("scorm.packages",     "GET",  "/scorm/packages",                     LOGIN, DENY,  DENY,  DENY,  OK),
    Route("scorm.packages",     "POST", "/scorm/packages",                     LOGIN, DENY,  DENY,  DENY,  OK),
    Route("scorm.download",     "GET",  "/scorm/packages/{package}/download",  LOGIN, DENY,  DENY,  DENY,  OK),
    Route("scorm.revoke",       "POST", "/scorm/packages/{package}/revoke",    LOGIN, DENY,  DENY,  DENY,  OK),
    # An unknown package key: the plain "withdrawn" page, as not found, for everyone (revoked: 410).
    Route("scorm.launch",       "GET",  "/scorm/launch/no-such-key",           HIDE,  HIDE,  HIDE,  HIDE,  HIDE),
]
# fmt: on

# What a state-changing request sends besides its CSRF token: enough for the view to do its work.
FORM_DATA: dict[str, dict[str, Any]] = {
    "auth.login": {"email": "nobody@example.org", "password": "not the right password"},
    "twofactor.code": {"code": "000000"},
    "twofactor.recovery_code": {"code": "abcde-23456"},
    "twofactor.set_up_at_sign_in": {"code": "000000"},
    "twofactor.set_up": {"code": "000000"},
    "twofactor.turn_off": {"code": "000000"},
    "auth.set_up_account": {"password": "one thing", "confirm": "another"},
    "auth.choose_password": {"password": "one thing", "confirm": "another"},
    "invitations.forgotten_password": {"email": "nobody@example.org"},
    "learning.choose": {"response": "not-a-response"},
    "scorm.packages": {"version": "7", "module": "", "unit": "0"},
    "conversations.choose": {"turn": "kitchen", "choice": "notice"},
    "quizzes.rate": {"rating": "3"},
    "imports.confirm_import": {"upload": "no-such-upload"},
    "people.units": {"name": "New ward", "kind": "department", "parent": "0"},
    "records.revoke": {"reason": "Recorded in error"},
    "privacy.erase": {"confirm": "y"},
}


def url_rules(app: Any) -> set[tuple[str, str]]:
    """(endpoint, method) for every rule of the app; HEAD and OPTIONS come with GET and every route."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in {"HEAD", "OPTIONS"}
    }
