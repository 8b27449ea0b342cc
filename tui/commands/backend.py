"""What every command shares: the backend (--local / --api-url / the cloud), the client, the
local record of sessions, which session to use, Ctrl-C, and the exit status.

``run(command, settings, local=..., body=...)`` starts the embedded engine when ``local`` (and
stops it after, whatever happens), opens one ``NemoClient`` as the app does (the token from
NEMO_TOKEN or the cache; the engine issues its own), runs ``await body(backend)`` and returns
its exit status. SIGINT and SIGTERM cancel the body (its ``finally`` blocks and the core's
cancellation run: a download job removes its partial file, a run is hung up, never re-sent)
and the status is 128 + the signal (130 for Ctrl-C); a second Ctrl-C quits at once.
An ``ApiError`` is printed in plain words (message and next step) and gives 1; a
``CommandError`` gives its own status with its message.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from tui.api.errors import ApiError, SessionNotFound, redact

if TYPE_CHECKING:
    from tui.api.client import NemoClient
    from tui.config import Settings
    from tui.core.store import LocalStore

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A command cannot go on: ``message`` goes to stderr, ``status`` is the exit status."""

    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` fit for a terminal: secrets redacted, control characters (escape sequences,
    bidi overrides) from a server or a link dropped; newlines and tabs kept."""
    return _CONTROL.sub("", redact(text))


def say(text: str) -> None:
    """One line on stderr (progress, notes, errors): stdout stays for results."""
    print(printable(text), file=sys.stderr, flush=True)


@dataclass
class Backend:
    """The client and the local record for one command. ``local``: the embedded engine."""

    settings: Settings
    client: NemoClient
    local: bool
    store: LocalStore | None = None

    @property
    def store_key(self) -> str:
        """The key sessions are recorded under: "local" for the embedded engine (a new port
        each start), else the API address: the same as the app (tui.ui.connection)."""
        return "local" if self.local else self.settings.api_url

    def open_store(self) -> LocalStore | None:
        if self.store is None:
            try:
                from tui.core.store import LocalStore

                self.store = LocalStore(self.settings.data_dir)
            except Exception:  # the record is a help, never a reason to fail a command
                self.store = None
        return self.store

    async def fresh_session(self) -> str:
        """A new session, not recorded as the last one (``get`` leaves the project alone)."""
        return (await self.client.create_session(language=self.settings.language)).session_id

    async def session(self, given: str | None, *, create: bool) -> str:
        """``given``, else the last session used on this backend, else (``create``) a new one
        that becomes the last one. Raises CommandError when there is none to use."""
        store = self.open_store()
        if given:
            try:
                await self.client.state(given)
            except SessionNotFound:
                raise CommandError(f"The backend does not know the session {given}.") from None
            if store is not None:
                store.save_session(self.store_key, given)
            return given
        last = store.last_session(self.store_key) if store is not None else None
        if last is not None:
            try:
                await self.client.state(last.session_id)
            except SessionNotFound:
                if not create:
                    raise CommandError(
                        f"The last session ({last.session_id}) no longer exists on the backend."
                    ) from None
                say("The last session no longer exists on the backend; starting a new one.")
            else:
                if store is not None:
                    store.touch_session(self.store_key, last.session_id)
                return last.session_id
        if not create:
            where = "the local engine" if self.local else self.settings.api_url
            raise CommandError(
                f"No session on {where} yet: pass --session ID, or start one with `nemo-tui ask` or the app."
            )
        info = await self.client.create_session(language=self.settings.language)
        if store is not None:
            store.save_session(self.store_key, info.session_id, task_id=info.task_id, user_id=info.user_id)
        return info.session_id

    def record(self, session_id: str, role: str, text: str) -> None:
        """A transcript line, so the app shows this conversation when it resumes the session."""
        store = self.open_store()
        if store is not None:
            try:
                store.add_line(session_id, role, text)
            except Exception:
                pass


Body = Callable[[Backend], Awaitable[int]]


def run(command: str, settings: Settings, *, local: bool, body: Body) -> int:
    """Run ``body`` against the chosen backend; the exit status (see the module doc)."""
    engine = None
    try:
        if local:
            try:
                import uvicorn  # noqa: F401  (the engine's packages, checked before anything starts)

                from tui.engine.embedded import EmbeddedEngine, EngineStartError
            except ImportError as exc:
                from tui.commands.engine_check import missing_engine

                return missing_engine(exc)
            engine = EmbeddedEngine(data_dir=settings.data_dir / "engine")
            try:
                url = engine.start()
            except EngineStartError as exc:
                say(f"nemo-tui {command}: {exc}")
                return EXIT_FAILED
            settings = replace(settings, api_url=url, token=None)  # the engine issues its own token
        return asyncio.run(_main(command, settings, local, body))
    except KeyboardInterrupt:  # a Ctrl-C while the engine starts, before the handler is in place
        say(f"nemo-tui {command}: interrupted.")
        return 128 + signal.SIGINT
    finally:
        if engine is not None:
            engine.stop()


async def _main(command: str, settings: Settings, local: bool, body: Body) -> int:
    from tui.api.client import NemoClient

    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    signals: list[int] = []

    def on_signal(signum: int) -> None:
        signals.append(signum)
        if len(signals) > 1:
            os._exit(128 + signum)  # asked twice: quit now
        say(f"nemo-tui {command}: stopping… (Ctrl-C again quits at once)")
        task.cancel()

    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, on_signal, sig)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    client = NemoClient(settings)
    if local:  # the embedded engine also takes recordings as people have them (as the app)
        from tui.contract import LOCAL_EXTENSIONS

        client.accepted_extensions = LOCAL_EXTENSIONS
    backend = Backend(settings, client, local)
    try:
        await client.connect()
        return await body(backend)
    except asyncio.CancelledError:
        if not signals:
            raise
        say(f"nemo-tui {command}: interrupted.")
        return 128 + signals[0]
    except CommandError as exc:
        say(f"nemo-tui {command}: {exc.message}")
        return exc.status
    except ApiError as exc:
        say(f"nemo-tui {command}: {exc.message}" + (f" {exc.next_step}" if exc.next_step else ""))
        return EXIT_FAILED
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        await client.aclose()
        if backend.store is not None:
            backend.store.close()


def output_folder(value: Path | None, settings: Settings) -> Path:
    """``-o DIR`` (made when missing), else the download folder. CommandError (usage) when it is
    a file or cannot be made or written."""
    folder = Path(value if value is not None else settings.download_dir).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"-o {folder}: this is a file, not a folder", EXIT_USAGE)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"-o {folder}: cannot make this folder ({exc.strerror or exc})", EXIT_USAGE) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(f"-o {folder}: this folder cannot be written", EXIT_USAGE)
    return folder


__all__ = [
    "Backend",
    "CommandError",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "output_folder",
    "printable",
    "run",
    "say",
]
