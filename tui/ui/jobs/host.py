"""What the upload and export workers see of the jobs panel (``JobsHost``), the state of one
export (``ExportJob``) and the panel's messages. Its own module so the workers and the panel
do not import each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from textual.worker import Worker

    from tui.core.downloads import DownloadJobs
    from tui.core.files import RateMeter
    from tui.ui.connection import Connection


@dataclass
class JobUpdate(Message):
    """One row of the jobs panel: text, a fraction (0..1, None = indeterminate, False = no
    bar) and a state (active / done / failed; "gone" removes the row)."""

    key: str
    text: str
    fraction: float | None | bool = False
    state: str = "active"


@dataclass
class ExportDone(Message):
    """An export is saved at ``path``; ``facts`` ("3s, 1.2 MB"), ``resumed`` (how it resumed)."""

    path: Path
    facts: str
    resumed: str = ""
    notes: list[str] = field(default_factory=list)  # the render's own notes ("HDR was converted to SDR")
    key: str = ""  # the export's row in the jobs panel (its storyboard goes under it)


@dataclass
class StoryboardReady(Message):
    """The storyboard (tui.core.storyboard.Storyboard) of the export in row ``key``."""

    key: str
    board: Any


@dataclass
class ExportJob:
    """One export followed in the panel (``phase``: submit / pending / processing /
    downloading / done / failed / cancelled)."""

    key: str
    render_id: str | None = None
    phase: str = "submit"
    part: Path | None = None
    worker: Worker[Any] | None = None
    cancelled_by_user: bool = False
    resumed_from: int | None = None
    meter: RateMeter | None = None
    shown_at: float = 0.0
    ids: list[str] = field(default_factory=list)
    summary: str = ""  # the engine's one-line facts of the output, when it gives them
    notes: list[str] = field(default_factory=list)
    reused: bool = False  # an unchanged draft: the last export's file, not rendered again


class JobsHost(Protocol):
    """The jobs panel as its workers use it."""

    exports: dict[str, ExportJob]
    last_export_path: Path | None
    downloads: DownloadJobs | None
    last_download_url: str | None

    @property
    def conn(self) -> Connection: ...

    @property
    def app(self) -> Any: ...  # the Textual app (dialogs are pushed on it)

    def row(self, key: str, text: str, fraction: float | None | bool = False, state: str = "active") -> None: ...

    def drop_later(self, key: str) -> None: ...

    def next_upload_seq(self) -> int: ...

    @property
    def export_poll_interval(self) -> float: ...

    def remember_link(self, link: str, what: str) -> None: ...

    def post_message(self, message: Message) -> bool: ...

    def run_worker(
        self,
        work: Any,
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Worker[Any]: ...
