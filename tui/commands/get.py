"""``nemo-tui get LINK...``: the app's download jobs, without the screen (issue 17).

The flags become one ``tui.core.download_intent.DownloadRequest`` (``request_from``) and the
jobs are run by ``tui.core.downloads.DownloadJobs``, exactly as a "download <link>" message in
the app: the same fetch, render, naming and cleanup. This module only reports (stderr:
``tui.commands.progress``; stdout with --json: ``done_json`` / ``failed_json``, one object per
line as each file ends) and picks the exit status: 0 all saved, 1 some failed, 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.commands.backend import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Backend, CommandError, output_folder, say

if TYPE_CHECKING:
    from tui.config import Settings
    from tui.core.download_events import JobDone, JobFailed
    from tui.core.download_intent import DownloadRequest


def links(values: list[str]) -> list[str]:
    """Each value as one link (a scheme is added as the app does: ``example.com/a.mp4`` →
    ``https://…``). Raises CommandError (usage) for a value that is not a link."""
    from tui.core.router import extract_urls

    out: list[str] = []
    for value in values:
        found = extract_urls(value)
        if len(found) != 1 or any(ch.isspace() for ch in value.strip()):
            raise CommandError(f"not a link: {value!r}", EXIT_USAGE)
        if found[0] not in out:
            out.append(found[0])
    return out


def request_from(args: argparse.Namespace) -> DownloadRequest:
    """The download request the flags ask for (checked: CommandError with status 2)."""
    from tui.core.download_intent import DownloadRequest

    if args.burn_subs and not args.subs:
        raise CommandError("--burn-subs needs --subs LANG (which subtitles to draw)", EXIT_USAGE)
    if args.audio and (args.subs or args.burn_subs):
        raise CommandError("--audio saves the sound only: it cannot carry --subs or --burn-subs", EXIT_USAGE)
    return DownloadRequest(
        urls=links(args.links),
        max_height=args.height,
        format_id=args.format_id,
        section=args.section,
        audio=args.audio,
        subs=args.subs,
        burn_subs=bool(args.burn_subs),
        playlist=args.playlist,
    )


def _section(request: DownloadRequest) -> dict[str, float | None] | None:
    if request.section is None:
        return None
    start, end = request.section
    return {"start_s": start, "end_s": end}


def done_json(done: JobDone, request: DownloadRequest) -> dict[str, Any]:
    """One saved file: what is on disk (read from the file's own boxes), where it came from."""
    f = done.facts.file
    return {
        "path": str(Path(done.path).resolve()),
        "title": done.title or Path(done.path).stem,
        "width": f.width,
        "height": f.height,
        "vcodec": f.vcodec,
        "acodec": f.acodec,
        "duration_s": f.duration_s,
        "bytes": f.size_bytes,
        "source_url": done.url,
        "section": _section(request),
    }


def failed_json(failed: JobFailed) -> dict[str, Any]:
    return {
        "source_url": failed.url,
        "error": failed.message,
        "next_step": failed.next_step,
        "cancelled": failed.cancelled,
    }


def _line(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def prepare(args: argparse.Namespace, settings: Settings) -> tuple[DownloadRequest, Path]:
    """Everything checked before connecting: the request and the folder (usage errors)."""
    return request_from(args), output_folder(args.output, settings)


async def get(backend: Backend, args: argparse.Namespace, request: DownloadRequest, folder: Path) -> int:
    """Run the request's download jobs in a fresh session; the exit status."""
    from tui.core.downloads import DownloadJobs, JobDone, JobFailed

    from .progress import reporter

    session_id = await backend.fresh_session()
    show = reporter(len(request.urls))
    seen: set[str] = set()

    def on_event(event: Any) -> None:
        show(event)
        if args.json and isinstance(event, (JobDone, JobFailed)) and event.job_id not in seen:
            seen.add(event.job_id)
            _line(done_json(event, request) if isinstance(event, JobDone) else failed_json(event))

    jobs = DownloadJobs(backend.client, session_id, folder, on_event=on_event)
    try:
        results = await jobs.run(request)
    finally:
        show.close()
    saved = [r for r in results if isinstance(r, JobDone)]
    failed = [r for r in results if not isinstance(r, JobDone)]
    if args.json:  # outcomes the events did not carry (a job that never emitted one)
        for r in results:
            if r.job_id not in seen and r.job_id:
                _line(done_json(r, request) if isinstance(r, JobDone) else failed_json(r))
    if failed:
        reasons = "; ".join(f"{r.url or 'a link'}: {r.message}" for r in failed[:5])
        say(f"{len(saved)} of {len(results)} saved; {len(failed)} failed: {reasons}")
        return EXIT_FAILED
    say(f"{len(saved)} of {len(results)} saved.")
    return EXIT_OK


__all__ = ["done_json", "failed_json", "get", "links", "output_folder", "prepare", "request_from"]
