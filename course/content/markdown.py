"""Markdown to safe HTML (CommonMark, raw HTML off), and audience/region blocks inside a section."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from course.content.fields import Problems
from course.content.schema import AUDIENCES, REGIONS

_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
    ["table", "replacements", "smartquotes"]
)
_BLOCK = re.compile(r"^:::(.*)$")


def render(text: str) -> str:
    return _md.render(text)


def plain(html: str) -> str:
    """The words of rendered HTML, for readability measures."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@dataclass(frozen=True)
class RawBlock:
    text: str
    audience: str | None
    region: str | None


def split_blocks(path: Path, body: str, first_line: int, problems: Problems) -> list[RawBlock]:
    """Split a section body at ':::' lines into text for everyone and text for an audience/region."""
    blocks: list[RawBlock] = []
    current: list[str] = []
    audience: str | None = None
    region: str | None = None
    open_line = 0
    for number, line in enumerate(body.splitlines(), start=first_line):
        match = _BLOCK.match(line.strip())
        if not match:
            current.append(line)
            continue
        attributes = match.group(1).strip()
        if not attributes:  # a closing line
            if not open_line:
                problems.add(path, number, "a ':::' closing line with no block open")
                continue
            blocks.append(RawBlock("\n".join(current), audience, region))
            current, audience, region, open_line = [], None, None, 0
            continue
        if open_line:
            problems.add(
                path, number, f"blocks cannot nest: close the block opened on line {open_line} first"
            )
            continue
        blocks.append(RawBlock("\n".join(current), None, None))
        current, open_line = [], number
        for pair in attributes.split():
            key, _, value = pair.partition("=")
            if key == "audience" and value in AUDIENCES:
                audience = value
            elif key == "region" and value in REGIONS:
                region = value
            elif key in ("audience", "region"):
                allowed = AUDIENCES if key == "audience" else REGIONS
                problems.add(path, number, f"unknown {key} '{value}' (use {', '.join(allowed)})")
            else:
                problems.add(path, number, f"unknown block setting '{pair}' (use audience=... region=...)")
    if open_line:
        problems.add(path, open_line, "this block is never closed: add a line ':::' after its text")
    blocks.append(RawBlock("\n".join(current), audience, region))
    return [b for b in blocks if b.text.strip()]
