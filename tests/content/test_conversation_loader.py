"""Broken practice conversations are refused with file and line, like every other content problem."""

import shutil
from pathlib import Path

import pytest

from course.content.loader import ContentProblems, load_course

FIXTURE = Path(__file__).parent / "fixture_course"
TALK = "modules/01-basics/conversations/talk.yaml"


@pytest.fixture
def course_dir(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    return root


def problems(root):
    with pytest.raises(ContentProblems) as raised:
        load_course(root)
    return [str(p).replace(str(root) + "/", "") for p in raised.value.problems]


def edit(root: Path, old: str, new: str) -> None:
    path = root / TALK
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_the_fixture_conversation_loads(course_dir):
    (talk,) = load_course(course_dir).module("basics").conversations
    assert [t.id for t in talk.turns] == ["first", "repair", "second"]
    assert {e.outcome for e in talk.endings} == {"good", "poor"}
    assert talk.turn("first").choice("rush").next_turn == "repair"
    assert [b.region for b in talk.ending("good").better] == [None, "US"]


def test_a_dead_end_choice_names_its_line(course_dir):
    edit(
        course_dir,
        "        openness: Sam walks out.\n        end: poor\n",
        "        openness: Sam walks out.\n",
    )
    assert problems(course_dir) == [
        f"{TALK}:30: choice 'leave' leads nowhere: give it either 'next: <turn id>' or 'end: <ending id>'"
    ]


def test_a_choice_to_a_missing_turn(course_dir):
    edit(course_dir, "next: second\n      - id: rush", "next: secnd\n      - id: rush")
    assert f"{TALK}:10: choice 'listen' leads to turn 'secnd', which is not here" in problems(course_dir)


def test_an_unreachable_turn(course_dir):
    edit(
        course_dir,
        "        openness: Sam looks away.\n        next: repair",
        "        openness: Sam looks away.\n        end: poor",
    )
    assert problems(course_dir) == [f"{TALK}:22: turn 'repair' cannot be reached from the start"]


def test_a_path_with_no_end(course_dir):
    edit(
        course_dir,
        "openness: Sam goes quiet.\n        end: poor",
        "openness: Sam goes quiet.\n        next: first",
    )
    assert problems(course_dir) == [
        f"{TALK}:44: choice 'scold' leads back to turn 'first', so that path never ends"
    ]


def test_no_good_ending(course_dir):
    edit(course_dir, "outcome: good", "outcome: poor")
    assert problems(course_dir) == [
        f"{TALK}:1: no path reaches a good ending: give one ending 'outcome: good'"
    ]


def test_no_recovery_from_a_poor_choice(course_dir):
    edit(
        course_dir,
        "        openness: Sam sits down slowly.\n        next: second",
        "        openness: Sam sits down slowly.\n        end: poor",
    )
    assert problems(course_dir) == [
        f"{TALK}:1: no path recovers from a poor choice: let a 'kind: harms' choice lead on to a good ending"
    ]


def test_too_few_turns(course_dir):
    text = (course_dir / TALK).read_text()
    start, end = text.index("  - id: repair"), text.index("  - id: second")
    (course_dir / TALK).write_text(text[:start] + text[end:])
    edit(course_dir, "next: repair", "end: poor")
    edit(course_dir, "Sam sits down.\n        next: second", "Sam sits down.\n        end: good")
    edit(course_dir, "  - id: second\n", "  - id: second\n")
    found = problems(course_dir)
    assert any(p.startswith(f"{TALK}:7: a conversation has 3 to 6 turns; this one has 2") for p in found), (
        found
    )


def test_unknown_block_region_in_a_debrief(course_dir):
    edit(course_dir, "::: region=US", "::: region=FR")
    assert problems(course_dir) == [f"{TALK}:61: unknown region 'FR' (use UK, US, CA, AU)"]
