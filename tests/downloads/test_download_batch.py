"""Download jobs for playlists, feeds and sections (issue 17), against a fake backend: the
capabilities, the formats endpoint (``tui.api.link_info``'s documented shape), the fetch and the
render are replaced by fakes that serve real MP4 files made by ffmpeg. What is checked is what
a user sees: how many run at once, the files on disk, their names and lengths, the summary."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest

import tui.api.link_info as link_info_mod
import tui.core.downloads as downloads_mod
from tui.api.ingest import FetchedMedia, FetchFailed
from tui.api.link_info import parse_link_info
from tui.core.download_events import BatchDone, JobStarted, PlaylistExpanded, PlaylistFound, summary
from tui.core.download_intent import DownloadRequest, download_request
from tui.core.downloads import DownloadJobs, JobDone, JobFailed
from tui.core.mp4_facts import mp4_facts

FEED = "http://127.0.0.1:9/feed.rss"
VIDEO = "http://127.0.0.1:9/talk.mp4"


def entry_url(i: int) -> str:
    return f"http://127.0.0.1:9/ep{i}.mp4"


class FakeBackend:
    """What the engine would answer; records what the client asked."""

    def __init__(self, make_video: Any, caps: frozenset[str], entries: int = 8, missing: tuple[int, ...] = ()) -> None:
        self.make_video = make_video
        self.caps = caps
        self.entries = entries
        self.missing = {entry_url(i) for i in missing}
        self.in_flight = 0
        self.max_in_flight = 0
        self.fetched: list[tuple[str, Any]] = []
        self.info_calls: list[str] = []
        self.video_duration = 10.0
        self.cut_wrong = False  # the "engine" ignores the section and returns the whole video

    def info(self, url: str) -> dict[str, Any]:
        if url == FEED:
            return {
                "url": url,
                "title": "Weekly show",
                "kind": "playlist",
                "entries": [
                    {"index": i, "url": entry_url(i), "title": f"Episode {i}", "duration": 2.0}
                    for i in range(1, self.entries + 1)
                ],
            }
        return {
            "url": url,
            "title": "A talk",
            "duration": self.video_duration,
            "kind": "video",
            "default_format_id": "18",
            "formats": [{"format_id": "18", "height": 360, "fps": 25, "vcodec": "avc1", "acodec": "mp4a"}],
            "entries": [],
        }

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        async def capabilities(client: Any) -> frozenset[str]:
            return self.caps

        async def link_info(client: Any, sid: str, url: str) -> Any:
            self.info_calls.append(url)
            await asyncio.sleep(0)
            return parse_link_info(url, self.info(url))

        async def fetch_link(
            client: Any, sid: str, url: str, *, options: Any = None, on_progress: Any = None, **kw: Any
        ):
            self.fetched.append((url, options))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                for _ in range(5):  # let every other job that can start, start
                    await asyncio.sleep(0)
                if url in self.missing:
                    raise FetchFailed("The link answered HTTP Error 404: Not Found.", "Check the link.", code=4003)
                length = 2.0
                if options is not None and options.section is not None and not self.cut_wrong:
                    start, end = options.section
                    length = (end if end is not None else self.video_duration) - start
                elif url == VIDEO:
                    length = self.video_duration
                return FetchedMedia(
                    upload_id=f"upl_{len(self.fetched)}",
                    filename=url.rsplit("/", 1)[-1],
                    file_type="video",
                    duration_s=length,
                    width=320,
                    height=180,
                    size=1000,
                    vcodec="h264",
                    acodec="aac",
                    title=None,
                    offered_height=180,
                    cdn_url="",
                )
            finally:
                self.in_flight -= 1

        async def export_draft(client: Any, sid: str, draft: dict[str, Any], folder: Any, *, filename: str, **kw: Any):
            seconds = draft["d"] / 1000
            src = self.make_video(seconds=seconds, width=320, height=180)
            Path(folder).mkdir(parents=True, exist_ok=True)
            out = Path(folder) / filename
            shutil.copyfile(src, out)
            return out

        monkeypatch.setattr(downloads_mod, "capabilities", capabilities)
        monkeypatch.setattr(downloads_mod, "fetch_link", fetch_link)
        monkeypatch.setattr(downloads_mod, "export_draft", export_draft)
        monkeypatch.setattr(link_info_mod, "link_info", link_info)


LOCAL = frozenset({"fetch", "formats"})


async def _run(backend: FakeBackend, monkeypatch, folder: Path, request: DownloadRequest, **kw: Any):
    backend.install(monkeypatch)
    events: list[Any] = []
    jobs = DownloadJobs(object(), "sess", folder, on_event=events.append, **kw)
    results = await jobs.run(request)
    return jobs, results, events


async def test_a_feed_runs_two_at_a_time_and_a_404_does_not_stop_the_others(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=8, missing=(5,))
    req = download_request(f"download all videos of {FEED}", [FEED])
    assert req is not None and req.playlist == "all"
    jobs, results, events = await _run(backend, monkeypatch, tmp_path / "dl", req)
    assert backend.max_in_flight == 2  # two at once, never more; the rest waited
    assert len(backend.fetched) == 8
    assert [isinstance(r, JobDone) for r in results] == [True] * 4 + [False] + [True] * 3
    names = sorted(p.name for p in (tmp_path / "dl").iterdir())
    assert names == sorted(f"Episode {i}.mp4" for i in (1, 2, 3, 4, 6, 7, 8))
    for path in (tmp_path / "dl").iterdir():
        assert mp4_facts(path).duration_s == pytest.approx(2.0, abs=0.1)
    batch = [e for e in events if isinstance(e, BatchDone)]
    assert len(batch) == 1 and batch[0] is jobs.last_batch
    assert batch[0].line.startswith("7 of 8 saved; 1 failed: Episode 5: ")
    assert "404" in batch[0].line
    started = [e for e in events if isinstance(e, JobStarted)]
    assert [e.title for e in started] == [f"Episode {i}" for i in range(1, 9)]
    expanded = [e for e in events if isinstance(e, PlaylistExpanded)]
    assert expanded and expanded[0].line == "“Weekly show”: saving all 8 entries."


async def test_concurrency_is_a_setting(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=5)
    req = DownloadRequest([FEED], playlist="all")
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", req, concurrency=3)
    assert backend.max_in_flight == 3 and all(isinstance(r, JobDone) for r in results)
    backend = FakeBackend(make_video, LOCAL, entries=4)
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl1", req, concurrency=1)
    assert backend.max_in_flight == 1 and len(results) == 4


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("download entries 2-4 of {feed}", [2, 3, 4]),
        ("download videos 1, 3 and 8 of {feed}", [1, 3, 8]),
        ("download the first 3 videos of {feed}", [1, 2, 3]),
        ("下载 {feed} 第2、4个", [2, 4]),
    ],
)
async def test_chosen_entries_only(make_video, tmp_path, monkeypatch, text, wanted):
    backend = FakeBackend(make_video, LOCAL, entries=8)
    message = text.format(feed=FEED)
    req = download_request(message, [FEED])
    _, results, events = await _run(backend, monkeypatch, tmp_path / "dl", req)
    assert [u for u, _ in backend.fetched] == [entry_url(i) for i in wanted]
    assert sorted(p.name for p in (tmp_path / "dl").iterdir()) == sorted(f"Episode {i}.mp4" for i in wanted)


async def test_entries_past_the_end_are_said(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=3)
    _, results, events = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([FEED], playlist="2-5"))
    assert [u for u, _ in backend.fetched] == [entry_url(2), entry_url(3)]
    expanded = next(e for e in events if isinstance(e, PlaylistExpanded))
    assert "has 3 entries" in expanded.line and "4, 5 do not exist" in expanded.line


async def test_the_app_is_asked_which_entries(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=4)
    backend.install(monkeypatch)
    asked: list[PlaylistFound] = []

    def on_event(event: Any) -> None:
        if isinstance(event, PlaylistFound):
            asked.append(event)
            assert [e.title for e in event.info.entries] == [f"Episode {i}" for i in range(1, 5)]
            event.choose("1,4")

    jobs = DownloadJobs(object(), "sess", tmp_path / "dl", on_event=on_event, ask_playlist=True)
    results = await jobs.run(DownloadRequest([FEED]))
    assert len(asked) == 1 and asked[0].url == FEED
    assert [u for u, _ in backend.fetched] == [entry_url(1), entry_url(4)]
    assert all(isinstance(r, JobDone) for r in results)


async def test_a_skipped_playlist_saves_nothing(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=4)
    backend.install(monkeypatch)
    jobs = DownloadJobs(
        object(),
        "sess",
        tmp_path / "dl",
        on_event=lambda e: isinstance(e, PlaylistFound) and e.skip(),
        ask_playlist=True,
    )
    results = await jobs.run(DownloadRequest([FEED]))
    assert backend.fetched == [] and len(results) == 1 and isinstance(results[0], JobFailed)
    assert "No entries were chosen" in results[0].message
    assert not (tmp_path / "dl").exists()


async def test_without_a_picker_every_entry_is_saved_with_a_note(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=3)
    _, results, events = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([FEED]))
    assert len(backend.fetched) == 3 and all(isinstance(r, JobDone) for r in results)
    expanded = next(e for e in events if isinstance(e, PlaylistExpanded))
    assert "--playlist" in expanded.note


async def test_a_plain_link_is_not_read_first(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL)
    _, results, events = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO]))
    assert backend.info_calls == [] and isinstance(results[0], JobDone)
    assert not any(isinstance(e, BatchDone) for e in events)  # one job: its own line says it all


async def test_a_section_is_named_and_measured(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL)
    req = download_request(f"download 0:02 to 0:05 of {VIDEO}", [VIDEO])
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", req)
    done = results[0]
    assert isinstance(done, JobDone), done
    assert backend.fetched[0][1].section == (2.0, 5.0)
    assert done.path.name == "A talk (0m02s-0m05s).mp4"
    assert done.section == (2.0, 5.0) and "(section 0:02–0:05)" in done.line
    assert mp4_facts(done.path).duration_s == pytest.approx(3.0, abs=0.1)


async def test_the_last_seconds_are_resolved_from_the_length(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL)
    req = download_request(f"save the last 3 seconds of {VIDEO}", [VIDEO])
    assert req is not None and req.section == (-3.0, None)
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", req)
    done = results[0]
    assert isinstance(done, JobDone), done
    assert backend.fetched[0][1].section == (7.0, None)  # never a negative start on the wire
    assert done.path.name == "A talk (0m07s-end).mp4"
    assert mp4_facts(done.path).duration_s == pytest.approx(3.0, abs=0.1)


async def test_the_last_seconds_of_an_unknown_length_fail_clearly(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, frozenset({"fetch"}))  # no formats endpoint: no length
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO], section=(-3.0, None)))
    failed = results[0]
    assert isinstance(failed, JobFailed) and "needs the video's length" in failed.message
    assert backend.fetched == []


async def test_a_wrong_part_is_never_saved_as_done(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL)
    backend.cut_wrong = True  # the whole 10 s video comes back for a 3 s section
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO], section=(2.0, 5.0)))
    failed = results[0]
    assert isinstance(failed, JobFailed), failed
    assert "10.0" in failed.message and "not kept" in failed.message
    assert list((tmp_path / "dl").iterdir()) == []  # nothing under any name


async def test_a_section_past_the_end_is_cut_at_the_end(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL)
    backend.video_duration = 4.0
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO], section=(0.0, 30.0)))
    # the fake engine returns 30 s asked of a 4 s video as 30 s; a real one stops at 4 s:
    # what counts is that the check expects min(end, length) - start
    failed = results[0]
    assert isinstance(failed, JobFailed) and "is 4.00 s" in failed.message
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO], section=(8.0, 9.0)))
    assert isinstance(results[0], JobFailed) and "past its end" in results[0].message


async def test_the_cloud_says_what_needs_the_local_engine(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, frozenset())
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO], audio="mp3"))
    failed = results[0]
    assert isinstance(failed, JobFailed) and "Saving the audio only needs the local engine" in failed.message
    assert "nemo-tui --local" in failed.next_step


def test_summary_lines_say_what_is_saved():
    assert summary(download_request(f"download 1:00 to 2:30 of {VIDEO}", [VIDEO])).startswith(
        "Saving 1:00–2:30 of the video as MP4"
    )
    two = ["https://a.example/x", "https://b.example/y"]
    assert summary(DownloadRequest(two, audio="mp3")).startswith("Saving the audio of 2 videos as MP3")
    assert "with English subtitles," in summary(DownloadRequest([VIDEO], subs="en"))
    assert "with Spanish subtitles burned in" in summary(DownloadRequest([VIDEO], subs="es", burn_subs=True))
    assert summary(DownloadRequest([FEED], playlist="1-5")).startswith("Saving entries 1-5 of the playlist as MP4")


async def test_entries_without_a_formats_endpoint(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, frozenset({"fetch"}))
    # a feed: its entries cannot be listed, so a choice of them cannot be honoured: said plainly
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([FEED], playlist="1-5"))
    assert isinstance(results[0], JobFailed) and "cannot list a playlist's entries" in results[0].message
    assert backend.fetched == []
    # "the second video" of a plain link: nothing to choose from, the link is saved
    _, results, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([VIDEO], playlist="2"))
    assert isinstance(results[0], JobDone) and [u for u, _ in backend.fetched] == [VIDEO]


async def test_a_second_request_on_the_same_jobs_reports_only_its_own(make_video, tmp_path, monkeypatch):
    backend = FakeBackend(make_video, LOCAL, entries=2)
    jobs, first, _ = await _run(backend, monkeypatch, tmp_path / "dl", DownloadRequest([FEED], playlist="all"))
    second = await jobs.run(DownloadRequest([VIDEO]))
    assert len(first) == 2 and len(second) == 1 and second[0].url == VIDEO
