from pathlib import Path

import pytest

from tests.content.safe_messaging import Finding, read_allow_list, scan_text

ROOT = Path(__file__).resolve().parents[2]
ALLOW = read_allow_list(Path(__file__).parent / "safe_messaging_allow.txt")
CONTENT_FILES = sorted(
    [*ROOT.glob("modules/**/*.md"), *ROOT.glob("modules/**/*.yaml"), *ROOT.glob("quizzes/*.yaml")]
)


def all_findings() -> list[Finding]:
    return [
        finding
        for path in CONTENT_FILES
        for finding in scan_text(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))
    ]


def test_there_is_content_to_scan():
    assert len(CONTENT_FILES) > 30


def test_the_practice_conversations_are_scanned():
    assert len([p for p in CONTENT_FILES if p.parent.name == "conversations"]) == 6


def test_course_content_uses_no_forbidden_wording():
    unexplained = [f for f in all_findings() if not any(a.covers(f) for a in ALLOW)]
    assert unexplained == [], "\n".join(f"{f.path}:{f.line}: {f.why}: {f.text}" for f in unexplained)


def test_every_allow_list_entry_is_still_needed():
    findings = all_findings()
    stale = [a for a in ALLOW if not any(a.covers(f) for f in findings)]
    assert stale == [], f"remove these allow-list entries: {stale}"


@pytest.mark.parametrize(
    "text",
    [
        "He committed suicide last year.",
        "a failed attempt",
        "Self-harmers often hide it.",
        "She used a razor.",
        "They took paracetamol.",
        "It was 500 mg.",
        "Posts on TikTok",
        "the #selfharm tag",
        "It's attention seeking.",
        "![wound](scar.png)",
        "a lethal amount",
    ],
)
def test_the_scanner_catches_forbidden_wording(text):
    assert scan_text("x.md", text), text


@pytest.mark.parametrize(
    "text",
    [
        "A person who self-harms died by suicide.",
        "She has cuts on her forearm.",
        "Any overdose is an emergency, even if they feel fine.",
        "## Heading",
        "See https://www.nice.org.uk/guidance/ng225#section",
        "Recovery is possible and help works.",
        "They changed the subject.",
    ],
)
def test_the_scanner_passes_safe_wording(text):
    assert scan_text("x.md", text) == []
