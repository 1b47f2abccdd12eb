import pytest

from course.config import ConfigError, from_environment
from course.progress.rules import audience_for
from course.security import is_safe_next


@pytest.mark.parametrize("target", ["/", "/modules/responding", "/admin/people?page=2"])
def test_local_paths_are_safe(target):
    assert is_safe_next(target)


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example/path",
        "http:/evil",
    ],
)
def test_other_targets_are_not(target):
    assert not is_safe_next(target)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        from_environment("/tmp")


def test_production_settings_make_cookies_secure(monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    settings = from_environment("/tmp")
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_defaults_to_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert from_environment("/srv/instance")["DATABASE_URL"] == "sqlite:////srv/instance/course.db"


@pytest.mark.parametrize(
    ("job_role", "audience"),
    [
        ("teacher", "teacher"),
        ("teaching_assistant", "teacher"),
        ("school_nurse", "teacher"),
        ("nurse", "nurse"),
        ("healthcare_assistant", "nurse"),
        ("other", "teacher"),
    ],
)
def test_job_roles_map_to_a_pathway(job_role, audience):
    assert audience_for(job_role) == audience
