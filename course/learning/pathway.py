"""The notice → respond → refer pathway for each audience: drawn as a flowchart and printed as a card."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    title: str
    lines: tuple[str, ...]


EMERGENCY = Step(
    "Emergency?",
    (
        "Any overdose, heavy bleeding, drowsiness,",
        "breathing trouble or danger now:",
        "call {emergency}. Stay with them.",
    ),
)

STEPS = {
    "teacher": (
        Step("1. Notice", ("Signs, a disclosure, or a worry", "passed on by a friend.")),
        Step("2. Respond", ("Stay calm. Find a private place.", "Listen. Ask about suicide directly.")),
        Step("3. Be honest", ("Never promise secrecy.", "Say who you will tell and why.")),
        Step("4. Refer", ("Tell your safeguarding lead the", "same day; at once if urgent.")),
        Step("5. Record", ("Their words, what you saw,", "what you did and who you told.")),
        Step("6. Follow up", ("Check in with the pupil.", "Look after yourself too.")),
    ),
    "nurse": (
        Step("1. Notice", ("Injuries, distress, or a", "disclosure in any setting.")),
        Step("2. Respond", ("Respect and compassion. Treat the", "injury and pain as for anyone.")),
        Step("3. Ask", ("Ask directly about suicidal", "thoughts. Never promise secrecy.")),
        Step("4. Refer", ("Arrange a psychosocial assessment.", "Never discharge on a score.")),
        Step("5. Safeguard", ("Under 18 or an adult at risk:", "tell your safeguarding lead.")),
        Step("6. Record", ("Their words, facts, actions", "and who you told.")),
    ),
}

AUDIENCE_NAMES = {"teacher": "school staff", "nurse": "healthcare staff"}


def steps_for(audience: str) -> tuple[Step, ...]:
    return STEPS[audience]


def emergency_step(emergency_number: str) -> Step:
    return Step(EMERGENCY.title, tuple(line.format(emergency=emergency_number) for line in EMERGENCY.lines))
