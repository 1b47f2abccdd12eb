"""What a learner's pages show, read as the learner sees them: in a US organisation no UK-only term,
in a UK one no US-only term, on every module, section, pathway and support page and in every quiz
they are drawn. The terms are listed once, in course/content/terms.py."""

import re

import pytest

from course.content.terms import FOREIGN_TERMS, terms_in
from course.models import JobRole
from tests.fixtures.quiz import take_quiz

SOURCES = re.compile(r'<ul class="sources">.*?</ul>', re.DOTALL)  # citations, not teaching text
TAGS = re.compile(r"<[^>]+>")


def visible_text(html):
    return TAGS.sub(" ", SOURCES.sub(" ", html))


@pytest.mark.parametrize("region", sorted(FOREIGN_TERMS))
@pytest.mark.parametrize("job_role", [JobRole.TEACHER, JobRole.NURSE])
def test_a_learner_meets_no_term_of_the_other_region(app, make_user, web, org_settings, region, job_role):
    org_settings(region=region, retake_review_after=0)  # several draws of each quiz in a row
    make_user("learner@example.org", job_role=job_role)
    web.login("learner@example.org")
    course = app.extensions["course"]
    audience = "nurse" if job_role == JobRole.NURSE else "teacher"
    urls = ["/", "/pathway", "/quick-reference", "/support"]
    for module in course.modules_for(audience):
        urls += [f"/modules/{module.id}", f"/modules/{module.id}/end"]
        urls += [f"/modules/{module.id}/{s.id}" for s in module.sections_for(audience)]
    found = {}
    for url in urls:
        response = web.get(url)
        assert response.status_code == 200, url
        if terms := terms_in(visible_text(response.get_data(as_text=True)), FOREIGN_TERMS[region]):
            found[url] = terms
    for module_id in course.banks:
        for _ in range(3):  # three fresh draws; the marked attempt shows every option and its feedback
            url = f"/quiz/attempts/{take_quiz(web, app, module_id, right=0)}/result"
            if terms := terms_in(visible_text(web.get(url).get_data(as_text=True)), FOREIGN_TERMS[region]):
                found[url] = terms
    assert not found, found
