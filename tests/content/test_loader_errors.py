"""Broken content is refused with file and line; the fixture course is the baseline that loads."""

import shutil
from pathlib import Path

import pytest

from course.content.loader import ContentProblems, load_course
from course.review.cli import content_cli

FIXTURE = Path(__file__).parent / "fixture_course"


@pytest.fixture
def course_dir(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture
def cli(course_dir, database_url):
    """`flask content` on an app that serves the fixture course."""
    from course import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "CONTENT_DIR": str(course_dir)})
    return lambda *args: app.test_cli_runner().invoke(content_cli, list(args))


def problems(root):
    with pytest.raises(ContentProblems) as raised:
        load_course(root)
    return [str(p).replace(str(root) + "/", "") for p in raised.value.problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def test_fixture_course_loads(course_dir):
    course = load_course(course_dir)
    module = course.module("basics")
    assert [s.id for s in module.sections] == ["intro"]
    assert len(module.section("intro").blocks_for("nurse", "US")) == 2
    assert len(module.section("intro").blocks_for("nurse", "UK")) == 1
    assert len(module.section("intro").blocks_for("teacher", "UK")) == 2


def test_bad_yaml_names_file_and_line(course_dir):
    edit(course_dir / "modules/01-basics/module.md", "minutes: 10", "minutes: [10")
    found = problems(course_dir)
    assert len(found) == 1
    assert found[0].startswith("modules/01-basics/module.md:")
    line = int(found[0].split(":")[1])
    assert 7 <= line <= 9 and "not valid YAML" in found[0]


def test_duplicate_question_id_names_the_second_use(course_dir):
    edit(course_dir / "quizzes/basics.yaml", "id: basics-q02", "id: basics-q01")
    assert problems(course_dir) == ["quizzes/basics.yaml:20: duplicate question id 'basics-q01'"]


def test_duplicate_key_is_reported(course_dir):
    edit(course_dir / "modules/01-basics/module.md", "order: 1\n", "order: 1\norder: 2\n")
    assert problems(course_dir) == ["modules/01-basics/module.md:6: the key 'order' appears twice"]


def test_missing_objectives_key(course_dir):
    edit(
        course_dir / "modules/01-basics/module.md",
        "objectives:\n  - id: basics-notice\n    text: Notice a sign.\n",
        "",
    )
    found = problems(course_dir)
    assert "modules/01-basics/module.md:2: the module is missing the key 'objectives'" in found


def test_question_naming_a_missing_objective(course_dir):
    edit(course_dir / "quizzes/basics.yaml", "objective: basics-notice", "objective: basics-missing")
    found = problems(course_dir)
    assert (
        "quizzes/basics.yaml:5: question 'basics-q01' names objective 'basics-missing', "
        "which module 'basics' does not have"
    ) in found


def test_unknown_audience_in_front_matter(course_dir):
    edit(
        course_dir / "modules/01-basics/module.md",
        "audiences: [teacher, nurse]",
        "audiences: [teacher, pilot]",
    )
    assert problems(course_dir) == [
        "modules/01-basics/module.md:7: unknown audience 'pilot' (use teacher, nurse)"
    ]


def test_unknown_audience_in_a_block(course_dir):
    edit(course_dir / "modules/01-basics/01-intro.md", "::: audience=teacher", "::: audience=doctor")
    assert problems(course_dir) == [
        "modules/01-basics/01-intro.md:23: unknown audience 'doctor' (use teacher, nurse)"
    ]


def test_unclosed_block(course_dir):
    path = course_dir / "modules/01-basics/01-intro.md"
    path.write_text(path.read_text().rstrip().removesuffix(":::"))
    assert problems(course_dir) == [
        "modules/01-basics/01-intro.md:27: this block is never closed: add a line ':::' after its text"
    ]


def test_unknown_key(course_dir):
    edit(course_dir / "modules/01-basics/module.md", "minutes: 10", "minutes: 10\nduration: 10")
    found = problems(course_dir)
    assert found[0].startswith("modules/01-basics/module.md:7: unknown key 'duration' in the module")


def test_empty_section(course_dir):
    path = course_dir / "modules/01-basics/02-empty.md"
    path.write_text("---\nid: empty\ntitle: Empty\n---\n\n")
    assert problems(course_dir) == [
        "modules/01-basics/02-empty.md:5: the section is empty: write its text below the front matter"
    ]


def test_scenario_needs_exactly_one_best_response(course_dir):
    edit(course_dir / "modules/01-basics/01-intro.md", "        best: true\n", "")
    assert problems(course_dir) == ["modules/01-basics/01-intro.md:9: mark exactly one response 'best: true'"]


def test_single_choice_with_two_correct_options(course_dir):
    edit(
        course_dir / "quizzes/basics.yaml",
        "        feedback: Not this.\n    explanation: Ask in private.",
        "        correct: true\n        feedback: Not this.\n    explanation: Ask in private.",
    )
    assert problems(course_dir) == [
        "quizzes/basics.yaml:11: a scenario question needs exactly one option marked 'correct: true'"
    ]


def test_bank_for_an_unknown_module(course_dir):
    edit(course_dir / "quizzes/basics.yaml", "module: basics", "module: nothing")
    assert problems(course_dir) == ["quizzes/basics.yaml:1: 'module: nothing' names no module in modules/"]


def test_too_small_a_bank(course_dir):
    edit(course_dir / "quizzes/basics.yaml", "draw: 1", "draw: 2")
    found = problems(course_dir)
    assert (
        "quizzes/basics.yaml:1: 3 questions suit teachers in every region but draw is 2: "
        "the bank needs at least 6"
    ) in found


def test_a_bank_of_exactly_three_draws_loads(course_dir):
    bank = load_course(course_dir).banks["basics"]
    assert len(bank.questions_for("teacher", "AU")) == 3 * bank.draw


def test_regions_of_a_question_narrow_its_learners(course_dir):
    edit(
        course_dir / "quizzes/basics.yaml",
        "    objective: basics-notice\n    audiences: [teacher, nurse]\n    prompt: Asking",
        "    objective: basics-notice\n    audiences: [teacher, nurse]\n    regions: [UK]\n    prompt: Asking",
    )
    found = problems(course_dir)
    assert found == [
        "quizzes/basics.yaml:1: 2 questions suit teachers in US, CA, AU but draw is 1: the bank needs at least 3",
        "quizzes/basics.yaml:1: 2 questions suit nurses in US, CA, AU but draw is 1: the bank needs at least 3",
    ]


def test_too_few_questions_for_an_objective_in_a_region(course_dir):
    for n in ("q02", "q03"):
        edit(
            course_dir / "quizzes/basics.yaml",
            f"id: basics-{n}\n    type:",
            f"id: basics-{n}\n    regions: [US]\n    type:",
        )
    found = problems(course_dir)
    assert (
        "quizzes/basics.yaml:1: objective 'basics-notice' has 1 question(s) for teachers in UK, CA, AU; "
        "it needs at least 2"
    ) in found


def test_an_unknown_region_on_a_question(course_dir):
    edit(
        course_dir / "quizzes/basics.yaml",
        "id: basics-q01\n    type:",
        "id: basics-q01\n    regions: [UK, FR]\n    type:",
    )
    assert "quizzes/basics.yaml:6: unknown region 'FR' (use UK, US, CA, AU)" in problems(course_dir)


def test_a_helpline_without_a_check_date_loads_as_unchecked(course_dir):
    edit(course_dir / "modules/helplines.yaml", "    last_verified: 2026-01-01\n", "")
    course = load_course(course_dir)
    assert course.helplines["UK"][0].last_verified is None
    assert [h.name for h in course.unchecked_helplines()["UK"]] == ["Emergency services"]


def test_a_helpline_check_date_must_be_a_date(course_dir):
    edit(course_dir / "modules/helplines.yaml", "last_verified: 2026-01-01", "last_verified: soon")
    assert problems(course_dir) == [
        "modules/helplines.yaml:6: 'last_verified' must be a date written as YYYY-MM-DD"
    ]


def test_raw_html_is_not_rendered(course_dir):
    edit(
        course_dir / "modules/01-basics/01-intro.md",
        "Text for everyone.",
        "<script>alert(1)</script> [x](javascript:alert(1))",
    )
    html = load_course(course_dir).module("basics").section("intro").blocks[0].html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_content_check_command_prints_file_and_line_and_exits_1(course_dir, cli):
    edit(course_dir / "quizzes/basics.yaml", "id: basics-q02", "id: basics-q01")
    result = cli("check", str(course_dir))
    assert result.exit_code == 1
    assert f"{course_dir}/quizzes/basics.yaml:20: duplicate question id 'basics-q01'" in result.output
    assert "1 problem(s) found." in result.output


def test_content_check_command_summarises_good_content(course_dir, cli):
    result = cli("check", str(course_dir))
    assert result.exit_code == 0
    assert (
        "Content OK: 1 modules, 1 scenarios, 1 practice conversations, 1 question banks, 3 questions."
        in result.output
    )
    lines = result.output.splitlines()
    assert any(line.split() == ["basics", "teacher", "3", "3", "3", "3", "1"] for line in lines)
    assert any(line.startswith("Cues") for line in lines)
    assert "0 warning(s)." in result.output


def test_content_check_warns_about_unchecked_helplines_and_region_terms(course_dir, cli):
    edit(course_dir / "quizzes/basics.yaml", "Tell the safeguarding lead today.", "Tell the GP today.")
    edit(course_dir / "modules/helplines.yaml", "    last_verified: 2026-01-01\n", "")
    result = cli("check", str(course_dir))
    assert result.exit_code == 0
    assert (
        "Warning: helplines.yaml: UK 'Emergency services' (999) has no last_verified date: "
        "check it against https://example.org/uk before going live"
    ) in result.output
    assert (
        "Warning: quizzes/basics.yaml, question basics-q03: 'GP' is shown to teachers in US" in result.output
    )
    assert "3 warning(s)." in result.output  # the helpline, and the term for teachers and nurses in US


def test_the_app_refuses_to_start_on_broken_content(course_dir, database_url):
    from course import create_app

    edit(course_dir / "quizzes/basics.yaml", "id: basics-q02", "id: basics-q01")
    with pytest.raises(SystemExit, match="duplicate question id"):
        create_app({"DATABASE_URL": database_url, "CONTENT_DIR": str(course_dir)})
