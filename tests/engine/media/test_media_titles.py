"""Titles draw every character or say which ones they cannot (glyph coverage with fontTools)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.engine.media import titles
from tui.engine.media.ffmpeg import FONT_PATH
from tui.engine.media.probe import probe
from tui.engine.media.render import render_draft, render_notes
from tui.engine.media.titles import check_title, font_chars

UNICORN = "\U0001f984"  # not in DejaVu Sans 2.37


@pytest.fixture
def no_system_fonts(monkeypatch):
    """As on a server with only the shipped font: fontconfig finds nothing better, no CJK font."""
    monkeypatch.setattr(titles, "_fc_match", lambda charset: None)
    monkeypatch.setattr(titles, "_CJK_FONTS", ())


def make_font(path: Path, chars: str) -> Path:
    """A TrueType font whose only glyphs are squares for `chars` (fontTools FontBuilder)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"g{ord(c):x}" for c in chars]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(c): f"g{ord(c):x}" for c in chars})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0)), pen.lineTo((100, 700)), pen.lineTo((800, 700)), pen.lineTo((800, 0)), pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (900, 100) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "Test Glyphs", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return path


def test_latin_titles_use_the_shipped_font_and_say_nothing():
    check = check_title("Urban Dreams — café")
    assert check == titles.TitleCheck(FONT_PATH, "Urban Dreams — café", (), None)


def test_an_emoji_no_font_has_is_named_and_the_rest_is_drawn(no_system_fonts):
    assert ord(UNICORN) not in font_chars(str(FONT_PATH))
    check = check_title(f"Sunny {UNICORN}\ufe0f day")
    assert check.text == "Sunny day" and check.missing == (UNICORN,)
    assert check.note == f"The emoji {UNICORN} cannot be drawn in the video; the rest of the title is there."


def test_a_title_nothing_can_draw_is_reported_and_not_drawn(no_system_fonts):
    check = check_title("北京")
    assert check.text == "" and check.missing == ("北", "京")
    assert "cannot be drawn in the video" in check.note


def test_a_system_font_with_the_glyphs_is_used(tmp_path, monkeypatch):
    font = make_font(tmp_path / "glyphs.ttf", f"Hi {UNICORN}")
    seen: list[str] = []
    monkeypatch.setattr(titles, "_fc_match", lambda charset: seen.append(charset) or str(font))
    check = check_title(f"Hi {UNICORN}")
    assert check.font == font and check.note is None and check.text == f"Hi {UNICORN}"
    assert seen == ["1f984"]  # only the code points the shipped font lacks were asked for


def test_the_render_reports_what_it_could_not_draw(no_system_fonts, make_video, tmp_path):
    clip = make_video(seconds=1, width=320, height=180)
    draft = {
        "t": [
            {"tt": 0, "sg": [{"src": "upl_a", "s": 0, "d": 1000}]},
            {"tt": 7, "sg": [{"text": f"Beach {UNICORN}", "s": 0, "d": 1000}]},
        ],
        "m": {"width": 320, "height": 180},
    }
    note = f"The emoji {UNICORN} cannot be drawn in the video; the rest of the title is there."
    assert render_notes(draft, {"upl_a": clip}) == [note]
    result = render_draft(draft, {"upl_a": clip}, tmp_path / "out.mp4")
    assert result.notes == (note,) and probe(result.path).duration_s == pytest.approx(1.0, abs=0.1)
