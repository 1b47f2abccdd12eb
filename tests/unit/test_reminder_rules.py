"""Reminder stages, repeats and the managers' summaries: pure rules, tested on their boundaries."""

from datetime import date, timedelta

import pytest

from course.models import OrgSettings
from course.org import format_stages, parse_stages
from course.reminders.rules import (
    DigestLine,
    Manager,
    digest_recipients,
    digest_text,
    kind_label,
    repeat_due,
    stage_due,
    stage_reached,
)

DAY = date(2026, 6, 30)
STAGES = (30, 7, 0)


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (31, None),  # the day before the first stage
        (30, 30),  # on it
        (29, 30),  # after it, until the next
        (8, 30),
        (7, 7),
        (6, 7),
        (1, 7),
        (0, 0),  # the day itself
        (-1, None),  # after the day: overdue or expired, not a stage
    ],
)
def test_the_stage_reached_on_each_side_of_each_boundary(days_left, stage):
    assert stage_reached(days_left, STAGES) == stage


def test_each_stage_is_sent_once_for_its_target():
    target = DAY + timedelta(days=7)
    assert stage_due("due", target, DAY - timedelta(days=1), STAGES, {}) == ("due-30", False)
    assert stage_due("due", target, DAY, STAGES, {}) == ("due-7", False)
    sent_today = {"due-7": DAY}
    assert stage_due("due", target, DAY, STAGES, sent_today) == (None, True)
    assert stage_due("due", target, DAY + timedelta(days=6), STAGES, sent_today) == (None, True)
    assert stage_due("due", target, target, STAGES, sent_today) == ("due-0", False)


def test_a_stage_sent_for_an_earlier_target_does_not_count():
    target = DAY + timedelta(days=7)
    sent_before_the_stage_opened = {"expiry-7": target - timedelta(days=8)}
    assert stage_due("expiry", target, DAY, STAGES, sent_before_the_stage_opened) == ("expiry-7", False)
    on_the_day_it_opened = {"expiry-7": target - timedelta(days=7)}
    assert stage_due("expiry", target, DAY, STAGES, on_the_day_it_opened) == (None, True)


def test_a_missed_run_sends_the_current_stage_not_the_skipped_one():
    target = DAY + timedelta(days=5)  # nothing ran while the 30-day stage was open
    assert stage_due("due", target, DAY, STAGES, {}) == ("due-7", False)


@pytest.mark.parametrize(("days_since", "due"), [(6, False), (7, True), (8, True)])
def test_an_overdue_reminder_repeats_after_the_interval(days_since, due):
    assert repeat_due(DAY, 7, DAY - timedelta(days=days_since)) is due
    assert repeat_due(DAY, 7, None) is True


@pytest.mark.parametrize(
    ("text", "stages"),
    [("30,7,0", (30, 7, 0)), (" 7 , 30 ;0, 7", (30, 7, 0)), ("14", (14,)), ("365,0", (365, 0))],
)
def test_stages_are_read_in_any_order_and_written_largest_first(text, stages):
    assert parse_stages(text) == stages
    assert parse_stages(format_stages(stages)) == stages


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("thirty", "whole numbers"),
        ("7, -1", "whole numbers"),
        ("1.5", "whole numbers"),
        ("²", "whole numbers"),
        ("366", "from 0 to 365"),
        ("9" * 5000, "from 0 to 365"),
        ("1,2,3,4,5,6,7", "at most 6"),
    ],
)
def test_bad_stages_are_explained(text, message):
    with pytest.raises(ValueError, match=message):
        parse_stages(text)


def test_kind_labels():
    assert [kind_label(k) for k in ("due-7", "due-1", "due-0", "expiry-30", "expiry-0", "overdue")] == [
        "due in 7 days",
        "due in 1 day",
        "due today",
        "expires in 30 days",
        "expires today",
        "overdue",
    ]


def line(name, status="Overdue"):
    return DigestLine(name, f"{name}@example.org", "Science", status, DAY, DAY + timedelta(days=9))


def test_a_manager_hears_about_their_units_and_those_below_never_about_themselves():
    trust, north = Manager("Tara", "tara@example.org", 1), Manager("Nora", "nora@example.org", 2)
    managers = {1: [trust], 4: [north]}
    lines = [
        ("/1/4/9/", 10, line("olive")),  # in Science, under North
        ("/1/5/", 11, line("sam")),  # in South: Tara only
        ("/1/4/", 2, line("nora")),  # Nora herself: Tara only
    ]
    found = digest_recipients(lines, managers)
    assert [x.name for x in found[trust]] == ["olive", "sam", "nora"]
    assert [x.name for x in found[north]] == ["olive"]


def test_the_summary_counts_lists_and_stops_at_its_limit():
    settings = OrgSettings.with_defaults()
    lines = [line(f"p{n:03}") for n in range(120)] + [line("evan", "Expiring soon")]
    subject, body = digest_text(
        manager="Nora", lines=lines, link="https://x/admin/learners", settings=settings
    )
    assert subject == "Training summary for your units: 120 overdue, 1 expiring soon"
    assert "Overdue (120):" in body and "- p099 (Science) was due on 30 June 2026" in body
    assert "p100" not in body and "- and 20 more: see the report" in body
    assert "Expiring soon (1):\n- and 1 more: see the report" in body
    assert body.startswith("Dear Nora,") and "https://x/admin/learners" in body
