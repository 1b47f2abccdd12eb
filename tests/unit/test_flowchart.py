"""The flowchart's geometry: each box holds its own text, with room for a reader's text spacing."""

import pytest

from course.learning import flowchart, pathway
from course.learning.flowchart import PAD_X, layout, text_width, wrap


def test_a_space_costs_its_glyph_and_the_readers_letter_and_word_spacing():
    assert text_width("", 15) == 0
    space = text_width("x x", 15) - text_width("xx", 15)
    assert space > 15 * (flowchart.LETTER_SPACING + flowchart.WORD_SPACING)  # plus the space glyph itself
    assert text_width("W", 15, bold=True) > text_width("W", 15)


@pytest.mark.parametrize("limit", [60, 120, 250, 400])
def test_wrapped_lines_fit_the_limit_unless_one_word_is_longer(limit):
    text = "Any overdose, heavy bleeding, drowsiness, breathing trouble or danger now: call 999."
    lines = wrap(text, 15, limit)
    assert " ".join(lines) == text
    for line in lines:
        assert text_width(line, 15) <= limit or " " not in line


@pytest.mark.parametrize("audience", list(pathway.STEPS))
def test_every_line_fits_its_box_and_boxes_do_not_overlap(audience):
    chart = layout(pathway.steps_for(audience), pathway.emergency_step("999"))
    boxes = [*chart.steps, chart.emergency]
    for box in boxes:
        for line in box.lines:
            assert (
                line.x + text_width(line.text, line.size, bold=line.bold) <= box.x + box.width - PAD_X + 0.01
            )
            assert box.y < line.y < box.bottom
        assert box.x + box.width <= chart.width and box.bottom <= chart.height
    for upper, lower in zip(chart.steps, chart.steps[1:], strict=False):
        assert lower.y >= upper.bottom + flowchart.STEP_GAP - 0.01
    assert chart.emergency.x >= chart.steps[0].x + chart.steps[0].width + flowchart.COLUMN_GAP - 0.01
    words = " ".join(line.text for line in chart.emergency.lines)
    assert "heavy bleeding, drowsiness," in words and words.endswith("Stay with them.")
