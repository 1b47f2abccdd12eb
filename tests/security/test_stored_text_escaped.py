"""Text that looks like HTML or script, saved through the forms, is shown escaped on every page, to everyone."""

import pytest
from hypothesis import assume, given, settings
from markupsafe import escape

from tests.factories import SETTINGS_FORM
from tests.security import figures
from tests.security.conftest import VISITORS, token
from tests.security.routes import OK, ROUTES
from tests.security.strategies import assert_shown_escaped, counted, html_like

pytestmark = pytest.mark.database

PAGES = [route for route in ROUTES if route.method == "GET"]


def save(client, path, data):
    response = client.post(path, data={**data, "csrf_token": token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


@settings(max_examples=max(2, settings().max_examples // 50))  # each example reads every page as everyone
@given(name=html_like(), organisation=html_like(), lead=html_like())
def test_saved_markup_is_escaped_everywhere(world, name, organisation, lead):
    name, organisation, lead = name.strip(), organisation.strip(), lead.strip()  # as the forms save them
    assume(len({name, organisation, lead}) == 3)
    admin = world.client("admin")
    person = {
        "name": name,
        "email": "learner@example.org",
        "job_role": "teacher",
        "role": "learner",
        "active": "y",
    }
    save(admin, f"/admin/people/{world.ids['learner']}/edit", {**person, "unit": world.ids["school"]})
    organisation_settings = {
        **SETTINGS_FORM,
        "org_name": organisation,
        "safeguarding_lead_name": lead,
        "safeguarding_lead_contact": lead,
        "wellbeing_contact": lead,
    }
    save(admin, "/admin/settings", organisation_settings)
    shown = {name: 0, organisation: 0, lead: 0}
    for route in PAGES:
        for visitor in VISITORS:
            if route.expected(visitor) != OK:
                continue
            response = world.client(visitor).get(route.path.format(**world.ids))
            response.close()
            if response.mimetype != "text/html":
                continue
            body = response.get_data(as_text=True)
            assert_shown_escaped(body, name, organisation, lead)
            for value in shown:
                shown[value] += str(escape(value)) in body
            figures.count("pages read for saved markup")
    counted("saved markup, then every page read", 200)
    assert all(shown.values()), f"each value is shown (escaped) somewhere: {shown}"
