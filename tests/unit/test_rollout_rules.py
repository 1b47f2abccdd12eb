"""Pure rules for a real organisation's rollout: units an import creates, separators, the checklist."""

import pytest

from course.imports.reading import delimiter_of
from course.imports.rules import (
    PATH_MAX,
    STAFF_NUMBER_MAX,
    BadCell,
    describe_changes,
    kind_at_depth,
    parse_staff_number,
    parse_start_date,
    parse_unit,
    path_key,
    units_to_create,
)
from course.reporting.rules import SetupFacts, setup_steps


def test_units_to_create_are_every_missing_unit_parents_first():
    wanted = [path_key("Trust / Hospital / Ward 7"), path_key("New Trust"), path_key("Trust / School")]
    assert units_to_create(wanted, [path_key("Trust")]) == (
        "new trust",
        "trust / hospital",
        "trust / school",
        "trust / hospital / ward 7",
    )
    assert units_to_create([path_key("Trust")], [path_key("Trust")]) == ()


def test_the_kind_follows_the_depth():
    assert [kind_at_depth(depth) for depth in range(4)] == [
        "organisation",
        "site",
        "department",
        "department",
    ]


def test_a_missing_unit_is_offered_for_creation_only_when_allowed():
    units = {path_key("Trust"): 1}
    assert parse_unit("trust", units) == 1
    assert parse_unit("Trust / Ward", units, create=True) == "trust / ward"
    with pytest.raises(BadCell, match="tick “create missing units”"):
        parse_unit("Trust / Ward", units)
    with pytest.raises(BadCell, match="there is no unit"):
        parse_unit("Trust /  / Ward", units, create=True)  # an empty name in the path
    with pytest.raises(BadCell, match="is retired"):
        parse_unit("Trust / Old", units, frozenset({path_key("Trust / Old")}), create=True)


@pytest.mark.parametrize(
    ("header", "separator"),
    [("email,name", ","), ("email;name;job_role", ";"), ("email", ","), ('"a;b",c', ","), ("a;b;c,d", ";")],
)
def test_the_separator_is_the_one_the_header_has_more_of(header, separator):
    assert delimiter_of(header) == separator


def test_staff_numbers_and_start_dates():
    assert parse_staff_number("") is None and parse_staff_number("E1") == "E1"
    with pytest.raises(BadCell, match="Shorten it to 40"):
        parse_staff_number("x" * 41)
    assert parse_start_date("") is None and str(parse_start_date("2026-09-01")) == "2026-09-01"
    with pytest.raises(BadCell, match="start_date “01/09/2026” is not a date"):
        parse_start_date("01/09/2026")


def facts(**changes):
    values = dict(
        named=True,
        settings_saved=True,
        contacts=True,
        units=True,
        staff=True,
        assignments=True,
        uninvited=False,
    )
    return SetupFacts(**{**values, **changes})


def test_every_step_is_done_only_by_its_own_fact():
    assert all(step.done for step in setup_steps(facts()))
    for change, step in [
        ({"named": False}, 0),
        ({"settings_saved": False}, 1),
        ({"contacts": False}, 2),
        ({"units": False}, 3),
        ({"staff": False}, 4),
        ({"assignments": False}, 5),
        ({"uninvited": True}, 6),
    ]:
        undone = [index for index, found in enumerate(setup_steps(facts(**change))) if not found.done]
        assert step in undone and len(undone) == (2 if change == {"staff": False} else 1), change


def test_a_staff_number_may_have_40_characters_and_no_more():
    assert parse_staff_number("E" * STAFF_NUMBER_MAX) == "E" * STAFF_NUMBER_MAX
    with pytest.raises(BadCell, match="Shorten it to 40 or fewer"):
        parse_staff_number("E" * (STAFF_NUMBER_MAX + 1))
    assert parse_staff_number("") is None


def test_a_unit_to_create_may_have_a_path_of_400_characters_and_no_more():
    longest = "A" * (PATH_MAX - 4) + " / B"  # exactly PATH_MAX characters as a path key
    assert len(path_key(longest)) == PATH_MAX == 400
    assert parse_unit(longest, {}, create=True) == path_key(longest)
    with pytest.raises(BadCell, match="there is no unit"):
        parse_unit("A" + longest, {}, create=True)


def test_the_top_unit_of_a_new_path_is_created_too():
    assert units_to_create([path_key("Trust / School")], []) == ("trust", "trust / school")


def test_a_staff_number_change_names_both_numbers_or_none():
    changes = {"staff_number": {"from": None, "to": "E1"}, "started_on": {"from": None, "to": None}}
    assert describe_changes(changes, {}) == ("staff number: none → E1", "started on: none → none")


def test_units_at_the_same_depth_are_created_in_the_order_of_their_names():
    names = [f"unit {n:02d}" for n in range(20)]
    assert units_to_create(list(reversed(names)), []) == tuple(names)
