"""Upload as a user does it: the file picker (ctrl+u) and the URL box (ctrl+l) against the
real engine, the picker's memory of the last folder, and refusals that send nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.workflows.wf_helpers import connected, jobs_rows, notes, serve_folder
from tui.core.files import last_folder


async def test_picker_marks_and_uploads_a_clip_to_the_engine(engine_app, make_video, make_audio, tmp_path):
    from tui.ui.screens.upload import FilePickerScreen

    videos = Path.home() / "Videos"
    videos.mkdir(parents=True)
    shutil.copy(make_video(seconds=2), videos / "city.mp4")
    shutil.copy(make_audio(seconds=2), videos / "beat.mp3")
    (videos / "notes.txt").write_text("not media")
    app = engine_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+u")
        await wait_until(lambda: isinstance(app.screen, FilePickerScreen))
        # type the folder in the path box: the tree moves there and lists only media
        box = app.screen.query_one("#picker-path")
        box.value = "~/Videos"
        box.focus()
        await pilot.press("enter")
        await wait_until(lambda: "city.mp4" in screen_text(app) and "beat.mp3" in screen_text(app))
        assert "notes.txt" not in screen_text(app)
        # mark both with space (the cursor moves down after each mark), enter uploads them
        await pilot.press("down", "space", "space")
        await wait_until(lambda: "Marked 2 files" in screen_text(app))
        await pilot.press("enter")
        await wait_until(lambda: not isinstance(app.screen, FilePickerScreen))
        await wait_until(
            lambda: "city.mp4" in app.timeline.summary_text and "beat.mp3" in app.timeline.summary_text, timeout=30
        )
        await wait_until(lambda: any(r.startswith("✅ city.mp4") and "uploaded" in r for r in jobs_rows(app)))
        assert any(n.startswith("✅ Added") and "city.mp4 (2.0s, 640×360)" in n for n in notes(app))
        # the picker opens where the user was last time
        await pilot.press("ctrl+u")
        await wait_until(lambda: isinstance(app.screen, FilePickerScreen))
        assert app.screen.query_one("#picker-path").value == "~/Videos/"
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, FilePickerScreen))
    # ... and across runs: it is kept in the data dir
    assert last_folder(app.settings.data_dir) == videos.resolve()


async def test_url_box_adds_a_served_clip_to_the_engine(engine_app, make_video, tmp_path):
    from tui.ui.screens.modals import UrlPromptScreen

    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(make_video(seconds=2), site / "harbour.mp4")
    with serve_folder(site) as base:
        app = engine_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await connected(app)
            await pilot.press("ctrl+l")
            await wait_until(lambda: isinstance(app.screen, UrlPromptScreen))
            app.screen.query_one("#prompt-input").value = f"{base}/harbour.mp4"
            await pilot.press("enter")
            await wait_until(lambda: any(r.startswith("⬇ fetching") for r in jobs_rows(app)) or app.draft is not None)
            await wait_until(lambda: any(n.startswith("✅ Added") for n in notes(app)), timeout=40)
            await wait_until(lambda: "Video:" in app.timeline.summary_text)
            await wait_until(lambda: any(r.startswith("✅") and "added" in r for r in jobs_rows(app)))


async def test_refused_files_send_nothing(fake_app, fake, tmp_path):
    """A .txt, a 501 MB (sparse) video, a folder and a missing file: plain words, no request."""
    from tui.ui.screens.upload import FilePickerScreen

    text = tmp_path / "notes.txt"
    text.write_text("hello")
    big = tmp_path / "huge.mp4"
    with open(big, "wb") as fh:
        fh.truncate(501 * 1024 * 1024)
    folder = tmp_path / "clips.mp4"
    folder.mkdir()
    app = fake_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await connected(app)
        await pilot.press("ctrl+u")
        await wait_until(lambda: isinstance(app.screen, FilePickerScreen))
        box = app.screen.query_one("#picker-path")
        box.focus()
        for value, words in (
            (str(text), "'notes.txt' is not a supported file type (.txt)"),
            (str(big), "'huge.mp4' is 501 MB, over the 500 MB upload limit"),
            (str(tmp_path / "gone.mp4"), "'gone.mp4' does not exist"),
        ):
            box.value = value
            await pilot.press("enter")
            await wait_until(lambda: words in screen_text(app))
        await pilot.press("escape")
        await wait_until(lambda: not isinstance(app.screen, FilePickerScreen))
        # typed in the chat: the same checks, a note, nothing sent
        app.query_one("#chat-input").value = f'upload "{big}"'
        await pilot.press("enter")
        await wait_until(
            lambda: any("over the 500 MB upload limit" in n and "Nothing was uploaded" in n for n in notes(app))
        )
        app.query_one("#chat-input").value = f"upload {folder}"
        await pilot.press("enter")
        await wait_until(lambda: any("is a folder, not a file" in n for n in notes(app)))
        assert fake.uploads == [] and fake.count("/api/upload-video") == 0
    assert os.path.getsize(big) == 501 * 1024 * 1024  # untouched


async def test_escape_cancels_a_running_upload(fake_app, fake, tmp_path):
    import asyncio

    gate = asyncio.Event()
    original = fake.handle

    async def slow(request):
        if request.url.path.startswith("/api/upload-video/"):
            await gate.wait()
        return await original(request)

    fake.handle = slow
    clip = tmp_path / "slow.mp4"
    clip.write_bytes(b"\x00" * 4096)
    app = fake_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await connected(app)
            app.query_one("#chat-input").value = f"upload {clip}"
            await pilot.press("enter")
            await wait_until(lambda: any(r.startswith("⬆ slow.mp4") for r in jobs_rows(app)))
            await pilot.press("escape")
            await wait_until(lambda: any("Upload cancelled: nothing was added." in n for n in notes(app)))
            await wait_until(lambda: any(r == "✗ slow.mp4 · upload cancelled" for r in jobs_rows(app)))
            assert "video.mp4" not in app.timeline.summary_text
    finally:
        gate.set()


def test_upload_with_bare_file_names_routes_to_an_upload():
    """ "upload clip.mp4" from the folder the app was started in is an upload, not a request."""
    from tui.core.router import route

    assert route("upload long.mp4").paths == ["long.mp4"]
    assert route('upload "my song.mp3" b.mov').paths == ["my song.mp3", "b.mov"]
    assert route("上传 a.mp4").paths == ["a.mp4"]
    assert route("upload notes.txt").action == "upload"  # then refused in plain words
    assert route("upload a video of my cat.mp4").action == "agent"
