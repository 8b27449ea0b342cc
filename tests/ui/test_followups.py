"""Issue 15 "Messages people read" and the engine's optional notes, as the user sees them
(the scripted fake backend): the picker's Tab, a good and a bad file marked together, ctrl+y on
the local engine, the "Resumed" note once, the resume question's "last used", plural
"in the timeline", the link failure without a prefix, timeline labels without ids, the local
allowance, and the upload answer's per-file notes."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.ui.pilot_helpers import screen_text, wait_until
from tests.ui.ui_fakes import SESSION_ID, VIDEO_ONLY, FakeBackend, ok
from tui.api.errors import LOCAL_ALLOWANCE_STEP, OutOfCredits


def notes(app) -> list[str]:
    return [text for role, text in app.chat.transcript() if role not in ("user", "agent")]


async def start(app) -> None:
    await wait_until(lambda: app.session is not None and any(n.startswith(("Ready:", "Resumed:")) for n in notes(app)))


async def send(pilot, text: str) -> None:
    box = pilot.app.query_one("#chat-input")
    box.focus()
    box.value = text
    await pilot.press("enter")


def media(folder: Path, name: str, content: bytes = b"\x00" * 2000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


async def test_tab_from_the_file_list_goes_to_the_path_box_and_keeps_the_typed_path(make_app, tmp_path):
    from textual.widgets import Input

    from tui.core.files import remember_folder

    folder = tmp_path / "clips"
    media(folder, "a.mp4")
    app = make_app()
    remember_folder(app.settings.data_dir, folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app)
        await pilot.press("ctrl+u")
        await wait_until(lambda: "a.mp4" in screen_text(app))
        box = app.screen.query_one("#picker-path", Input)
        box.value = "~/typed/path.mp4"
        app.screen.query_one("#picker-tree").focus()
        await pilot.pause()
        await pilot.press("tab")
        await wait_until(lambda: app.focused is box)
        assert box.value == "~/typed/path.mp4"


async def test_a_good_and_a_bad_file_marked_together_upload_the_good_one_and_name_the_bad(
    make_app, backend: FakeBackend, tmp_path
):
    from tui.core.files import remember_folder

    folder = tmp_path / "clips"
    media(folder, "good.mp4")
    media(folder, "notes.mp4", b"just some text, not a video\n" * 10)
    backend.fail_once("/api/upload-video/", 400, {"code": 4001, "message": "notes.mp4: not a media file"})
    app = make_app()
    remember_folder(app.settings.data_dir, folder)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app)
        await pilot.press("ctrl+u")
        await wait_until(lambda: "good.mp4" in screen_text(app))
        await pilot.press("down", "space", "space")  # marks good.mp4, then notes.mp4
        await wait_until(lambda: "Marked 2 files" in screen_text(app))
        await pilot.press("ctrl+g")
        await wait_until(lambda: any(n.startswith("✅ Added") for n in notes(app)))
        said = "\n".join(notes(app))
        assert "notes.mp4 was not uploaded: its content is not a video" in said
        assert backend.count("/api/upload-video/") == 2  # refused together, then the good one alone
        warning = next(n for n in notes(app) if "was not uploaded" in n)
        assert "good.mp4" not in warning
        assert any(r.startswith("✗ notes.mp4 · not a video") for r in app.jobs.texts())


async def test_ctrl_y_on_the_local_engine_never_copies_a_cloud_claim_link(make_app, backend: FakeBackend):
    app = make_app(backend="local")
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app)
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "claim?token=" not in app.clipboard
        assert app.clipboard == ""  # an empty timeline: nothing was copied (the notification says so)
        backend.set_draft(VIDEO_ONLY)
        await pilot.press("ctrl+r")
        await wait_until(lambda: "city.mp4" in app.timeline.summary_text)
        await pilot.press("ctrl+y")
        await wait_until(lambda: app.clipboard == app.timeline.summary_text)


async def test_the_resumed_note_shows_once_after_several_resumes(make_app):
    from tui.config import load_settings

    settings = load_settings()
    first = make_app(settings=settings)
    async with first.run_test(size=(120, 40)) as pilot:
        await start(first)
        await send(pilot, "hello there")
        await wait_until(lambda: not first.run_active and any(r == "agent" for r, _ in first.chat.transcript()))
    for _ in range(2):
        again = make_app(settings=settings, resume=True)
        async with again.run_test(size=(120, 40)):
            await start(again)
            await wait_until(lambda app=again: any(n.startswith("Earlier in this session") for n in notes(app)))
            shown = notes(again)
            assert sum(n.startswith("Resumed:") for n in shown) == 1, shown
            assert not any(n.startswith("Ready:") for n in shown), shown


async def test_the_resume_question_says_the_last_activity_not_the_start(make_app):
    from tui.config import load_settings
    from tui.core.store import LocalStore

    settings = load_settings()
    started = time.mktime((2026, 3, 2, 9, 5, 0, 0, 0, -1))
    last = time.mktime((2026, 3, 4, 17, 42, 0, 0, 0, -1))
    store = LocalStore(settings.data_dir)
    store.save_session(settings.api_url, SESSION_ID, task_id="task_ab12cd", now=started)
    store.add_line(SESSION_ID, "user", "trim it", at=last)
    store.close()
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)):
        await wait_until(lambda: "Resume your last session?" in screen_text(app))
        text = screen_text(app)
        assert "last used 04 Mar 17:42" in text
        assert "02 Mar 09:05" not in text


def test_two_files_are_in_the_timeline_and_each_files_notes_are_shown():
    from tui.api.models import UploadResult
    from tui.ui.connection import uploaded_words

    one = UploadResult.parse(
        {
            "files": [
                {
                    "filename": "a.mp4",
                    "duration": 2,
                    "notes": ["The sound was offered separately: it was fetched and added."],
                }
            ]
        }
    )
    words = uploaded_words(one)
    assert words.splitlines() == [
        "✅ Added a.mp4 (2.0s). It is in the timeline now.",
        "  · The sound was offered separately: it was fetched and added.",
    ]
    two = UploadResult.parse({"files": [{"filename": "a.mp4"}, {"filename": "b.mp4", "notes": "kept as is"}]})
    assert uploaded_words(two).splitlines() == [
        "✅ Added a.mp4, b.mp4. They are in the timeline now.",
        "  · b.mp4: kept as is",
    ]
    assert UploadResult.parse({"files": [{"filename": "c.mp4", "notes": [3, None, ""]}]}).files[0].notes == []


async def test_the_upload_answers_notes_show_under_the_added_line(make_app, backend: FakeBackend, tmp_path):
    clip = media(tmp_path, "clip.mp4")
    original = backend.handle

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/api/upload-video/"):
            backend.requests.append(request)
            backend.set_draft(VIDEO_ONLY)
            return ok(
                {
                    "files": [
                        {
                            "filename": "clip.mp4",
                            "file_type": "video",
                            "duration": 2.0,
                            "notes": ["The sound was offered separately: it was fetched and added."],
                        }
                    ]
                }
            )
        return await original(request)

    backend.handle = handle  # type: ignore[method-assign]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app)
        await send(pilot, f"'{clip}'")
        await wait_until(lambda: any(n.startswith("✅ Added clip.mp4") for n in notes(app)))
        added = next(n for n in notes(app) if n.startswith("✅ Added clip.mp4"))
        assert added.endswith("\n  · The sound was offered separately: it was fetched and added.")
        assert "The sound was offered separately" in screen_text(app)


async def test_a_link_failure_is_one_sentence_without_a_prefix(make_app, backend: FakeBackend):
    backend.fail_once(
        "/api/upload-video/",
        200,
        {
            "code": 4003,
            "message": "Could not fetch https://example.com/x: "
            "Nothing was found at this link (HTTP 404). Check the URL.",
        },
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app)
        await send(pilot, "trim https://example.com/x to 5 seconds")
        await wait_until(lambda: any("could not be added" in n for n in notes(app)))
        failure = next(n for n in notes(app) if "could not be added" in n)
        assert failure.startswith(("The link could not be added", "That link could not be added")), failure
        assert "While adding the link" not in "\n".join(notes(app))
        assert backend.count("/run_sse") == 0


def test_timeline_labels_use_the_title_and_the_clip_name_never_an_id():
    from tui.api.draft import Segment
    from tui.ui.widgets.timeline import segment_label

    untitled = Segment.parse({"id": "seg_a44b7d68", "s": 0, "d": 3000, "mystery": {"deep": 1}})
    assert segment_label(untitled, text_track=True).startswith("a title  ")
    titled = Segment.parse({"id": "seg_a44b7d68", "text": "Urban Dreams", "s": 0, "d": 3000})
    assert segment_label(titled, text_track=True).startswith('"Urban Dreams"  ')
    clip = Segment.parse({"id": "seg_77", "name": "city.mp4", "s": 0, "d": 10000, "vol": 35})
    assert segment_label(clip).startswith("city.mp4  ") and segment_label(clip).endswith("vol 35%")
    nameless = Segment.parse({"id": "seg_77", "s": 0, "d": 10000})
    assert "seg_77" not in segment_label(nameless)


async def test_the_local_allowance_never_shows_a_registration_link(make_app):
    from tui.ui import messages as m

    app = make_app(backend="local")
    async with app.run_test(size=(120, 40)):
        await start(app)
        error = OutOfCredits("This machine's credits for today are used up.", LOCAL_ALLOWANCE_STEP, code=2001)
        app.chat.post_message(m.ApiFailure(error, "editing"))
        await wait_until(lambda: any("renew tomorrow" in n for n in notes(app)))
        await wait_until(lambda: "renews tomorrow" in app.main.credits_view.text)
        text = screen_text(app) + "\n".join(notes(app)) + app.main.credits_view.text
        assert "bind=" not in text and "Register" not in text
        assert "Credits (local)" in screen_text(app)
