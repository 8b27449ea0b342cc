"""Download jobs' progress on stderr: rich bars on a terminal, plain lines elsewhere.

Both take the events of ``tui.core.downloads.DownloadJobs`` (``JobStarted``, ``JobProgress``,
``JobDone``, ``JobFailed``; any other event is ignored) through ``__call__`` and number the
jobs in the order they start: "[1/3]". ``PlainProgress`` writes one line per job at most
every ``every`` seconds (and at each change of stage), e.g.
"[1/3] example.com/clip.mp4 · fetching · 3.1/9.8 MB · 45% · 3.2 MB/s", then one line per
outcome. ``BarProgress`` shows one ``rich.progress`` bar per job (rich comes with Textual;
Textual itself is not imported). User and server strings are escaped for Rich markup.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from tui.commands.backend import printable
from tui.core.download_events import JobDone, JobFailed, JobProgress, JobStarted
from tui.core.files import human_bytes

STAGE_WORDS = {"fetch": "fetching", "render": "rendering", "download": "downloading"}


def short_url(url: str, limit: int = 48) -> str:
    bare = url.split("://", 1)[-1]
    return bare if len(bare) <= limit else bare[: limit - 1] + "…"


def numbers(event: JobProgress) -> list[str]:
    """The figures an event carries: "3.1/9.8 MB", "45%", "3.2 MB/s", or the elapsed time."""
    parts: list[str] = []
    if event.bytes is not None:
        have, whole = human_bytes(event.bytes), human_bytes(event.total) if event.total else ""
        if whole and have.split()[-1] == whole.split()[-1]:
            have = have.split()[0]
        parts.append(f"{have}/{whole}" if whole else have)
    if event.percent is not None:
        parts.append(f"{event.percent:.0f}%")
    if event.speed:
        parts.append(f"{human_bytes(event.speed)}/s")
    if event.bytes is None and event.percent is None:
        parts.append(f"{event.elapsed:.0f}s")
    return parts


def done_words(event: JobDone) -> str:
    return printable(f"saved {event.path} ({event.facts.line()})" + (f". {event.note}" if event.note else ""))


def failed_words(event: JobFailed) -> str:
    if event.cancelled:
        return printable(f"cancelled, nothing saved: {short_url(event.url)}")
    return printable(f"failed {event.url}: {event.message}" + (f" {event.next_step}" if event.next_step else ""))


class _Numbered:
    def __init__(self, total: int = 0) -> None:
        self.total = total  # the links asked for (a playlist may start more jobs)
        self.index: dict[str, int] = {}
        self.urls: dict[str, str] = {}

    def tag(self, job_id: str) -> str:
        return f"[{self.index.get(job_id, 0)}/{max(self.total, len(self.index))}]"

    def started(self, event: JobStarted) -> None:
        self.index.setdefault(event.job_id, len(self.index) + 1)
        self.urls[event.job_id] = event.url


class PlainProgress(_Numbered):
    """Plain lines for a log or a pipe (see the module doc)."""

    def __init__(self, stream: IO[str] | None = None, every: float = 1.0, total: int = 0) -> None:
        super().__init__(total)
        self.stream = stream or sys.stderr
        self.every = every
        self._last: dict[str, tuple[float, str]] = {}

    def _write(self, text: str) -> None:
        self.stream.write(printable(text) + "\n")
        self.stream.flush()

    def __call__(self, event: Any) -> None:
        if isinstance(event, JobStarted):
            self.started(event)
            self._write(f"{self.tag(event.job_id)} {short_url(event.url)} · waiting")
        elif isinstance(event, JobProgress):
            now = time.monotonic()
            last_at, last_stage = self._last.get(event.job_id, (0.0, ""))
            if event.stage == last_stage and now - last_at < self.every:
                return
            self._last[event.job_id] = (now, event.stage)
            words = [short_url(event.url), STAGE_WORDS.get(event.stage, event.stage), *numbers(event)]
            self._write(f"{self.tag(event.job_id)} " + " · ".join(words))
        elif isinstance(event, JobDone):
            self._write(f"{self.tag(event.job_id)} {done_words(event)}")
        elif isinstance(event, JobFailed):
            self._write(f"{self.tag(event.job_id)} {failed_words(event)}")

    def close(self) -> None:
        pass


class BarProgress(_Numbered):
    """One rich progress bar per job on the terminal's stderr."""

    def __init__(self, total: int = 0) -> None:
        super().__init__(total)
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[info]}"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.progress.start()

    def _describe(self, job_id: str, stage: str) -> str:
        from rich.markup import escape

        return f"{self.tag(job_id)} {escape(printable(short_url(self.urls.get(job_id, ''), 40)))} {stage}"

    def __call__(self, event: Any) -> None:
        from rich.markup import escape

        if isinstance(event, JobStarted):
            self.started(event)
            self.tasks[event.job_id] = self.progress.add_task(
                self._describe(event.job_id, "waiting"), total=100, info=""
            )
            return
        task = self.tasks.get(getattr(event, "job_id", ""))
        if task is None:
            return
        if isinstance(event, JobProgress):
            percent = event.percent
            if percent is None and event.bytes is not None and event.total:
                percent = 100.0 * event.bytes / event.total
            stage = STAGE_WORDS.get(event.stage, event.stage)
            self.progress.update(
                task,
                description=self._describe(event.job_id, stage),
                completed=percent if percent is not None else 0,
                info=escape(" · ".join(numbers(event))),
            )
        elif isinstance(event, JobDone):
            self.progress.update(task, completed=100, description=self._describe(event.job_id, "saved"), info="")
            self.progress.console.print(f"{self.tag(event.job_id)} {escape(done_words(event))}")
        elif isinstance(event, JobFailed):
            word = "cancelled" if event.cancelled else "failed"
            self.progress.update(task, description=self._describe(event.job_id, word), info="")
            self.progress.console.print(f"{self.tag(event.job_id)} {escape(failed_words(event))}")

    def close(self) -> None:
        self.progress.stop()


def reporter(total: int = 0, stream: IO[str] | None = None) -> PlainProgress | BarProgress:
    """Bars when stderr is a terminal, else plain lines; ``total``: the links asked for."""
    stream = stream or sys.stderr
    return BarProgress(total) if stream.isatty() else PlainProgress(stream, total=total)


__all__ = ["BarProgress", "PlainProgress", "done_words", "failed_words", "numbers", "reporter", "short_url"]
