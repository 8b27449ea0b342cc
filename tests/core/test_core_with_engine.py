"""The core logic on the real path: NemoClient against the embedded engine on 127.0.0.1.

A silent edit run goes through ChatRun (NeedsStateCheck "silent"), the state diff says what
changed in one line, and export_draft renders, downloads and records the render in the store.
"""

from __future__ import annotations

import pytest

from tui.api.client import NemoClient
from tui.config import load_settings
from tui.core.chat import ChatRun, NeedsStateCheck, ReplaceText
from tui.core.export import NothingToExport, export_draft
from tui.core.router import route
from tui.core.store import LocalStore
from tui.core.timeline import describe_changes, track_bars
from tui.engine.embedded import EmbeddedEngine
from tui.engine.media.probe import probe

PACE = dict(heartbeat_interval=0.05, chunk_delay=0.0, tool_delay=0.0)


@pytest.fixture
def silent_engine(tmp_path):
    eng = EmbeddedEngine(tmp_path / "engine", silent_ratio=1.0, **PACE)
    url = eng.start()
    yield url
    eng.stop()


@pytest.fixture
def talking_engine(tmp_path):
    eng = EmbeddedEngine(tmp_path / "engine2", silent_ratio=0.0, **PACE)
    url = eng.start()
    yield url
    eng.stop()


async def _drive(client, session_id, text):
    run = ChatRun()
    outputs = []
    async for event in client.run(session_id, text):
        outputs += run.feed(event)
    outputs += run.finish()
    return run, outputs


async def test_silent_edit_then_export(silent_engine, make_video, tmp_path):
    video = make_video(seconds=3, width=320, height=180, fps=25)
    store = LocalStore(tmp_path / "data")
    async with NemoClient(load_settings(api_url=silent_engine)) as client:
        await client.connect()
        session = await client.create_session()
        store.save_session(silent_engine, session.session_id, task_id=session.task_id, user_id=session.user_id)

        before = (await client.state(session.session_id)).draft
        with pytest.raises(NothingToExport):
            await export_draft(client, session.session_id, before, tmp_path / "out", poll_interval=0.05, store=store)

        await client.upload_files(session.session_id, [video])
        before = (await client.state(session.session_id)).draft
        assert route("add the title 'Paradise Found'").action == "agent"
        run, outputs = await _drive(client, session.session_id, "add the title 'Paradise Found'")
        assert outputs[-1] == NeedsStateCheck("silent")
        assert not any(isinstance(o, ReplaceText) for o in outputs)

        after = (await client.state(session.session_id)).draft
        lines = describe_changes(before, after)
        assert lines and lines[0].startswith('✅ Title added: "Paradise Found"')
        labels = [label for label, bar in track_bars(after, 30)]
        assert len(labels) == 2 and all(len(bar) == 30 for _, bar in track_bars(after, 30))

        statuses: list[str] = []
        path = await export_draft(
            client,
            session.session_id,
            after,
            tmp_path / "out",
            on_status=lambda job: statuses.append(job.status),
            poll_interval=0.05,
            store=store,
        )
        assert statuses[0] == "pending" and statuses[-1] == "completed"
        info = probe(path)
        assert (info.width, info.height) == (320, 180) and abs(info.duration_s - 3.0) < 0.3
        (record,) = store.renders(session.session_id)
        assert record.status == "completed" and record.local_path == str(path)
        assert store.pending_renders(silent_engine) == []


async def test_talking_edit_is_shown_once(talking_engine, make_video):
    video = make_video(seconds=3, width=320, height=180, fps=25)
    async with NemoClient(load_settings(api_url=talking_engine)) as client:
        await client.connect()
        session = await client.create_session()
        await client.upload_files(session.session_id, [video])
        run, outputs = await _drive(client, session.session_id, "trim to 0-2 s")
        assert len(run.messages) >= 1
        assert NeedsStateCheck("silent") not in outputs
        assert NeedsStateCheck("state_delta") in outputs
        assert run.tools  # the edit tool was called
        text = " ".join(run.messages)
        assert "{" not in text and "nmv_" not in text
