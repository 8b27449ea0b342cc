"""The widgets on their own, fed plain data: timeline tree and bars, SSE log, credits, input history."""

from __future__ import annotations

import copy

from textual.app import App, ComposeResult

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.ui_fakes import THREE_TRACKS, TOKEN, VIDEO_ONLY, with_title
from tui.api.events import EventKind, SseEvent
from tui.api.models import Credits, Draft
from tui.ui.chat.log import HistoryInput
from tui.ui.widgets.credits import CreditsWidget
from tui.ui.widgets.sse_log import SseLogView
from tui.ui.widgets.timeline import TimelineView


class Host(App):
    def __init__(self, *widgets):
        super().__init__()
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self.widgets


async def test_timeline_shows_tracks_segments_and_bars():
    view = TimelineView()
    async with Host(view).run_test(size=(100, 30)) as pilot:
        view.show_draft(Draft.parse(THREE_TRACKS))
        await pilot.pause()
        text = screen_text(pilot.app)
        assert (
            'Timeline (3 tracks): 1. Video: city.mp4 (0-10s) 2. BGM: lofi.mp3 (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)'
            in " ".join(text.split())
        )
        assert "project · 10s · 1920×1080" in text
        assert "Video (1 segment)" in text
        assert "city.mp4  0–10s  vol 100%" in text
        assert "lofi.mp3  0–10s  vol 35%" in text
        assert '"Urban Dreams"  0–3s' in text
        # one bar per track, drawn to scale: the title covers 3 of 10 seconds
        bars = [line for line in text.splitlines() if "▕" in line]
        assert len(bars) == 3
        video_cells = bars[0].split("▕")[1].split("▏")[0]
        title_cells = bars[2].split("▕")[1].split("▏")[0]
        assert len(video_cells) == len(title_cells)

        def filled(cells):
            return sum(1 for c in cells if not c.isspace() and c not in "·░")

        assert 0.2 < filled(title_cells) / max(1, filled(video_cells)) < 0.4


async def test_timeline_updates_in_place_keeping_expansion_and_cursor():
    view = TimelineView()
    async with Host(view).run_test(size=(100, 30)) as pilot:
        view.show_draft(Draft.parse(THREE_TRACKS))
        await pilot.pause()
        tree = view.tree
        audio = view._track_nodes["trk_a1"]
        audio.collapse()
        text_seg = view._segment_nodes["trk_t1"]["seg_3"]
        tree.move_cursor(text_seg)
        await pilot.pause()
        changed = copy.deepcopy(THREE_TRACKS)
        changed["t"][2]["sg"][0]["text"] = "Paradise Found"
        view.show_draft(Draft.parse(with_title(changed, "Second")))
        await pilot.pause()
        assert view._track_nodes["trk_a1"] is audio and not audio.is_expanded
        assert view._segment_nodes["trk_t1"]["seg_3"] is text_seg
        assert tree.cursor_node is text_seg
        assert '"Paradise Found"' in str(text_seg.label)
        assert "trk_t9" in view._track_nodes
        # a track that disappears is removed, the rest stay
        view.show_draft(Draft.parse(VIDEO_ONLY))
        await pilot.pause()
        assert list(view._track_nodes) == ["trk_v1"]
        assert "Urban Dreams" not in screen_text(pilot.app)


async def test_sse_log_is_bounded_filtered_throttled_and_redacted():
    log = SseLogView(max_lines=50, keep=60)
    async with Host(log).run_test(size=(100, 30)) as pilot:
        await wait_until(lambda: log.query("#sse-log"))  # mounted just after the first paint
        for _i in range(300):
            log.add(SseEvent(EventKind.HEARTBEAT, raw='{"type":"heartbeat"}'), "12:00:00")
        log.add(SseEvent(EventKind.ERROR, error=f"Bearer {TOKEN} rejected", raw=f'{{"error":"{TOKEN}"}}'), "12:00:01")
        # throttled: nothing is drawn until the flush timer runs
        assert len(log.rich_log.lines) == 0
        await wait_until(lambda: log.received == 301 and len(log.rich_log.lines) > 0)
        await wait_until(lambda: "301 events" in screen_text(pilot.app))
        lines = log.visible_lines()
        assert len(lines) <= 50
        assert "error" in lines[-1] and "[redacted]" in lines[-1]
        # a burst is not drawn line by line: the newest lines, and how many were skipped
        assert "events not drawn (a flood)" in lines[0] and log.skipped == 301 - (len(lines) - 1)
        assert TOKEN not in "\n".join(lines) and TOKEN not in screen_text(pilot.app)
        assert all(TOKEN not in e.raw for e in log.entries)
        assert len(log.entries) == 60
        log.set_hidden_kinds({"heartbeat"})
        await pilot.pause()
        lines = log.visible_lines()
        assert len(lines) == 1 and "error" in lines[0]
        assert "hiding heartbeat" in screen_text(pilot.app)


async def test_credits_widget_low_warning_and_out_of_credits_hint():
    widget = CreditsWidget()
    async with Host(widget).run_test(size=(100, 10)) as pilot:
        widget.show_credits(Credits(available=25000, frozen=40, total=25040))
        await pilot.pause()
        assert "Credits: 25,000 available · 40 frozen · 25,040 total" in screen_text(pilot.app)
        assert not widget.has_class("-low")
        widget.show_credits(Credits(available=30, frozen=0, total=30))
        await pilot.pause()
        assert "⚠" in screen_text(pilot.app) and "low" in screen_text(pilot.app)
        assert widget.has_class("-low")
        widget.show_out_of_credits("https://nemovideo.com/?bind=anon_abc123")
        await pilot.pause()
        assert "Register to get more: https://nemovideo.com/?bind=anon_abc123" in screen_text(pilot.app)


async def test_input_history_walks_up_and_down():
    box = HistoryInput()
    async with Host(box).run_test(size=(80, 5)) as pilot:
        box.focus()
        for text in ("first", "second"):
            box.remember(text)
        await pilot.press(*"dr")
        await pilot.press("up")
        assert box.value == "second"
        await pilot.press("up", "up")
        assert box.value == "first"
        await pilot.press("down")
        assert box.value == "second"
        await pilot.press("down")
        assert box.value == "dr"
