import pytest
from sqlalchemy import func, select

from course.demo import PASSWORD as DEMO_PASSWORD
from course.models import OrgSettings, User

pytestmark = pytest.mark.database


def test_healthz_reports_the_database_and_its_schema(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "schema": "current"}


def test_seed_demo_creates_one_account_per_role_once(runner, db, web):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "teacher@example.org" in result.output
    roles = dict(db.execute(select(User.role, func.count()).group_by(User.role)).all())
    assert roles == {"admin": 1, "manager": 10, "learner": 189}  # a manager for each department
    assert db.get(OrgSettings, 1).region == "UK"
    again = runner.invoke(args=["seed-demo"])
    assert "already has accounts" in again.output
    assert web.login("nurse@example.org", DEMO_PASSWORD).status_code == 302


def test_seed_demo_refuses_in_production(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "never created in production" in result.output


def test_create_admin(runner, web):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "Lead@Example.org",
            "--name",
            "Lee Lead",
            "--password",
            "saffron glacier tandem quill",
        ]
    )
    assert result.exit_code == 0, result.output
    assert web.login("lead@example.org", "saffron glacier tandem quill").status_code == 302


def test_create_admin_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "a@example.org", "--name", "A", "--password", "password1234"]
    )
    assert result.exit_code != 0 and "less common" in result.output


def test_create_admin_refuses_a_taken_email(runner, make_user):
    make_user("taken@example.org")
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "taken@example.org",
            "--name",
            "B",
            "--password",
            "saffron glacier tandem quill",
        ]
    )
    assert result.exit_code != 0 and "already exists" in result.output
