"""What `flask content check` prints once the content loads: items per bank, audience and region, the
cue figures, and warnings about unchecked helplines and region-only terms."""

from __future__ import annotations

from course.content.schema import REGIONS, Course
from course.content.terms import region_leaks
from course.review.rules import (
    MAX_CUE_PASS_RATE,
    MAX_LONGEST_SHARE,
    SINGLE_ANSWER,
    TRUE_SHARE,
    bank_true_share,
    cue_figures,
    key_is_longest,
)


def _columns(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


def items_table(course: Course) -> str:
    """Questions a learner can be drawn, by bank, audience and region, against the draw."""
    rows = [["Questions per learner", "audience", *REGIONS, "draw"]]
    for module in course.modules:
        bank = course.banks.get(module.id)
        if bank is None:
            continue
        for audience in module.audiences:
            counts = [str(len(bank.questions_for(audience, region))) for region in REGIONS]
            rows.append([bank.module_id, audience, *counts, str(bank.draw)])
    return _columns(rows)


def cue_summary(course: Course) -> str:
    """Per bank: how often the key is the longest option, the true/false balance, and the highest pass
    rate of a cue strategy over every audience and region (with the limits the content test holds)."""
    figures = cue_figures(course)
    rows = [["Cues", "key longest", "T/F True", "worst cue strategy", "pass rate", "within limits"]]
    for module_id, bank in ((m.id, course.banks[m.id]) for m in course.modules if m.id in course.banks):
        single = [q for q in bank.questions if q.type in SINGLE_ANSWER]
        longest = sum(key_is_longest(q) for q in single) / len(single) if single else 0.0
        true_share = bank_true_share(bank)
        own = [f for f in figures if f.module_id == module_id]
        worst = max(own, key=lambda f: f.worst_strategy[1])
        name, rate = worst.worst_strategy
        within = (
            max(f.longest_share for f in own) <= MAX_LONGEST_SHARE
            and (true_share is None or TRUE_SHARE[0] <= true_share <= TRUE_SHARE[1])
            and rate <= MAX_CUE_PASS_RATE
        )
        rows.append(
            [
                module_id,
                f"{longest:.0%}",
                "–" if true_share is None else f"{true_share:.0%}",
                f"{name} ({worst.audience}, {worst.region})",
                f"{rate:.1%}",
                "yes" if within else "NO",
            ]
        )
    limits = (
        f"Limits: key longest at most {MAX_LONGEST_SHARE:.0%} for every audience and region; "
        f"true/false keys {TRUE_SHARE[0]:.0%}-{TRUE_SHARE[1]:.0%} True; "
        f"every cue strategy passes at most {MAX_CUE_PASS_RATE:.0%} of simulated attempts."
    )
    return _columns(rows) + "\n" + limits


def warnings(course: Course) -> list[str]:
    """Helplines not yet checked against their source, and region-only terms shown elsewhere."""
    found = [
        f"helplines.yaml: {region} '{line.name}' ({line.contact}) has no last_verified date: "
        f"check it against {line.source} before going live"
        for region, lines in course.unchecked_helplines().items()
        for line in lines
    ]
    found += [str(leak) for leak in region_leaks(course)]
    return found
