"""What the app is connected to, in one typed object, and the one way to fetch the state.

``Connection`` holds the client, the open session, the local record and the backend, plus
the last draft and credits the backend reported; the app creates it, every feature widget
reads it (``self.app.conn``, see ``tui.ui.base.Feature``). ``fetch_state`` is the only code
that asks the backend for the project state and posts ``StateLoaded`` or ``ApiFailure``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from tui.ui import messages as m

if TYPE_CHECKING:
    from textual.message import Message

    from tui.api.client import NemoClient
    from tui.api.models import Credits, Draft, SessionInfo, SessionState, UploadResult
    from tui.config import Settings
    from tui.core.store import LocalStore


class Poster(Protocol):
    """Anything messages can be posted to (a widget, a screen, the jobs panel's face)."""

    def post_message(self, message: Message) -> bool: ...


@dataclass
class Connection:
    """The backend the app talks to. ``backend`` is "local" (the embedded engine) or "cloud";
    ``state`` is the header's word (connecting / connected / reconnecting / offline)."""

    settings: Settings
    backend: str = "cloud"
    client: NemoClient | None = None
    session: SessionInfo | None = None
    store: LocalStore | None = None
    state: m.ConnectionState = "connecting"
    draft: Draft | None = None  # the draft of the last state the backend sent
    credits: Credits | None = None

    @property
    def ready(self) -> bool:
        """A client and an open session: requests can be made."""
        return self.client is not None and self.session is not None

    @property
    def session_id(self) -> str | None:
        return self.session.session_id if self.session is not None else None

    @property
    def store_key(self) -> str:
        """Which backend a stored session belongs to. The embedded engine listens on a new
        loopback port each start, so its sessions are keyed "local", not by address."""
        return "local" if self.backend == "local" else self.settings.api_url

    def open_store(self) -> LocalStore | None:
        """The local record of sessions (opened on first use; None if the disk refuses)."""
        if self.store is None:
            try:
                from tui.core.store import LocalStore

                self.store = LocalStore(self.settings.data_dir)
            except Exception:  # the record on disk is a help, never a reason not to start
                self.store = None
        return self.store

    def record_line(self, role: str, text: str) -> None:
        """Add a line to the session's transcript on disk (never fails the chat)."""
        if self.store is None or self.session_id is None:
            return
        try:
            self.store.add_line(self.session_id, role, text)
        except Exception:
            pass

    def record_session(self, session: SessionInfo) -> None:
        store = self.open_store()
        if store is None:
            return
        try:
            store.save_session(self.store_key, session.session_id, task_id=session.task_id, user_id=session.user_id)
        except Exception:  # the record is a help; a full disk must not stop the chat
            pass


async def fetch_state(
    target: Poster, conn: Connection, doing: str = "loading the project state"
) -> SessionState | None:
    """Fetch the session's state and post ``StateLoaded`` to ``target``; on an API error post
    ``ApiFailure(error, doing)`` and return None. Other errors propagate."""
    from tui.api.errors import ApiError

    if conn.client is None or conn.session_id is None:
        return None
    try:
        state = await conn.client.state(conn.session_id)
    except ApiError as error:
        target.post_message(m.ApiFailure(error, doing))
        return None
    target.post_message(m.StateLoaded(state))
    return state


def plain_error(error: BaseException) -> str:
    """An exception as words for the user, with any token cut out."""
    from tui.api.errors import redact

    return redact(str(error) or type(error).__name__)


def credits_line(credits: Credits) -> str:
    from tui.ui.widgets.credits import _number

    return f"{_number(credits.available)} available · {_number(credits.frozen)} frozen · {_number(credits.total)} total"


def uploaded_words(result: UploadResult | Any) -> str:
    """ "✅ Added clip.mp4 (3.0s, 640×360). It is in the timeline now." for an upload result."""
    files = list(getattr(result, "files", None) or [])
    if not files:
        return "✅ Added to the session."
    parts = []
    for f in files:
        words = f"{getattr(f, 'filename', None) or 'file'}"
        details = []
        if getattr(f, "duration", None):
            details.append(f"{f.duration:.1f}s")
        if getattr(f, "width", None) and getattr(f, "height", None):
            details.append(f"{f.width}×{f.height}")
        if details:
            words += f" ({', '.join(details)})"
        parts.append(words)
    where = "It is in the timeline now." if len(files) == 1 else "They are in the timeline now."
    text = "✅ Added " + ", ".join(parts) + ". " + where
    for f in files:  # the engine's words about a file ("The sound was offered separately: …")
        for note in getattr(f, "notes", None) or []:
            name = getattr(f, "filename", None) or "file"
            text += f"\n  · {name}: {note}" if len(files) > 1 else f"\n  · {note}"
    return text
