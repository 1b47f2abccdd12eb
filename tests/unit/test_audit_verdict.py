"""`make audit`'s reading of pip-audit's report: a known vulnerability fails; no database reached is said
plainly ("not audited"), never passed off as a clean audit."""

import importlib.util
import json

from course.config import PROJECT_ROOT

spec = importlib.util.spec_from_file_location("audit_verdict", PROJECT_ROOT / "scripts" / "audit_verdict.py")
audit_verdict = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_verdict)


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_a_known_vulnerability_fails():
    status, message = audit_verdict.verdict(
        report(
            {"name": "flask", "version": "3.1.0", "vulns": []},
            {
                "name": "jinja2",
                "version": "2.0",
                "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}],
            },
        )
    )
    assert status == 1 and "jinja2 2.0: PYSEC-2019-217" in message


def test_nothing_looked_up_is_not_audited_and_does_not_fail():
    offline = {"name": "flask", "version": "3.1.0", "skip_reason": "Dependency not found on PyPI"}
    for text in (report(offline, offline), "", "not json"):
        status, message = audit_verdict.verdict(text)
        assert status == 0 and message.startswith("not audited")


def test_a_clean_audit_says_how_many_were_checked():
    status, message = audit_verdict.verdict(report({"name": "flask", "version": "3.1.0", "vulns": []}))
    assert status == 0 and message == "No known vulnerability in 1 of 1 locked dependencies."
