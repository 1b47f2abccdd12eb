"""The pathway flowchart's geometry: every box is sized to its own text, wrapped to a width it keeps.

The SVG scales to the viewport as one picture, so text that fits its box at one width fits at every
width. Widths are measured with the metrics of DejaVu Sans (the font the chart asks for, and one of the
widest common sans-serif faces), plus the letter and word spacing that WCAG 1.4.12 lets a reader add, so
a reader's own spacing does not push text out of its box either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from course.learning.pathway import Step

FONTS = Path(__file__).resolve().parent.parent / "records" / "fonts"
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"

TITLE_SIZE, TEXT_SIZE = 18, 15
TITLE_LEADING, TEXT_LEADING = 26, 21
PAD_X, PAD_Y = 14, 12
STEP_TEXT_MAX = 330  # the widest a line of a step may be before it wraps
EMERGENCY_TEXT_MAX = 280
STEP_GAP = 30  # between steps: room for the arrow
COLUMN_GAP = 44  # between the steps and the emergency box: room for the dashed arrow
EDGE = 3  # half a stroke and a little air, so borders are not cut at the picture's edge
# WCAG 1.4.12: a reader may set letter spacing to 0.12 em and word spacing to 0.16 em.
LETTER_SPACING, WORD_SPACING = 0.12, 0.16


@cache
def _advances(bold: bool) -> tuple[dict[int, int], float]:
    with TTFont(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")) as font:
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        return {code: hmtx[glyph][0] for code, glyph in cmap.items()}, float(font["head"].unitsPerEm)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of `text` in user units, with the reader's largest allowed letter and word spacing."""
    widths, per_em = _advances(bold)
    fallback = per_em  # a character the font lacks: count it as a full em
    glyphs = sum(widths.get(ord(char), fallback) for char in text) / per_em * size
    spacing = size * (LETTER_SPACING * len(text) + WORD_SPACING * text.count(" "))
    return glyphs + spacing


def wrap(text: str, size: float, limit: float, *, bold: bool = False) -> tuple[str, ...]:
    """Greedy word wrap: as many words on each line as fit within `limit` (a longer word keeps its line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= limit:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return tuple(lines)


@dataclass(frozen=True)
class Line:
    text: str
    x: float
    y: float  # the baseline
    size: int
    bold: bool


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    lines: tuple[Line, ...]

    @property
    def middle_x(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Chart:
    steps: tuple[Box, ...]
    emergency: Box
    width: float
    height: float
    font_family: str = FONT_FAMILY


def _box(step: Step, x: float, y: float, text_max: float, width: float | None = None) -> Box:
    titles = wrap(step.title, TITLE_SIZE, text_max, bold=True)
    body = wrap(" ".join(step.lines), TEXT_SIZE, text_max)
    widest = max(
        [text_width(t, TITLE_SIZE, bold=True) for t in titles] + [text_width(t, TEXT_SIZE) for t in body]
    )
    lines: list[Line] = []
    baseline = y + PAD_Y
    for title in titles:
        baseline += TITLE_LEADING if lines else TITLE_SIZE
        lines.append(Line(title, x + PAD_X, baseline, TITLE_SIZE, True))
    for text in body:
        baseline += TEXT_LEADING
        lines.append(Line(text, x + PAD_X, baseline, TEXT_SIZE, False))
    height = baseline - y + PAD_Y + 4  # room for descenders below the last baseline
    return Box(x, y, width or widest + 2 * PAD_X, height, tuple(lines))


def layout(steps: tuple[Step, ...], emergency: Step) -> Chart:
    """Steps in a column joined by arrows, the emergency box beside the second step."""
    measured = [_box(step, EDGE, 0, STEP_TEXT_MAX) for step in steps]
    column = max(box.width for box in measured)  # one width for the column, so the arrows line up
    boxes: list[Box] = []
    y = float(EDGE)
    for step in steps:
        box = _box(step, EDGE, y, STEP_TEXT_MAX, column)
        boxes.append(box)
        y = box.bottom + STEP_GAP
    beside = boxes[1] if len(boxes) > 1 else boxes[0]
    urgent = _box(emergency, EDGE + column + COLUMN_GAP, beside.y, EMERGENCY_TEXT_MAX)
    width = urgent.x + urgent.width + EDGE
    height = max(boxes[-1].bottom, urgent.bottom) + EDGE
    return Chart(tuple(boxes), urgent, width, height)
