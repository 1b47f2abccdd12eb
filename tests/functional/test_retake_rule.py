"""After two failed attempts in a row, the learner opens each section of the module again before a
third; the number is the organisation's setting (0 switches the rule off)."""

import pytest
from markupsafe import escape

from course.models import JobRole, QuizAttempt
from tests.factories import SETTINGS_FORM
from tests.fixtures.quiz import answers_for

pytestmark = pytest.mark.database

MODULE = "responding"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def teacher(make_user, web):
    user = make_user("retake@example.org", job_role=JobRole.TEACHER)
    web.login("retake@example.org")
    return user


def pathway(app):
    return app.extensions["course"].module(MODULE).sections_for("teacher")


def try_start(web):
    """Start an attempt: its id, or None when the learner was sent back to the overview."""
    response = web.submit(f"/modules/{MODULE}/quiz", {})
    location = response.headers["Location"]
    return int(location.rsplit("/", 1)[1]) if location.startswith("/quiz/attempts/") else None


def sit(web, app, db, *, passing=False):
    attempt_id = try_start(web)
    assert attempt_id is not None, "the quiz should have opened"
    db.expire_all()
    attempt = db.get(QuizAttempt, attempt_id)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt, right=None if passing else 0))


def revisit(web, app, sections=None):
    for section in sections if sections is not None else pathway(app):
        assert web.get(f"/modules/{MODULE}/{section.id}").status_code == 200


def attempts(db):
    db.expire_all()
    return db.query(QuizAttempt).count()


def test_the_third_attempt_waits_until_every_section_is_opened_again(app, teacher, web, db):
    revisit(web, app)  # read before the first attempt: that does not count after failures
    sit(web, app, db)  # 1st attempt fails
    overview = text(web.get(f"/modules/{MODULE}/quiz"))
    assert "Start the quiz" in overview and "Go back over the module first" not in overview
    sit(web, app, db)  # 2nd attempt fails
    assert try_start(web) is None  # the 3rd must wait
    assert attempts(db) == 2
    overview = text(web.get(f"/modules/{MODULE}/quiz"))
    assert "Go back over the module first" in overview and "Start the quiz" not in overview
    assert all(str(escape(s.title)) in overview for s in pathway(app))
    *first, last = pathway(app)
    revisit(web, app, first)
    assert try_start(web) is None  # one section still to open
    overview = text(web.get(f"/modules/{MODULE}/quiz"))
    assert str(escape(last.title)) in overview
    assert not any(f'/modules/{MODULE}/{s.id}"' in overview for s in first)
    revisit(web, app, [last])
    sit(web, app, db)  # the 3rd attempt opens, and fails
    sit(web, app, db)  # the 4th opens straight away
    assert try_start(web) is None  # after the 4th failure in a row, revisit again
    revisit(web, app)
    sit(web, app, db, passing=True)
    assert attempts(db) == 5


def test_a_pass_starts_the_count_again(app, teacher, web, db):
    sit(web, app, db)
    sit(web, app, db, passing=True)
    sit(web, app, db)  # practice after passing: one failure since the pass
    assert try_start(web) is not None


@pytest.mark.parametrize(("every", "blocked_after"), [(1, 1), (3, 3), (0, None)])
def test_the_organisation_sets_the_number(app, teacher, web, db, org_settings, every, blocked_after):
    org_settings(retake_review_after=every)
    for failures in range(1, 4):
        sit(web, app, db)
        if failures == blocked_after:
            assert try_start(web) is None
            return
    assert blocked_after is None and try_start(web) is not None


def test_the_rule_is_a_setting_from_0_to_10(app, make_user, web, db):
    make_user("admin@example.org", role="admin")
    web.login("admin@example.org")
    form = text(web.get("/admin/settings"))
    assert 'name="retake_review_after"' in form and 'value="2"' in form
    base = {**SETTINGS_FORM, "org_name": "School"}
    bad = web.submit("/admin/settings", {**base, "retake_review_after": "11"})
    assert bad.status_code == 422 and "Enter a number of attempts from 0 to 10." in text(bad)
    good = web.submit("/admin/settings", {**base, "retake_review_after": "0"})
    assert good.status_code == 302
    from course.models import OrgSettings

    db.expire_all()
    assert db.get(OrgSettings, 1).retake_review_after == 0
