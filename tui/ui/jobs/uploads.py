"""Upload workers of the jobs panel: local files with per-file progress (about 10 updates a
second per row), and links fetched by the server. Run with ``panel.run_worker(...)`` in the
group "upload" (not exclusive: a batch of uploads can run beside another)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tui.ui import messages as m
from tui.ui.connection import fetch_state, uploaded_words

if TYPE_CHECKING:
    from tui.ui.jobs.host import JobsHost

THROTTLE_S = 0.1  # progress repaints at most ~10 times a second per row


async def upload_files(panel: JobsHost, paths: list[Path]) -> None:
    from tui.api.errors import ApiError
    from tui.core.files import RateMeter, human_bytes, transfer_line

    conn = panel.conn
    client, session_id = conn.client, conn.session_id
    if client is None or session_id is None:
        return
    seq = panel.next_upload_seq()
    keys = {Path(p): f"up{seq}:{i}" for i, p in enumerate(paths)}
    meters = {Path(p): RateMeter() for p in paths}
    shown: dict[Path, float] = {}
    for path, key in keys.items():
        panel.row(key, f"⬆ {path.name} · waiting", 0.0)
    names = ", ".join(Path(p).name for p in paths)
    panel.post_message(m.ChatNote(f"Uploading {names}…"))

    def progress(path: Path, sent: int, total: int) -> None:
        path = Path(path)
        meter = meters.get(path)
        if meter is None:
            return
        meter.add(sent)
        now = time.monotonic()
        if now - shown.get(path, 0.0) < THROTTLE_S and sent < total:
            return
        shown[path] = now
        fraction = sent / total if total else None
        words = "sent, being checked…" if total and sent >= total else transfer_line(sent, total, meter)
        panel.row(keys[path], f"⬆ {path.name} · {words}", fraction)

    def failed(words: str) -> None:
        for path, key in keys.items():
            panel.row(key, f"✗ {path.name} · {words}", False, "failed")
            panel.drop_later(key)

    from tui.api.errors import NotMedia

    try:
        result = await client.upload_files(session_id, paths, progress=progress)
    except NotMedia as error:
        bad = [p for p in paths if error.filename and Path(p).name == error.filename]
        good = [p for p in paths if p not in bad]
        if not bad or not good:
            failed("not uploaded")
            panel.post_message(m.ApiFailure(error, ""))
            return
        # One of several files is not media: name it, and send the others again without it.
        for path in bad:
            panel.row(keys[Path(path)], f"✗ {Path(path).name} · not a video, picture or sound", False, "failed")
            panel.drop_later(keys[Path(path)])
        for path in good:
            panel.row(keys[Path(path)], "", False, "gone")  # the retry shows its own row
        panel.post_message(
            m.ChatNote(
                f"{error.filename} was not uploaded: its content is not a video, a picture or a sound. "
                f"Uploading the other file{'s' if len(good) > 1 else ''} without it…",
                "warning",
            )
        )
        await upload_files(panel, good)
        return
    except asyncio.CancelledError:
        failed("upload cancelled")
        panel.post_message(m.ChatNote("Upload cancelled: nothing was added.", "warning"))
        raise
    except ApiError as error:
        failed("not uploaded")
        panel.post_message(m.ApiFailure(error, "uploading"))
        return
    except OSError as error:  # the file vanished or became unreadable while streaming
        failed("not uploaded")
        panel.post_message(
            m.ChatNote(
                f"Could not read a file while uploading ({error.strerror or error}). Nothing was added.", "error"
            )
        )
        return
    for path, key in keys.items():
        try:
            size = human_bytes(path.stat().st_size)
        except OSError:
            size = "sent"
        panel.row(key, f"✅ {path.name} · {size} uploaded", False, "done")
        panel.drop_later(key)
    panel.post_message(m.ChatNote(uploaded_words(result), "success"))
    await fetch_state(panel, conn)


async def upload_urls(panel: JobsHost, urls: list[str]) -> None:
    from tui.api.errors import ApiError

    conn = panel.conn
    client, session_id = conn.client, conn.session_id
    if client is None or session_id is None:
        return
    key = f"up{panel.next_upload_seq()}:url"
    shown = ", ".join(urls)
    panel.row(key, f"⬇ fetching {shown} on the server…", None)
    panel.post_message(m.ChatNote(f"Adding {shown} to the session…"))
    try:
        result = await client.upload_urls(session_id, urls)
    except asyncio.CancelledError:
        panel.row(key, f"✗ {shown} · cancelled", False, "failed")
        panel.drop_later(key)
        panel.post_message(
            m.ChatNote("Adding the link was cancelled here (the server may still finish it).", "warning")
        )
        raise
    except ApiError as error:
        panel.row(key, f"✗ {shown} · not added", False, "failed")
        panel.drop_later(key)
        panel.post_message(m.ApiFailure(error, "adding the link"))
        return
    panel.row(key, f"✅ {shown} · added", False, "done")
    panel.drop_later(key)
    panel.post_message(m.ChatNote(uploaded_words(result), "success"))
    await fetch_state(panel, conn)
