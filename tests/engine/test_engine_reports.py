"""What the media layer noted reaches the client (local-only extension fields): the render
status of a finished render carries ``summary`` and ``notes``, and the URL upload's file
object carries the ingest's ``notes``. Controls: a media layer that notes nothing adds no
field, so an old client sees exactly the documented shapes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.engine.engine_helpers import Api, FakeMedia, fake_file, texts


@dataclass
class _Rendered:
    path: Path
    summary: str = "H.264/AAC MP4 · 1280x720 · 0:06 · 3.4 MB"
    notes: tuple[str, ...] = ("smart render: 2 s of 6 re-encoded",)


@dataclass
class _Fetched:
    path: Path
    notes: tuple[str, ...]


class NotingMedia(FakeMedia):
    """FakeMedia whose render reports its output and whose fetch reports what it changed."""

    def __init__(self, notes: tuple[str, ...]) -> None:
        super().__init__()
        self.notes = notes

    def render_draft(self, draft, sources, out_path: Path, *, progress=None, cancel=None):
        super().render_draft(draft, sources, out_path, progress=progress, cancel=cancel)
        return _Rendered(out_path, notes=self.notes) if self.notes else {"path": out_path}

    def fetch_media(self, url: str, dest_dir: Path, **kwargs: Any) -> _Fetched:
        return _Fetched(self.ingest_url(url, dest_dir, **kwargs), self.notes)


@pytest.mark.parametrize("notes", [("The sound was offered separately: it was fetched and added.",), ()])
def test_notes_reach_the_render_status_and_the_upload_answer(start_engine, tmp_path, notes) -> None:
    engine = start_engine(media=NotingMedia(notes))
    api = Api(engine.base_url).login()
    try:
        sid = api.session()
        answer = api.http.post(
            f"/api/upload-video/nemo_agent/me/{sid}", json={"urls": ["http://127.0.0.1:9/clip"]}, headers=api.auth
        ).json()
        file = answer["data"]["files"][0]
        api.upload(sid, fake_file(tmp_path, "city.mp4", duration_s=6, width=1280, height=720))
        done = api.wait_render(api.render(sid, api.draft(sid), "render_report").json()["data"]["id"])
    finally:
        api.close()
    assert done["status"] == "completed"
    if notes:
        assert file["notes"] == list(notes)
        assert done["summary"] == "H.264/AAC MP4 · 1280x720 · 0:06 · 3.4 MB" and done["notes"] == list(notes)
    else:  # control: nothing noted, the documented shapes only
        assert "notes" not in file and "summary" not in done and "notes" not in done


def test_a_title_with_characters_no_font_draws_is_reported_in_the_chat(api, tmp_path) -> None:
    """ "add the title ..." with a character no font has (U+0378, unassigned): the reply says so
    and that the rest of the title is there; a plain title (control) gets no such sentence."""
    sid = api.session()
    api.upload(sid, fake_file(tmp_path, "city.mp4", duration_s=6, width=1280, height=720))
    plain = " ".join(texts(api.run(sid, 'add the title "Grand opening"')))
    odd = " ".join(texts(api.run(sid, 'change the title to "Grand \u0378 opening"')))
    assert "cannot be drawn" not in plain
    assert "cannot be drawn in the video" in odd and "the rest of the title is there" in odd
