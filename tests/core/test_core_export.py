"""export_draft with a fake client: the happy path, retry once, fail twice, nothing to export,
every render id recorded, and resuming after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.api.errors import NetworkError, RenderFailed
from tui.api.models import Draft, RenderJob
from tui.core.export import NothingToExport, export_draft
from tui.core.store import LocalStore

API = "http://127.0.0.1:9"
DRAFT = Draft.parse(
    {
        "t": [
            {
                "id": "v",
                "tt": 0,
                "name": "Video",
                "sg": [{"id": "s1", "name": "city.mp4", "src": "upl_1", "s": 0, "d": 10000}],
            }
        ],
        "d": 10000,
        "m": {"resolution": "1080p"},
    }
)


class FakeClient:
    """Scripted render statuses per submitted job: each script is a list of (status, progress)."""

    def __init__(self, scripts: list[list[tuple[str, float]]], *, poll_errors: int = 0) -> None:
        self.scripts = scripts
        self.submitted: list[tuple[str, dict]] = []
        self.polls: list[str] = []
        self.downloads: list[str] = []
        self.cancelled: list[str] = []
        self._steps: dict[str, list[tuple[str, float]]] = {}
        self.poll_errors = poll_errors

    async def submit_render(self, session_id, draft, fmt="mp4", quality="high", width=None, height=None):
        rid = f"render_{len(self.submitted) + 1}"
        self.submitted.append((session_id, draft.to_wire() if isinstance(draft, Draft) else draft))
        self._steps[rid] = list(self.scripts.pop(0))
        return RenderJob(id=rid, status="pending", progress=5)

    async def render_status(self, render_id):
        self.polls.append(render_id)
        if self.poll_errors:
            self.poll_errors -= 1
            raise NetworkError()
        steps = self._steps.setdefault(render_id, [("completed", 100)])
        status, progress = steps.pop(0) if len(steps) > 1 else steps[0]
        url = f"{API}/api/render/proxy/{render_id}/download" if status == "completed" else None
        return RenderJob(
            id=render_id,
            status=status,
            progress=progress,
            output_url=url,
            error="encoder crashed" if status == "failed" else None,
        )

    async def download_render(self, job, folder, filename=None, progress=None):
        self.downloads.append(job.id)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (filename or f"{job.id}.mp4")
        data = b"\x00" * 3000
        for i in range(0, len(data), 1000):
            if progress:
                progress(i + 1000, len(data))
        path.write_bytes(data)
        return path


class Sleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


async def test_happy_path(tmp_path):
    client = FakeClient([[("pending", 5), ("processing", 40), ("processing", 80), ("completed", 100)]])
    statuses: list[tuple[str, float]] = []
    downloads: list[tuple[int, int | None]] = []
    sleep = Sleeper()
    store = LocalStore(tmp_path / "data")
    store.save_session(API, "sess")
    path = await export_draft(
        client,
        "sess",
        DRAFT,
        tmp_path / "out",
        on_status=lambda job: statuses.append((job.status, job.progress)),
        on_download=lambda got, total: downloads.append((got, total)),
        sleep=sleep,
        store=store,
    )
    assert path == tmp_path / "out" / "render_1.mp4" and path.stat().st_size == 3000
    assert statuses == [("pending", 5), ("pending", 5), ("processing", 40), ("processing", 80), ("completed", 100)]
    assert downloads[-1] == (3000, 3000)
    assert sleep.calls == [10.0] * 4
    assert client.submitted[0] == ("sess", DRAFT.to_wire())
    (record,) = store.renders("sess")
    assert (record.render_id, record.status, record.local_path, record.api_url) == (
        "render_1",
        "completed",
        str(path),
        API,
    )
    assert store.pending_renders(API) == []


async def test_failed_once_retries_with_a_new_id(tmp_path):
    client = FakeClient([[("processing", 30), ("failed", 30)], [("processing", 50), ("completed", 100)]])
    statuses: list[str] = []
    store = LocalStore(tmp_path / "data")
    path = await export_draft(
        client,
        "sess",
        DRAFT,
        tmp_path / "out",
        on_status=lambda j: statuses.append(j.status),
        sleep=Sleeper(),
        store=store,
        poll_interval=1.0,
    )
    assert path.name == "render_2.mp4"
    assert len(client.submitted) == 2 and client.downloads == ["render_2"]
    assert "failed" in statuses and statuses[-1] == "completed"
    assert [(r.render_id, r.status) for r in store.renders("sess")] == [
        ("render_1", "failed"),
        ("render_2", "completed"),
    ]
    assert store.render("render_1").error == "encoder crashed"


async def test_failed_twice_is_a_plain_render_failed(tmp_path):
    client = FakeClient([[("failed", 0)], [("processing", 10), ("failed", 10)]])
    with pytest.raises(RenderFailed) as info:
        await export_draft(client, "sess", DRAFT, tmp_path / "out", sleep=Sleeper())
    assert "failed twice" in str(info.value) and "encoder crashed" in str(info.value)
    assert len(client.submitted) == 2 and client.downloads == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("draft", [Draft(), None, {"t": []}, {"t": [{"tt": 0, "sg": []}]}, "garbage"])
async def test_nothing_to_export(tmp_path, draft):
    client = FakeClient([])
    with pytest.raises(NothingToExport) as info:
        await export_draft(client, "sess", draft, tmp_path / "out", sleep=Sleeper())
    assert str(info.value) == "nothing to export yet — upload or generate first"
    assert client.submitted == []


async def test_a_raw_draft_dict_is_accepted(tmp_path):
    client = FakeClient([[("completed", 100)]])
    path = await export_draft(client, "sess", DRAFT.to_wire(), tmp_path / "out", sleep=Sleeper())
    assert path.exists()


async def test_poll_blips_are_tolerated_but_a_dead_network_is_not(tmp_path):
    client = FakeClient([[("processing", 50), ("completed", 100)]], poll_errors=2)
    assert (await export_draft(client, "sess", DRAFT, tmp_path / "out", sleep=Sleeper())).exists()
    client = FakeClient([[("completed", 100)]], poll_errors=3)
    with pytest.raises(NetworkError):
        await export_draft(client, "sess", DRAFT, tmp_path / "out2", sleep=Sleeper())


async def test_resume_after_restart(tmp_path):
    """The app closed mid-render; on the next start the pending render is picked up."""
    data = tmp_path / "data"
    client = FakeClient([[("processing", 20), ("processing", 60), ("completed", 100)]])

    class Quit(Exception):
        pass

    polls = 0

    async def sleep_then_quit(_seconds):
        nonlocal polls
        polls += 1
        if polls == 2:
            raise Quit()  # the app is closed while the render runs

    store = LocalStore(data)
    store.save_session(API, "sess")
    with pytest.raises(Quit):
        await export_draft(client, "sess", DRAFT, tmp_path / "out", sleep=sleep_then_quit, store=store)
    store.close()

    store = LocalStore(data)  # a new app process
    (pending,) = store.pending_renders(API)
    assert (pending.render_id, pending.status, pending.progress) == ("render_1", "processing", 20)
    statuses: list[str] = []
    path = await export_draft(
        client,
        pending.session_id,
        None,
        tmp_path / "out",
        sleep=Sleeper(),
        store=store,
        resume_job=pending.render_id,
        on_status=lambda j: statuses.append(j.status),
    )
    assert path.exists() and path.name == "render_1.mp4"
    assert len(client.submitted) == 1  # nothing was submitted again
    assert statuses[-1] == "completed"
    assert store.pending_renders(API) == []


async def test_resume_a_completed_but_not_downloaded_render(tmp_path):
    client = FakeClient([])
    store = LocalStore(tmp_path / "data")
    store.record_render("render_9", "sess", api_url=API, status="completed", progress=100)
    job = RenderJob(id="render_9", status="completed", progress=100, output_url=f"{API}/x")
    path = await export_draft(client, "sess", None, tmp_path / "out", sleep=Sleeper(), store=store, resume_job=job)
    assert path.exists() and client.polls == [] and client.submitted == []
    assert store.render("render_9").local_path == str(path)


async def test_resumed_render_that_failed_gets_one_fresh_attempt(tmp_path):
    client = FakeClient([[("completed", 100)]])
    client._steps["render_old"] = [("failed", 0)]
    path = await export_draft(client, "sess", DRAFT, tmp_path / "out", sleep=Sleeper(), resume_job="render_old")
    assert path.name == "render_1.mp4" and len(client.submitted) == 1
    client = FakeClient([])
    client._steps["render_old"] = [("failed", 0)]
    with pytest.raises(RenderFailed):
        await export_draft(client, "sess", None, tmp_path / "out", sleep=Sleeper(), resume_job="render_old")


async def test_async_callbacks(tmp_path):
    seen: list[str] = []

    async def on_status(job):
        seen.append(job.status)

    client = FakeClient([[("completed", 100)]])
    await export_draft(client, "sess", DRAFT, tmp_path / "out", on_status=on_status, sleep=Sleeper())
    assert seen == ["pending", "completed"]


async def test_unknown_render_on_resume_is_marked_failed(tmp_path):
    from tui.api.errors import ApiError

    class Gone(FakeClient):
        async def render_status(self, render_id):
            raise ApiError("This render does not exist on the server.", status=404)

    store = LocalStore(tmp_path / "data")
    store.record_render("render_lost", "sess", api_url=API, status="processing")
    with pytest.raises(ApiError):
        await export_draft(
            Gone([]), "sess", None, tmp_path / "out", sleep=Sleeper(), store=store, resume_job="render_lost"
        )
    assert store.render("render_lost").status == "failed"
    assert store.pending_renders(API) == []


async def test_network_down_on_resume_keeps_the_render_pending(tmp_path):
    store = LocalStore(tmp_path / "data")
    store.record_render("render_x", "sess", api_url=API, status="processing")
    client = FakeClient([], poll_errors=5)
    with pytest.raises(NetworkError):
        await export_draft(client, "sess", None, tmp_path / "out", sleep=Sleeper(), store=store, resume_job="render_x")
    assert [r.render_id for r in store.pending_renders(API)] == ["render_x"]


async def test_renders_are_recorded_under_the_clients_api_url(tmp_path):
    class WithSettings(FakeClient):
        class settings:  # noqa: N801 - mimics NemoClient.settings
            api_url = "http://127.0.0.1:7777"

    store = LocalStore(tmp_path / "data")  # no session saved: the api_url comes from the client
    client = WithSettings([[("processing", 10), ("completed", 100)]])

    async def quit_on_first_poll(_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        await export_draft(client, "sess", DRAFT, tmp_path / "out", sleep=quit_on_first_poll, store=store)
    assert [r.render_id for r in store.pending_renders("http://127.0.0.1:7777")] == ["render_1"]
