"""A learner in the US reads no UK-only term, and one in the UK no US-only term, in any module text or
any question they can be drawn. The terms are listed once, in course/content/terms.py."""

from pathlib import Path

import pytest

from course.content import load_once
from course.content.terms import FOREIGN_TERMS, UK_ONLY, US_ONLY, region_leaks, terms_in

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_once(ROOT)
LEAKS = region_leaks(COURSE)


@pytest.mark.parametrize("region", sorted(FOREIGN_TERMS))
@pytest.mark.parametrize("audience", ["teacher", "nurse"])
def test_no_other_regions_terms(region, audience):
    found = [str(leak) for leak in LEAKS if leak.region == region and leak.audience == audience]
    assert not found, "\n".join(found)


def test_terms_match_as_words_and_acronyms_as_written():
    assert terms_in("Ask the GP, or the GPs at the practice.", UK_ONLY) == ["GP"]
    assert terms_in("A nice, calm voice helps; GPS is not a doctor.", UK_ONLY) == []
    assert terms_in("Children\u2019s Social Care may be told.", UK_ONLY) == ["children's social care"]
    assert terms_in("Call or text 988.", US_ONLY) == ["988"]
    assert terms_in("Call 19880.", US_ONLY) == []
    assert terms_in("NHS-funded care", UK_ONLY) == ["NHS"]
    assert terms_in("As a Mandated Reporter you report to CPS.", US_ONLY) == ["CPS", "mandated reporter"]


def test_every_term_list_is_in_force():
    assert FOREIGN_TERMS == {"UK": US_ONLY, "US": UK_ONLY}
    for term in (*UK_ONLY, *US_ONLY):
        assert terms_in(f"Here: {term}.", (*UK_ONLY, *US_ONLY)) == [term]
