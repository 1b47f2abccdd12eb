"""The real course meets the brief: structure, pathways, plain English, sources."""

from pathlib import Path

import pytest
import textstat

from course.content import load_once

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_once(ROOT)
MODULE_IDS = [
    "before-you-start",
    "understanding",
    "warning-signs",
    "responding",
    "referring",
    "safety-planning",
    "looking-after-yourself",
]


def test_the_seven_modules_in_order():
    assert [m.id for m in COURSE.modules] == MODULE_IDS
    assert all(set(m.audiences) == {"teacher", "nurse"} for m in COURSE.modules)


def test_every_module_after_the_first_has_a_quiz():
    assert sorted(COURSE.banks) == sorted(MODULE_IDS[1:])


@pytest.mark.parametrize("module", COURSE.modules, ids=lambda m: m.id)
class TestEachModule:
    def test_length_objectives_scenarios_summary_sources(self, module):
        assert 10 <= module.minutes <= 20
        assert 3 <= len(module.objectives) <= 6
        assert sum(len(s.scenarios) for s in module.sections) >= 2
        assert len(module.key_points) >= 3
        assert module.sources and all(s.url.startswith("https://") for s in module.sources)

    def test_each_audience_gets_sections_and_a_scenario(self, module):
        for audience in ("teacher", "nurse"):
            sections = module.sections_for(audience)
            assert sections
            assert any(s.scenarios_for(audience, "UK") for s in sections)

    def test_plain_english_grade_9_or_below(self, module):
        grade = textstat.flesch_kincaid_grade(module.plain_text)
        assert grade <= 9, f"{module.id}: Flesch-Kincaid grade {grade}"


def test_referring_has_a_distinct_pathway_for_each_audience():
    module = COURSE.module("referring")
    teacher = {s.id for s in module.sections_for("teacher")}
    nurse = {s.id for s in module.sections_for("nurse")}
    assert teacher - nurse and nurse - teacher
    for audience in ("teacher", "nurse"):
        (own,) = [
            s for s in module.sections_for(audience) if audience in s.audiences and len(s.audiences) == 1
        ]
        assert own.org_contacts, "the pathway section shows the organisation's contacts"
        regions = {b.region for b in own.blocks}
        assert {"UK", "US"} <= regions, f"{audience} pathway needs UK and US variants"


def test_uk_and_us_learners_read_different_pathway_text():
    module = COURSE.module("referring")
    (teacher,) = [s for s in module.sections if s.audiences == ("teacher",)]
    uk = " ".join(b.html for b in teacher.blocks_for("teacher", "UK"))
    us = " ".join(b.html for b in teacher.blocks_for("teacher", "US"))
    assert "Designated Safeguarding Lead" in uk or "DSL" in uk
    assert "988" in us


def test_every_region_has_an_emergency_number_first():
    for region in ("UK", "US", "CA", "AU"):
        lines = COURSE.helplines[region]
        assert lines and lines[0].emergency, region
        assert all(line.source.startswith("https://") for line in lines)


def test_no_risk_stratification_is_taught():
    text = " ".join(m.plain_text.lower() for m in COURSE.modules)
    assert "do not use risk" in text or "not predict" in text or "does not predict" in text


CONVERSATIONS = {
    # conversation: (module, audiences)
    "pupil-disclosure": ("responding", ("teacher",)),
    "asking-for-secrecy": ("responding", ("teacher",)),
    "ward-patient": ("responding", ("nurse",)),
    "parent-on-the-phone": ("referring", ("teacher",)),
    "wants-to-leave": ("referring", ("nurse",)),
    "struggling-colleague": ("looking-after-yourself", ("teacher", "nurse")),
}
ALL_CONVERSATIONS = [(m, c) for m in COURSE.modules for c in m.conversations]


def test_the_six_practice_conversations_sit_in_their_modules_for_their_audiences():
    found = {c.id: (m.id, c.audiences) for m, c in ALL_CONVERSATIONS}
    assert found == CONVERSATIONS


@pytest.mark.parametrize(("module", "conversation"), ALL_CONVERSATIONS, ids=lambda x: x.id)
class TestEachConversation:
    def test_a_person_an_opening_and_three_to_six_turns(self, module, conversation):
        assert conversation.person and conversation.about and conversation.opening
        assert 3 <= len(conversation.turns) <= 6
        for turn in conversation.turns:
            assert all(c.reply and c.openness for c in turn.choices)

    def test_every_ending_debriefs_what_helped_harmed_and_better_words(self, module, conversation):
        for ending in conversation.endings:
            assert ending.helped and ending.harmed and ending.better, ending.id
        assert {e.outcome for e in conversation.endings} == {"good", "poor"}

    def test_plain_english_grade_9_or_below(self, module, conversation):
        grade = textstat.flesch_kincaid_grade(conversation.plain_text)
        assert grade <= 9, f"{conversation.id}: Flesch-Kincaid grade {grade}"
