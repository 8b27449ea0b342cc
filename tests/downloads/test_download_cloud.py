"""The cloud path of a download job, against a fake NemoVideo API (respx, no network): the
service has no local extensions, so the link goes through the documented URL upload, the
render gets a draft holding only that media, and the MP4 is downloaded under its name."""

from __future__ import annotations

import json

import httpx
import respx

from tui.api.client import NemoClient
from tui.config import load_settings
from tui.core.download_intent import download_request
from tui.core.downloads import DownloadJobs, JobDone, JobProgress
from tui.core.mp4_facts import mp4_facts

API = "http://127.0.0.1:9"  # never contacted: respx answers


def _ok(data: object) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "data": data})


async def test_cloud_download_renders_only_that_media(tmp_path, make_video):
    video = make_video(seconds=2, width=640, height=360).read_bytes()
    cdn = "https://cdn.nemovideo.example/u/9f8e7d.mp4"
    draft = {
        "t": [
            {
                "tt": 0,
                "sg": [
                    {
                        "id": "seg_user",
                        "name": "my edit.mp4",
                        "url": "https://cdn.nemovideo.example/u/older.mp4",
                        "s": 0,
                        "d": 5000,
                    },
                    {"id": "seg_new", "name": "Sunset.mp4", "url": cdn, "s": 5000, "d": 2000},
                ],
            },
            {"tt": 7, "sg": [{"id": "seg_t", "text": "Hello", "s": 0, "d": 1000}]},
        ],
        "d": 7000,
    }
    submitted: list[dict] = []
    with respx.mock(base_url=API, assert_all_called=False) as mock:
        mock.post("/api/auth/anonymous-token").mock(
            return_value=_ok(
                {"token": "nmv_usr_x", "user_id": "anon_1", "expires_at": "2099-01-01T00:00:00Z", "credits": 100}
            )
        )
        mock.post("/api/tasks/me/with-session/nemo_agent").mock(
            return_value=_ok({"task_id": "t1", "session_id": "5529798706024415232"})
        )
        mock.get("/api/local/capabilities").mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))
        upload = mock.post("/api/upload-video/nemo_agent/me/5529798706024415232").mock(
            return_value=_ok(
                {
                    "files": [
                        {
                            "filename": "Sunset.mp4",
                            "file_type": "video",
                            "cdn_url": cdn,
                            "duration": 2.0,
                            "width": 640,
                            "height": 360,
                            "fps": 25,
                            "hash": "abc",
                        }
                    ],
                    "session_state_applied": True,
                }
            )
        )
        mock.get("/api/state/nemo_agent/me/5529798706024415232/latest").mock(
            return_value=_ok({"state": {"draft": draft}})
        )

        def submit(request: httpx.Request) -> httpx.Response:
            body = json.loads(request.content)
            submitted.append(body)
            return httpx.Response(200, json={"success": True, "data": {"id": body["id"], "status": "pending"}})

        mock.post("/api/render/proxy/lambda").mock(side_effect=submit)
        mock.get(url__regex=r".*/api/render/proxy/lambda/render_[0-9a-f]+$").mock(
            side_effect=lambda req: httpx.Response(
                200,
                json={
                    "success": True,
                    "data": {"status": "completed", "progress": 100, "outputUrl": f"{API}/out/result.mp4"},
                },
            )
        )
        mock.get("/out/result.mp4").mock(
            return_value=httpx.Response(
                200, content=video, headers={"content-type": "video/mp4", "content-length": str(len(video))}
            )
        )
        run_sse = mock.post("/run_sse")

        client = NemoClient(load_settings(api_url=API))
        try:
            await client.connect()
            sid = (await client.create_session()).session_id
            url = "https://videos.example/watch/Sunset"
            events: list = []
            jobs = DownloadJobs(client, sid, tmp_path / "dl", on_event=events.append, poll_interval=0.01)
            results = await jobs.run(download_request(f"save {url}", [url]))
        finally:
            await client.aclose()
    done = results[0]
    assert isinstance(done, JobDone), done
    assert json.loads(upload.calls[0].request.content)["urls"] == [url]
    assert len(submitted) == 1
    segments = [s for t in submitted[0]["draft"]["t"] for s in t["sg"]]
    assert [s["id"] for s in segments] == ["seg_new"] and segments[0]["url"] == cdn and segments[0]["s"] == 0
    assert done.path.name == "Sunset.mp4" and done.path.read_bytes() == video
    assert mp4_facts(done.path).height == 360
    assert not run_sse.called
    assert any(isinstance(e, JobProgress) and e.stage == "download" for e in events)
