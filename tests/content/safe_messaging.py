"""The safe-messaging word check: wording the course must never use, with a reviewed allow-list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Each pattern: why it is forbidden. Patterns match whole words, case-insensitively.
FORBIDDEN = {
    # Stigmatising or sensational language (Samaritans media guidelines; content brief).
    r"commit(?:ted|s|ting)? suicide": "say 'died by suicide' or 'took their own life'",
    r"(?:successful|unsuccessful|failed) (?:suicide )?attempts?": "say 'attempt' or 'died by suicide'",
    r"self-harmers?": "say 'a person who self-harms'",
    r"cutters?": "stigmatising label",
    r"epidemic": "sensational",
    r"attention[- ]seek(?:ing|er|ers)": "frames self-harm as attention-seeking",
    r"manipulat(?:ive|ion|ing)": "frames self-harm as manipulation",
    r"just a phase": "frames self-harm as a phase",
    r"emo": "subculture label",
    # Method, implement and substance detail.
    r"blades?|razors?|knife|knives|scissors|lighters?|ligatures?|nooses?|ropes?|cords?": "names an implement",
    r"hang(?:ing|ed)": "names a method",
    r"paracetamol|acetaminophen|ibuprofen|aspirin|codeine|insulin|bleach|antifreeze": "names a substance",
    r"\d+\s*(?:mg|milligrams?|grams?|ml)\b": "gives a quantity",
    r"how many (?:tablets|pills)|lethal|deep(?:ly)? cut|deep wounds?": "describes lethality or depth",
    r"(?:tik ?tok|instagram|tumblr|reddit|discord|4chan|blue whale)": "names a platform or challenge",
}
_COMPILED = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w-])", re.IGNORECASE), why) for p, why in FORBIDDEN.items()]
_HASHTAG = re.compile(r"(?<![\w&/#])#[A-Za-z]\w*")
_IMAGE = re.compile(r"!\[")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str
    why: str

    def key(self) -> str:
        return f"{self.path}:{self.why}"


def scan_text(path: str, text: str) -> list[Finding]:
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, why in _COMPILED:
            if pattern.search(line):
                findings.append(Finding(path, number, line.strip(), why))
        if _HASHTAG.search(line):
            findings.append(Finding(path, number, line.strip(), "names a hashtag"))
        if _IMAGE.search(line):
            findings.append(Finding(path, number, line.strip(), "images are not allowed in course content"))
    return findings


@dataclass(frozen=True)
class Allowed:
    path: str
    snippet: str

    def covers(self, finding: Finding) -> bool:
        return finding.path == self.path and self.snippet in finding.text


def read_allow_list(path: Path) -> list[Allowed]:
    """Lines 'file | exact words from the line'; '#' starts a comment (the reviewer's reason)."""
    entries = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        file, _, snippet = line.partition(" | ")
        entries.append(Allowed(file.strip(), snippet.strip()))
    return entries
