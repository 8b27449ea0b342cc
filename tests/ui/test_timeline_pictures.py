"""The timeline with pictures (issue 18): half-block thumbnails of colour bars and of a
red-then-blue clip, the waveform of a sine with a silent middle (blank where it is silent),
the title's words in its span, zoom and scroll keys, the chosen segment's details; snapshots
of the main screen at 80x24 and 120x40 and without colour. Pictures come from
``AvPictureSource`` (PyAV decoding generated media), the widgets do not know the difference."""

from __future__ import annotations

import pytest
from rich.color import Color
from textual.app import App, ComposeResult

from tests.ui.picture_media import SILENT, AvPictureSource, picture_draft
from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.test_snapshots import ready
from tui.api.models import Draft
from tui.ui.timeline import layout as lay
from tui.ui.timeline.canvas import TimelineCanvas
from tui.ui.widgets.timeline import TimelineView

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


class Host(App):
    def compose(self) -> ComposeResult:
        yield TimelineView(id="timeline")


def loaded(canvas: TimelineCanvas) -> bool:
    """Every thumbnail on screen and the waveform are in (the details picture too)."""
    details = canvas.parent.query_one("#details-picture")
    return bool(canvas.peaks) and not canvas.wanted() and details.display and canvas.workers._workers == set()


def track_lines(app, label: str, rows: int) -> list[str]:
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(("›" + label, label)))
    return lines[start : start + rows]


def rgb(color: Color) -> tuple[int, int, int]:
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


async def test_thumbnails_waveform_and_words_to_scale(picture_files):
    source = AvPictureSource(picture_files)
    app = Host()
    async with app.run_test(size=(100, 34)) as pilot:
        view = app.query_one(TimelineView)
        view.set_pictures(source, "halfcell")
        view.show_draft(Draft.parse(picture_draft()))
        canvas = view.query_one(TimelineCanvas)
        await wait_until(lambda: loaded(canvas))
        await pilot.pause()
        assert not view.query_one("#timeline-bars").display  # pictures instead of bars
        # the red/blue clip: thumbnails before 2 s into it are red, after are blue
        width = lay.tile_width(lay.ROWS["Video"], 320 / 180)
        seg = Draft.parse(picture_draft()).tracks[0].segments[1]
        shown = lay.tiles(seg, canvas.ms_per_cell, width)
        assert len(shown) >= 2
        for tile in shown:
            cells = canvas.thumbs.get((seg.source, tile.source_ms, width, 3, False))
            assert cells is not None and cells[1][0][0] == "▀"
            r, g, b = rgb(cells[1][0][1].color)
            assert (r > 200 and b < 60) if tile.source_ms < 2000 else (b > 200 and r < 60), (tile, (r, g, b))
        # colour bars: many colours across a thumbnail's top row
        bars = canvas.thumbs.get(("bars", 0, width, 3, False))
        assert len({rgb(cell.style.color) for cell in bars[0]}) >= 5
        # the screen shows half-blocks on the video rows
        video = track_lines(app, "Video", 3)
        assert all(line.count("▀") > 20 for line in video)
        # the waveform: blank exactly where the sine is silent (3-5 s), drawn elsewhere
        audio = track_lines(app, "Audio", 2)
        left = 1 + lay.LABEL_WIDTH  # the canvas's padding, then the labels
        col = lambda ms: left + lay.col_of(ms, canvas.ms_per_cell)  # noqa: E731
        silent = [line[col(SILENT[0] * 1000 + 150) : col(SILENT[1] * 1000 - 150)] for line in audio]
        assert all(part.strip() == "" for part in silent) and len(silent[0]) >= 5, audio
        sound = audio[1][col(500) : col(2500)] + audio[1][col(5500) : col(7500)]
        assert sound and all(char in "▁▂▃▄▅▆▇█" for char in sound), audio
        # the title's words inside its span (0-3 s)
        text = track_lines(app, "Text", 1)[0]
        assert "Urban Dreams" in text[col(0) : col(3000) + 1]
        assert text[col(3000) + 2 :].strip() == ""
        # the ruler and the playhead
        ruler = screen_text(app).splitlines()[canvas.region.y]
        assert "▼" in ruler and "2s" in ruler and "4s" in ruler
        # the first segment is chosen: its details and its first frame, larger
        details = view.query_one("#timeline-details")
        assert "Video · bars.mp4" in details.text and "source in 0s · out 4s" in details.text
        assert "vol 100%" in details.text
        # summary text for screen readers and ctrl+y stays
        assert view.summary_text.startswith("Timeline (3 tracks)")


async def test_zoom_scroll_and_choosing_a_segment(picture_files):
    source = AvPictureSource(picture_files)
    app = Host()
    async with app.run_test(size=(80, 30)) as pilot:
        view = app.query_one(TimelineView)
        view.set_pictures(source, "halfcell")
        view.show_draft(Draft.parse(picture_draft()))
        canvas = view.query_one(TimelineCanvas)
        await wait_until(lambda: loaded(canvas))
        fit = canvas.ms_per_cell
        canvas.focus()
        await pilot.press("plus")
        assert canvas.ms_per_cell == pytest.approx(fit / 2)
        await pilot.press("plus")
        assert canvas.ms_per_cell == pytest.approx(max(lay.MIN_MS_PER_CELL, fit / 4))
        # scrolling: the playhead moves a cell right; a page at a time; the view follows
        await pilot.press("right", "right", "right")
        assert canvas.playhead_ms == pytest.approx(3 * canvas.ms_per_cell) and canvas.first_col == 0
        await pilot.press("shift+right", "shift+right")
        assert canvas.first_col > 0
        assert canvas.playhead_ms == pytest.approx((3 + 2 * canvas.view_cols) * canvas.ms_per_cell)
        assert canvas.playhead_ms > 4000
        await wait_until(lambda: not canvas.wanted())  # thumbnails for the new zoom level came in
        # the playhead is past 4 s: the red/blue clip is the chosen segment
        await wait_until(lambda: "redblue.mp4" in view.query_one("#timeline-details").text)
        # down to the audio track: its details (no picture)
        await pilot.press("down")
        await wait_until(lambda: "Audio · sine.m4a" in view.query_one("#timeline-details").text)
        assert "vol 80%" in view.query_one("#timeline-details").text
        # zooming out never goes past the whole draft
        for _ in range(5):
            await pilot.press("minus")
        assert canvas.ms_per_cell == pytest.approx(fit) and canvas.first_col == 0
        # redrawing does not decode again: a zoom level's thumbnails are cached
        calls = source.thumb_calls
        canvas.refresh()
        await pilot.pause()
        assert source.thumb_calls == calls


async def test_without_pictures_bars_and_a_hint():
    app = Host()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(TimelineView)
        view.set_hint("Thumbnails and waveforms show with the local engine (nemo-tui --local).")
        view.show_draft(Draft.parse(picture_draft()))
        await pilot.pause()
        text = screen_text(app)
        assert len([line for line in text.splitlines() if "▕" in line]) == 3
        assert "show with the local engine" in text and "error" not in text.lower()
        assert not view.query("#timeline-canvas")


def test_picture_mode_from_setting_and_environment():
    from tui.ui.timeline.graphics import picture_mode

    assert picture_mode("auto", {"TERM": "xterm-kitty"}) == "kitty"
    assert picture_mode("auto", {"TERM": "xterm-kitty", "TMUX": "/tmp/t"}) == "halfcell"
    assert picture_mode("auto", {"TERM_PROGRAM": "WezTerm"}) == "sixel"
    assert picture_mode("auto", {"TERM": "xterm-256color"}) == "halfcell"
    assert picture_mode("auto", {"TERM": "xterm-kitty"}, no_color=True) == "shades"
    assert picture_mode("auto", {"TERM": "xterm-kitty"}, web=True) == "halfcell"
    assert picture_mode("sixel", {"TMUX": "x"}) == "sixel"
    assert picture_mode("off", {"TERM": "xterm-kitty"}) == "off"


def test_pictures_setting(tmp_path):
    from tui.config import load_settings

    assert load_settings(env={"NEMO_CONFIG_DIR": str(tmp_path)}).pictures == "auto"
    assert load_settings(env={"NEMO_CONFIG_DIR": str(tmp_path), "NEMO_PICTURES": "Sixel"}).pictures == "sixel"
    (tmp_path / "config.toml").write_text('pictures = "off"\n')
    assert load_settings(env={"NEMO_CONFIG_DIR": str(tmp_path)}).pictures == "off"
    (tmp_path / "config.toml").write_text('pictures = "hologram"\n')
    assert load_settings(env={"NEMO_CONFIG_DIR": str(tmp_path)}).pictures == "auto"


def _timeline_run(files, mode: str):
    async def run(pilot) -> None:
        app = pilot.app
        await ready(pilot)
        await pilot.press("f3")
        view = app.screen.timeline
        view.set_pictures(AvPictureSource(files), mode)
        await wait_until(lambda: view.query("#timeline-canvas"))
        canvas = view.query_one(TimelineCanvas)
        await wait_until(lambda: loaded(canvas))
        await wait_until(lambda: "▀" in screen_text(app) or mode == "shades")
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_timeline_with_pictures(snap_compare, make_app, backend, picture_files, size):
    backend.set_draft(picture_draft())
    assert snap_compare(make_app(), terminal_size=size, run_before=_timeline_run(picture_files, "halfcell"))


def test_snapshot_timeline_pictures_without_colour(snap_compare, make_app, backend, picture_files, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    backend.set_draft(picture_draft())
    app = make_app()
    assert app.no_color

    async def run(pilot) -> None:
        await _timeline_run(picture_files, "shades")(pilot)
        text = screen_text(pilot.app)
        assert "▀" not in text and any(shade in text for shade in "░▒▓")  # shades, not colour

    assert snap_compare(app, terminal_size=(120, 40), run_before=run)
