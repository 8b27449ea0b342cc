"""``nemo-tui export [--session ID] [-o FILE]``: the project rendered to an MP4 (issue 17).

The render is ``tui.core.export.export_draft`` (the app's export: pre-check, submit, poll,
one retry, download into a ``.part`` renamed only when whole), with the local store so the
render id is recorded (the app picks it up if this command is interrupted) and an unchanged
project already exported is not rendered again; with ``-o FILE`` the render is always made
for that file. Progress goes to stderr, the path to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.commands.backend import EXIT_OK, EXIT_USAGE, Backend, CommandError, output_folder, say

if TYPE_CHECKING:
    from tui.api.models import RenderJob
    from tui.config import Settings


def target(value: Path | None, settings: Settings) -> tuple[Path, str | None]:
    """(folder, file name or None for the app's name) for ``-o``. CommandError (usage): an
    existing file, a name that is not ``.mp4``, a folder that cannot be made."""
    from tui.api.download import safe_filename

    if value is None:
        folder, name = Path(settings.download_dir).expanduser(), None
    else:
        path = Path(value).expanduser()
        if path.is_dir() or str(value).endswith(("/", "\\")):
            folder, name = path, None
        else:
            if path.suffix.lower() != ".mp4":
                raise CommandError(f"-o {value}: name an .mp4 file or a folder", EXIT_USAGE)
            if path.exists() or path.is_symlink():
                raise CommandError(
                    f"-o {value}: this file exists; it is never replaced (choose another name)", EXIT_USAGE
                )
            if safe_filename(path.name, "") != path.name:
                raise CommandError(f"-o {value}: this file name cannot be used on every system", EXIT_USAGE)
            folder, name = path.parent, path.name
    return output_folder(folder, settings), name


def facts_json(path: Path) -> dict[str, Any]:
    from tui.core.mp4_facts import mp4_facts

    f = mp4_facts(path)
    return {
        "path": str(path.resolve()),
        "width": f.width,
        "height": f.height,
        "vcodec": f.vcodec,
        "acodec": f.acodec,
        "duration_s": f.duration_s,
        "bytes": f.size_bytes,
    }


async def export(backend: Backend, args: argparse.Namespace, folder: Path, name: str | None) -> int:
    from tui.core.export import export_draft
    from tui.core.files import draft_title, export_filename, human_bytes

    session_id = await backend.session(args.session, create=False)
    draft = (await backend.client.state(session_id)).draft
    if not draft.ready_to_export:
        raise CommandError(f"Nothing to export yet: the timeline of session {session_id} is empty.")
    title = draft_title(draft)
    last_at, last_word = [0.0], [""]

    def throttled(text: str, force: bool = False) -> None:
        """At most a line a second, and each change of step."""
        now, word = time.monotonic(), text.split(" ")[0]
        if force or word != last_word[0] or now - last_at[0] >= 1.0:
            last_at[0], last_word[0] = now, word
            say(text)

    def on_status(job: RenderJob) -> None:
        throttled(f"rendering {job.status} {job.progress or 0:.0f}%", force=job.status != "processing")

    def on_download(received: int, total: int | None) -> None:
        whole = f"/{human_bytes(total)}" if total else ""
        throttled(f"downloading {human_bytes(received)}{whole}", force=bool(total and received >= total))

    def on_reuse(path: Path) -> None:
        say(f"The project has not changed since it was exported to {path}: not rendered again.")

    def name_for(job: RenderJob) -> str:
        return name or export_filename(title, job.id, "mp4")

    say(f"Exporting session {session_id}: {draft.summary()}")
    path = await export_draft(
        backend.client,
        session_id,
        draft,
        folder,
        on_status=on_status,
        on_download=on_download,
        poll_interval=1.0 if backend.local else 5.0,
        # -o FILE: that file, rendered now (a reused earlier export would be another file)
        store=backend.open_store() if name is None else None,
        filename=name_for,
        on_reuse=on_reuse,
    )
    if args.json:
        sys.stdout.write(json.dumps(facts_json(Path(path)), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(f"{Path(path).resolve()}\n")
    sys.stdout.flush()
    return EXIT_OK


__all__ = ["export", "facts_json", "target"]
