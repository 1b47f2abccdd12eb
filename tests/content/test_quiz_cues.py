"""No answer is given away by its wording: measured on the real banks, the real draw and pass mark.

For every bank, audience and region: how often the key is strictly the longest option, the balance of
true/false keys, and how often a learner who reads nothing and follows one wording cue passes
(2,000 seeded draws per strategy). The table is printed in the terminal summary.
"""

import re
from pathlib import Path

import pytest

from course.content import load_once
from course.content.schema import REGIONS
from course.review.rules import (
    MAX_CUE_PASS_RATE,
    MAX_LONGEST_SHARE,
    SIMULATED_ATTEMPTS,
    TRUE_SHARE,
    absolutes_only_in_distractors,
    bank_true_share,
    scenario_absolutes_only_in_distractors,
    scenario_best_is_longest,
    slice_figures,
    table,
)

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_once(ROOT)
SLICES = [
    (m.id, audience, region)
    for m in COURSE.modules
    if m.id in COURSE.banks
    for audience in m.audiences
    for region in REGIONS
]
IDS = ["-".join(one) for one in SLICES]


@pytest.fixture(scope="module")
def figures(figure_tables):
    """figures[module_id, audience, region]: worked out when a test first asks (with several test
    processes, each works out only the slices it runs), tabled at the end."""
    found = {}

    class Figures:
        def __getitem__(self, key):
            if key not in found:
                found[key] = slice_figures(COURSE.banks[key[0]], key[1], key[2], SIMULATED_ATTEMPTS)
            return found[key]

    yield Figures()
    rows = [found[one] for one in SLICES if one in found]
    figure_tables["Quiz cue figures (pass rates over 2,000 seeded draws each)"] = table(rows)


def _row(figure):
    return table([figure])


@pytest.mark.parametrize(("module_id", "audience", "region"), SLICES, ids=IDS)
def test_no_cue_strategy_passes_more_than_5_percent(figures, module_id, audience, region):
    figure = figures[module_id, audience, region]
    over = {name: rate for name, rate in figure.pass_rates.items() if rate > MAX_CUE_PASS_RATE}
    assert not over, f"cue strategies pass too often: {over}\n{_row(figure)}"


@pytest.mark.parametrize(("module_id", "audience", "region"), SLICES, ids=IDS)
def test_the_key_is_rarely_the_longest_option(module_id, audience, region):
    figure = slice_figures(COURSE.banks[module_id], audience, region, attempts=0)  # the wording alone
    assert figure.longest_share <= MAX_LONGEST_SHARE, (
        f"the key is strictly the longest option in {figure.longest_keys} of {figure.single_answer} "
        f"single-answer items\n{_row(figure)}"
    )


@pytest.mark.parametrize("module_id", sorted(COURSE.banks))
def test_true_false_keys_are_balanced(module_id):
    share = bank_true_share(COURSE.banks[module_id])
    if share is None:
        pytest.skip("no true/false items in this bank")
    assert TRUE_SHARE[0] <= share <= TRUE_SHARE[1], f"{share:.0%} of true/false keys are 'True'"


@pytest.mark.parametrize("module_id", sorted(COURSE.banks))
def test_absolute_words_are_never_only_in_distractors(module_id):
    found = [q.id for q in COURSE.banks[module_id].questions if absolutes_only_in_distractors(q)]
    assert not found, "only distractors use an absolute word: " + ", ".join(found)


def test_absolute_words_are_never_only_in_practice_distractors():
    scenarios = [sc for m in COURSE.modules for s in m.sections for sc in s.scenarios]
    found = [sc.id for sc in scenarios if scenario_absolutes_only_in_distractors(sc)]
    assert not found, "only other responses use an absolute word: " + ", ".join(found)


def test_the_best_practice_response_is_rarely_the_longest():
    scenarios = [sc for m in COURSE.modules for s in m.sections for sc in s.scenarios]
    longest = [sc.id for sc in scenarios if scenario_best_is_longest(sc)]
    assert len(longest) <= MAX_LONGEST_SHARE * len(scenarios), (
        f"the best response is strictly the longest in {len(longest)} of {len(scenarios)} scenarios: "
        + ", ".join(longest)
    )


# A quiz item sets a new situation: it shares at most this share of its words with any practice scenario
# (Jaccard similarity of the words of four letters or more in the situation and the question).
MAX_SHARED_WITH_PRACTICE = 0.4


def _words(text):
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3}


def test_no_quiz_item_replays_a_practice_scenario():
    practice = [
        (sc.id, _words(f"{sc.situation} {sc.question}"))
        for m in COURSE.modules
        for s in m.sections
        for sc in s.scenarios
    ]
    replays = []
    for bank in COURSE.banks.values():
        for question in bank.questions:
            own = _words(f"{question.situation} {question.prompt}")
            for scenario_id, theirs in practice:
                shared = len(own & theirs) / len(own | theirs) if own | theirs else 0.0
                if shared > MAX_SHARED_WITH_PRACTICE:
                    replays.append(f"{question.id} ~ practice '{scenario_id}' ({shared:.0%} of words shared)")
    assert not replays, "quiz items too close to a practice scenario:\n" + "\n".join(replays)
