"""Reading practice conversations (modules/<module>/conversations/*.yaml) and checking their paths.

Every problem names file and line: a choice that leads nowhere, a turn no path reaches, a loop with no
end, a conversation with no good ending or no way back from a poor choice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from course.content.fields import Fields, Problems, read_mapping, unique
from course.content.markdown import plain, render, split_blocks
from course.content.schema import (
    CHOICE_KINDS,
    OUTCOMES,
    REGIONS,
    Block,
    Choice,
    Conversation,
    Ending,
    Turn,
)
from course.content.yamlfile import Mapping

FOLDER = "conversations"
CONVERSATION_KEYS = {"id", "title", "person", "about", "opening", "start", "turns", "endings"}
TURN_KEYS = {"id", "choices"}
CHOICE_KEYS = {"id", "says", "kind", "reply", "openness"}
ENDING_KEYS = {"id", "outcome", "title", "helped", "harmed", "better"}
MIN_TURNS, MAX_TURNS = 3, 6
MIN_CHOICES, MAX_CHOICES = 2, 4


def load_conversations(
    folder: Path, module_audiences: tuple[str, ...], problems: Problems
) -> tuple[Conversation, ...]:
    """Every conversation in the module folder's conversations/ folder, in file-name order."""
    found = []
    for path in sorted((folder / FOLDER).glob("*.yaml")):
        conversation = load_conversation(path, module_audiences, problems)
        if conversation is not None:
            found.append(conversation)
    unique(problems, folder / FOLDER, [(c.id, 1) for c in found], "conversation")
    return tuple(found)


@dataclass(frozen=True)
class _Lines:
    """Where each part was written, for problems found after reading."""

    start: int
    turns: dict[str, int]
    choices: dict[tuple[str, str], int]
    endings: dict[str, int]


def load_conversation(
    path: Path, module_audiences: tuple[str, ...], problems: Problems
) -> Conversation | None:
    data = read_mapping(path, problems, "a conversation")
    if data is None:
        return None
    fields = Fields(path, data, problems, "the conversation")
    fields.keys(CONVERSATION_KEYS, {"audiences", "regions"})
    turn_entries = fields.items("turns")
    turns = tuple(_turn(fields.child(m, "a turn")) for m in turn_entries)
    ending_entries = fields.items("endings")
    endings = tuple(_ending(fields.child(m, "an ending")) for m in ending_entries)
    lines = _Lines(
        start=data.line_of("start"),
        turns={t.id: m.line for t, m in zip(turns, turn_entries, strict=True)},
        choices={
            (t.id, c.id): line
            for t, m in zip(turns, turn_entries, strict=True)
            for c, line in zip(t.choices, (c.line for c in _choice_entries(m)), strict=False)
        },
        endings={e.id: m.line for e, m in zip(endings, ending_entries, strict=True)},
    )
    unique(problems, path, [(t.id, m.line) for t, m in zip(turns, turn_entries, strict=True)], "turn")
    unique(problems, path, [(e.id, m.line) for e, m in zip(endings, ending_entries, strict=True)], "ending")
    if "turns" in data and not MIN_TURNS <= len(turns) <= MAX_TURNS:
        fields.report(
            "turns", f"a conversation has {MIN_TURNS} to {MAX_TURNS} turns; this one has {len(turns)}"
        )
    conversation = Conversation(
        id=fields.ident("id"),
        title=fields.text("title"),
        person=fields.text("person"),
        about=fields.text("about"),
        opening=fields.text("opening"),
        start=str(data.get("start", "")),
        turns=turns,
        endings=endings,
        audiences=fields.choices("audiences", module_audiences),
        regions=fields.choices("regions", REGIONS),
    )
    if turns and endings:
        for line, message in check_paths(conversation, lines):
            problems.add(path, line, message)
    words = [conversation.about, conversation.opening]
    words += [f"{c.says} {c.reply} {c.openness}" for t in turns for c in t.choices]
    words += [plain(b.html) for e in endings for b in (*e.helped, *e.harmed, *e.better)]
    return replace(conversation, plain_text=" ".join(words))


def _choice_entries(turn: Mapping) -> list[Mapping]:
    value = turn.get("choices", [])
    return [m for m in value if isinstance(m, Mapping)] if isinstance(value, list) else []


def _turn(fields: Fields) -> Turn:
    fields.keys(TURN_KEYS, {"prompt"})
    entries = fields.items("choices")
    choices = tuple(_choice(fields.child(m, "a choice")) for m in entries)
    turn_id = fields.ident("id")
    if "choices" in fields.mapping and not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        fields.report("choices", f"turn '{turn_id}' needs {MIN_CHOICES} to {MAX_CHOICES} choices")
    unique(
        fields.problems,
        fields.path,
        [(c.id, m.line) for c, m in zip(choices, entries, strict=True)],
        "choice",
    )
    return Turn(id=turn_id, choices=choices, prompt=fields.text("prompt"))


def _choice(fields: Fields) -> Choice:
    fields.keys(CHOICE_KEYS, {"next", "end"})
    kind = fields.text("kind")
    if kind and kind not in CHOICE_KINDS:
        fields.report("kind", f"unknown kind '{kind}' (use {', '.join(CHOICE_KINDS)})")
    choice_id = fields.ident("id")
    leads = [key for key in ("next", "end") if key in fields.mapping]
    if len(leads) != 1:
        fields.report(
            None,
            f"choice '{choice_id}' leads nowhere: give it either 'next: <turn id>' or 'end: <ending id>'"
            if not leads
            else f"choice '{choice_id}' has both 'next' and 'end': give it one of them",
        )
    return Choice(
        id=choice_id,
        says=fields.text("says"),
        kind=kind,
        reply=fields.text("reply"),
        openness=fields.text("openness"),
        next_turn=str(fields.mapping.get("next", "")),
        ending=str(fields.mapping.get("end", "")),
    )


def _ending(fields: Fields) -> Ending:
    fields.keys(ENDING_KEYS)
    outcome = fields.text("outcome")
    if outcome and outcome not in OUTCOMES:
        fields.report("outcome", f"unknown outcome '{outcome}' (use {', '.join(OUTCOMES)})")
    return Ending(
        id=fields.ident("id"),
        outcome=outcome,
        title=fields.text("title"),
        helped=_blocks(fields, "helped"),
        harmed=_blocks(fields, "harmed"),
        better=_blocks(fields, "better"),
    )


def _blocks(fields: Fields, key: str) -> tuple[Block, ...]:
    """Markdown with audience/region blocks, as in a section; a block scalar's text starts a line below."""
    text = fields.text(key)
    raw = split_blocks(fields.path, text, fields.mapping.line_of(key) + 1, fields.problems)
    return tuple(Block(html=render(b.text), audience=b.audience, region=b.region) for b in raw)


def check_paths(conversation: Conversation, lines: _Lines) -> list[tuple[int, str]]:
    """Every path from the start reaches an ending; nothing unreachable; a good ending, and a recovery."""
    found: list[tuple[int, str]] = []
    turns = {t.id: t for t in conversation.turns}
    endings = {e.id: e for e in conversation.endings}
    if conversation.start not in turns:
        found.append((lines.start, f"'start' must name one of the turns, not '{conversation.start}'"))
        return found
    for turn in conversation.turns:
        for choice in turn.choices:
            line = lines.choices.get((turn.id, choice.id), lines.turns.get(turn.id, 1))
            if choice.next_turn and choice.next_turn not in turns:
                found.append(
                    (line, f"choice '{choice.id}' leads to turn '{choice.next_turn}', which is not here")
                )
            if choice.ending and choice.ending not in endings:
                found.append(
                    (line, f"choice '{choice.id}' ends at '{choice.ending}', which is not an ending here")
                )
    # Walk every path from the start, depth first; a choice back to a turn on the current path loops.
    reached_turns: set[str] = set()
    reached_endings: set[str] = set()
    on_path: list[str] = []

    def walk(turn_id: str) -> None:
        on_path.append(turn_id)
        reached_turns.add(turn_id)
        for choice in turns[turn_id].choices:
            if choice.ending in endings:
                reached_endings.add(choice.ending)
            target = choice.next_turn
            if target in on_path:
                found.append(
                    (
                        lines.choices.get((turn_id, choice.id), 1),
                        f"choice '{choice.id}' leads back to turn '{target}', so that path never ends",
                    )
                )
            elif target in turns and target not in reached_turns:
                walk(target)
        on_path.pop()

    walk(conversation.start)
    for turn in conversation.turns:
        if turn.id not in reached_turns:
            found.append((lines.turns.get(turn.id, 1), f"turn '{turn.id}' cannot be reached from the start"))
    for ending in conversation.endings:
        if ending.id not in reached_endings:
            found.append((lines.endings.get(ending.id, 1), f"ending '{ending.id}' is never reached"))
    if found:
        return found
    if not any(endings[e].outcome == "good" for e in reached_endings):
        found.append((1, "no path reaches a good ending: give one ending 'outcome: good'"))
    elif not _recovers(conversation, turns, endings):
        found.append(
            (1, "no path recovers from a poor choice: let a 'kind: harms' choice lead on to a good ending")
        )
    return found


def _recovers(conversation: Conversation, turns: dict[str, Turn], endings: dict[str, Ending]) -> bool:
    """True when some path takes a 'harms' choice and still reaches a good ending (the paths have no
    loops by now, so a plain search terminates)."""

    def good_from(turn_id: str, harmed: bool) -> bool:
        for choice in turns[turn_id].choices:
            now = harmed or choice.kind == "harms"
            if choice.ending and now and endings[choice.ending].outcome == "good":
                return True
            if choice.next_turn and good_from(choice.next_turn, now):
                return True
        return False

    return good_from(conversation.start, False)
