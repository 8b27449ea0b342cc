"""A scripted NemoVideo backend for the UI tests: an httpx.MockTransport handed to NemoClient.

It serves token/session/credits/state/upload responses and replays the recorded ADK streams
from shared/fixtures/adk/ on /run_sse. A run script is a list of steps:
``bytes`` (sent as is), ``("sleep", seconds)``, ``("wait", asyncio.Event)``, ``("cut",)``
(the connection breaks), and ``("draft", dict)`` (the draft changes at that point).
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx

from tests.fixture_paths import ADK_FIXTURES

FIXTURES = ADK_FIXTURES
TOKEN = "nmv_usr_SECRETtoken1234567890"
SESSION_ID = "5529798706024415232"
TASK_ID = "task_ab12cd"
USER_ID = "anon_abc123"

THREE_TRACKS = {
    "t": [
        {
            "id": "trk_v1",
            "tt": 0,
            "name": "Video",
            "sg": [{"id": "seg_1", "name": "city.mp4", "src": "upl_ab12", "s": 0, "d": 10000, "in": 0, "vol": 100}],
        },
        {
            "id": "trk_a1",
            "tt": 1,
            "name": "BGM",
            "sg": [{"id": "seg_2", "name": "lofi.mp3", "src": "upl_cd34", "s": 0, "d": 10000, "in": 0, "vol": 35}],
        },
        {
            "id": "trk_t1",
            "tt": 7,
            "name": "Title",
            "sg": [{"id": "seg_3", "name": "Title", "text": "Urban Dreams", "s": 0, "d": 3000}],
        },
    ],
    "d": 10000,
    "m": {
        "title": "project",
        "width": 1920,
        "height": 1080,
        "fps": 30,
        "aspect": "16:9",
        "resolution": "highest",
        "mute": False,
    },
}
VIDEO_ONLY = {"t": [THREE_TRACKS["t"][0]], "d": 10000, "m": THREE_TRACKS["m"]}
EMPTY = {"t": [], "d": 0, "m": {"title": "project"}}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def with_title(draft: dict, text: str, seg_id: str = "seg_9") -> dict:
    draft = copy.deepcopy(draft)
    draft["t"].append(
        {
            "id": "trk_t9",
            "tt": 7,
            "name": "Title",
            "sg": [{"id": seg_id, "name": "Title", "text": text, "s": 0, "d": 3000}],
        }
    )
    return draft


class _Stream(httpx.AsyncByteStream):
    def __init__(self, backend: FakeBackend, steps: list[Any]) -> None:
        self.backend = backend
        self.steps = steps

    async def __aiter__(self):
        for step in self.steps:
            if isinstance(step, (bytes, bytearray)):
                yield bytes(step)
            elif step[0] == "sleep":
                await asyncio.sleep(step[1])
            elif step[0] == "wait":
                await step[1].wait()
            elif step[0] == "draft":
                self.backend.set_draft(step[1])
            elif step[0] == "cut":
                raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def aclose(self) -> None:
        self.backend.streams_closed += 1


class FakeBackend:
    def __init__(self, draft: dict | None = None, credits: tuple[int, int] = (25000, 40)) -> None:
        self.draft = copy.deepcopy(draft if draft is not None else EMPTY)
        self.version = 1
        self.credits = credits
        self.runs: list[list[Any]] = []
        self.requests: list[httpx.Request] = []
        self.run_bodies: list[dict] = []
        self.streams_closed = 0
        self.session_counter = 0
        self.session_ids = [SESSION_ID, "7700000000000000001", "7700000000000000002"]
        self.fail: dict[str, tuple[int, dict | str]] = {}  # path prefix -> (status, body) once
        self.uploads: list[Any] = []
        self.upload_gate: asyncio.Event | None = None  # set: uploads wait for it

    # -- scripting ------------------------------------------------------------------
    def script_run(self, *steps: Any) -> None:
        self.runs.append(list(steps))

    def set_draft(self, draft: dict) -> None:
        self.draft = copy.deepcopy(draft)
        self.version += 1

    def fail_once(self, prefix: str, status: int, body: dict | str) -> None:
        self.fail[prefix] = (status, body)

    def count(self, prefix: str) -> int:
        return sum(1 for r in self.requests if r.url.path.startswith(prefix))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # -- serving --------------------------------------------------------------------
    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        for prefix, (status, body) in list(self.fail.items()):
            if path.startswith(prefix):
                del self.fail[prefix]
                if isinstance(body, str):
                    return httpx.Response(status, text=body)
                return httpx.Response(status, json=body)
        if path == "/api/auth/anonymous-token":
            return ok({"token": TOKEN, "user_id": USER_ID, "expires_at": "2099-01-01T00:00:00Z", "credits": 100})
        if path == "/api/tasks/me/with-session/nemo_agent":
            sid = self.session_ids[min(self.session_counter, len(self.session_ids) - 1)]
            self.session_counter += 1
            return ok({"task_id": TASK_ID, "session_id": sid, "user_id": USER_ID})
        if path == "/api/credits/balance/simple":
            available, frozen = self.credits
            return ok({"available": available, "frozen": frozen, "total": available + frozen})
        if path.startswith("/api/state/"):
            return ok(
                {
                    "state": {
                        "draft": self.draft,
                        "video_infos": [],
                        "canvas_config": {},
                        "video_analyses": [],
                        "generated_media": [],
                    },
                    "version": self.version,
                }
            )
        if path.startswith("/api/upload-video/"):
            if self.upload_gate is not None:
                await self.upload_gate.wait()
            self.uploads.append(
                request.content if request.headers.get("content-type", "").startswith("application/json") else b"files"
            )
            self.set_draft(VIDEO_ONLY)
            return ok(
                {
                    "files": [
                        {
                            "filename": "video.mp4",
                            "file_type": "video",
                            "cdn_url": "https://cdn.example/v.mp4",
                            "duration": 10.0,
                            "width": 1920,
                            "height": 1080,
                            "fps": 30,
                        }
                    ],
                    "session_state_applied": True,
                }
            )
        if path == "/run_sse":
            self.run_bodies.append(json.loads(request.content or b"{}"))
            steps = self.runs.pop(0) if self.runs else [fixture("plain-chat.sse")]
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=_Stream(self, steps))
        return httpx.Response(404, json={"detail": "Not Found"})


def ok(data: dict) -> httpx.Response:
    return httpx.Response(200, json={"code": 0, "data": data})
