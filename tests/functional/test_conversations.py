"""Practice conversations on the server: reachable for the right audience, played without JavaScript
(each turn a form post), going back, starting again, resuming, and the report of choices made."""

import pytest

from course.models import JobRole, Role

PLAY = "/modules/responding/conversations/pupil-disclosure"


@pytest.fixture
def teacher(make_user, web):
    user = make_user("teacher@example.org", job_role=JobRole.TEACHER)
    web.login(user.email)
    return user


def say(web, turn: str, choice: str, url: str = PLAY):
    return web.submit(url, {"turn": turn, "choice": choice}, action=f"{url}/choose", follow_redirects=True)


def test_each_module_lists_the_conversations_for_the_learners_audience(make_user, web):
    web.login(make_user("t@example.org", job_role=JobRole.TEACHER).email)
    page = web.get("/modules/responding").get_data(as_text=True)
    assert "A pupil tells you she has been hurting herself" in page
    assert "A ward patient with new injuries" not in page
    assert web.get("/modules/responding/conversations/ward-patient").status_code == 404
    web.logout()
    web.login(make_user("n@example.org", job_role=JobRole.NURSE).email)
    page = web.get("/modules/responding").get_data(as_text=True)
    assert "A ward patient with new injuries" in page and "A pupil tells you" not in page
    assert web.get(PLAY).status_code == 404
    assert (
        web.get("/modules/looking-after-yourself")
        .get_data(as_text=True)
        .count("A colleague who is struggling")
    )


def test_a_conversation_hidden_from_the_organisations_region_is_not_found(make_user, web, org_settings):
    web.login(make_user(job_role=JobRole.TEACHER).email)
    assert web.get(PLAY).status_code == 200
    assert web.get("/modules/responding/conversations/no-such-talk").status_code == 404


def test_playing_to_a_good_ending_with_each_reply_shown(teacher, web):
    page = web.get(PLAY).get_data(as_text=True)
    assert "have you got a minute?" in page and "The room is empty now. What do you say?" in page
    page = say(web, "first-words", "make-time").get_data(as_text=True)
    assert 'id="latest"' in page and "She keeps talking." in page
    say(web, "after-telling", "thank-and-check")
    page = say(web, "what-next", "explain").get_data(as_text=True)
    assert "A good ending" in page and "What helped" in page and "What harmed" in page
    assert "Better words to use" in page and "designated safeguarding lead" in page  # the UK block
    assert "school counselor" not in page  # the US block is not shown in a UK organisation


def test_a_poor_ending_then_back_a_step_and_a_recovery(teacher, web):
    say(web, "first-words", "rush")
    page = say(web, "second-chance", "let-go").get_data(as_text=True)
    assert "This did not go well" in page
    page = web.submit(PLAY, {}, action=f"{PLAY}/back", follow_redirects=True).get_data(as_text=True)
    assert "You went back a step" in page and "Maya is about to leave. What do you say?" in page
    say(web, "second-chance", "come-back")
    say(web, "after-telling", "thank-and-check")
    assert "A good ending" in say(web, "what-next", "explain").get_data(as_text=True)


@pytest.mark.database
def test_leaving_and_coming_back_resumes_at_the_same_turn(teacher, web, client):
    say(web, "first-words", "make-time")
    web.logout()
    web.login(teacher.email)
    page = web.get(PLAY).get_data(as_text=True)
    assert "Maya has told you. What do you say next?" in page


def test_start_again_clears_the_path(teacher, web):
    say(web, "first-words", "make-time")
    page = web.submit(PLAY, {}, action=f"{PLAY}/restart", follow_redirects=True).get_data(as_text=True)
    assert "The room is empty now. What do you say?" in page


def test_a_stale_or_empty_form_changes_nothing(teacher, web):
    say(web, "first-words", "make-time")
    page = say(web, "first-words", "rush").get_data(as_text=True)  # sent again from the old page
    assert "already taken" in page and "Maya has told you" in page
    page = say(web, "after-telling", "").get_data(as_text=True)
    assert "Choose what to say" in page
    assert say(web, "after-telling", "no-such-choice").status_code == 200


def test_writes_need_the_csrf_token(teacher, client):
    assert client.post(f"{PLAY}/choose", data={"turn": "first-words", "choice": "rush"}).status_code == 400
    assert client.post(f"{PLAY}/back").status_code == 400


@pytest.mark.database
def test_the_report_counts_choices_within_the_viewers_units(make_user, web, org_unit):
    north, south = org_unit("North School"), org_unit("South School")
    for unit, choice in ((north, "make-time"), (south, "rush")):
        web.login(make_user(job_role=JobRole.TEACHER, unit=unit).email)
        say(web, "first-words", choice)
        web.logout()
    web.login(make_user(role=Role.MANAGER, unit=north).email)
    page = web.get("/admin/conversations").get_data(as_text=True)
    row = page.split("Of course. I have time.")[1].split("</tr>")[0]
    assert "<td>1</td>" in row and "100%" in row
    rush = page.split("I&#39;ve got a meeting in five minutes.")[1].split("</tr>")[0]
    assert "<td>0</td>" in rush
    web.logout()
    web.login(make_user(role=Role.ADMIN).email)
    page = web.get("/admin/conversations").get_data(as_text=True)
    assert "50%" in page.split("Of course. I have time.")[1].split("</tr>")[0]


def test_learners_cannot_see_the_report(teacher, web):
    assert web.get("/admin/conversations").status_code == 403


def test_a_us_organisation_reads_the_us_debrief(teacher, web, org_settings):
    org_settings(region="US")
    say(web, "first-words", "make-time")
    say(web, "after-telling", "thank-and-check")
    page = say(web, "what-next", "explain").get_data(as_text=True)
    assert "school counselor" in page and "designated safeguarding lead" not in page
