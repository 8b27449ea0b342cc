"""Helpers for the engine tests: a fake media layer (no ffmpeg), an httpx client for the
documented API, and small event filters."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tui.config import AUDIO_EXTENSIONS, IMAGE_EXTENSIONS
from tui.engine.media.probe import MediaInfo

SKILL = {"X-Skill-Source": "video-download-online", "X-Skill-Version": "test", "X-Skill-Platform": "unknown"}


class FakeMediaError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FakeMedia:
    """probe / ingest_url / render_draft without ffmpeg.

    A file is "media" when it starts with b"FAKE" followed by optional JSON overrides
    (duration_s, width, height, fps, kind); anything else is refused like a corrupt file.
    ``ingest_delay`` / ``render_delay`` make the work slow (seconds, cancellable).
    """

    def __init__(self) -> None:
        self.ingest_delay = 0.0
        self.ingest_steps = 5
        self.ingest_cancelled = False
        self.render_delay = 0.0
        self.rendered: list[dict[str, Any]] = []
        self.render_started = threading.Event()

    def probe(self, path: Path) -> MediaInfo:
        data = Path(path).read_bytes()[:4096]
        if not data.startswith(b"FAKE"):
            raise FakeMediaError(f"{Path(path).name} is not a playable video/audio file")
        extra = json.loads(data[4:].split(b"\n", 1)[0] or b"{}")
        ext = Path(path).suffix.lower().lstrip(".")
        kind = extra.get("kind") or (
            "audio" if ext in AUDIO_EXTENSIONS else "image" if ext in IMAGE_EXTENSIONS else "video"
        )
        visual = kind != "audio"
        return MediaInfo(
            path=Path(path),
            duration_s=extra.get("duration_s", 20.0 if kind == "audio" else 10.0),
            width=extra.get("width", 1920) if visual else None,
            height=extra.get("height", 1080) if visual else None,
            fps=extra.get("fps", 30.0) if kind == "video" else None,
            vcodec="h264" if visual else None,
            acodec="aac" if kind != "image" else None,
            has_video=visual,
            has_audio=kind != "image",
            kind=kind,
        )

    def ingest_url(self, url: str, dest_dir: Path, *, progress=None, cancel=None, max_height=None) -> Path:
        if "404" in url:
            raise FakeMediaError(f"The link {url} answered 404 Not Found.")
        total = 1000
        steps = self.ingest_steps
        for i in range(1, steps + 1):
            if cancel is not None and cancel.is_set():
                self.ingest_cancelled = True
                raise FakeMediaError("cancelled")
            time.sleep(self.ingest_delay / steps)
            if progress:
                progress(
                    {
                        "stage": "download",
                        "label": "clip.mp4",
                        "bytes": total * i // steps,
                        "total": total,
                        "speed": 1000.0,
                        "eta": 0.0,
                        "percent": 100.0 * i / steps,
                    }
                )
        dest_dir.mkdir(parents=True, exist_ok=True)
        out = dest_dir / "clip.mp4"
        out.write_bytes(b'FAKE{"duration_s": 8, "width": 1280, "height": 720}\n')
        return out

    def render_draft(self, draft, sources, out_path: Path, *, progress=None, cancel=None):
        self.render_started.set()
        self.rendered.append({"draft": draft, "sources": dict(sources)})
        for src in sources.values():
            assert Path(src).exists()
        steps = 10
        cancel = cancel or threading.Event()
        for i in range(steps):
            if cancel.wait(self.render_delay / steps):
                raise FakeMediaError("render cancelled")
            if progress:
                progress(100.0 * i / steps)
        out_path.write_bytes(b"RENDERED" + json.dumps(draft["m"]).encode() + bytes(range(256)) * 40)
        return {"path": out_path}


def fake_file(tmp: Path, name: str, **info: Any) -> Path:
    """A small file the fake probe accepts (``info``: duration_s, width, height, fps, kind)."""
    p = tmp / name
    p.write_bytes(b"FAKE" + json.dumps(info).encode() + b"\n" + b"x" * 100)
    return p


class Api:
    """The documented endpoints over httpx, one user."""

    def __init__(self, base_url: str, client_id: str | None = "client-1"):
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.client_id = client_id
        self.token: str | None = None
        self.user_id: str | None = None

    def close(self) -> None:
        self.http.close()

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def login(self) -> Api:
        r = self.http.post("/api/auth/anonymous-token", headers={"X-Client-Id": self.client_id})
        body = r.json()
        assert body["code"] == 0, body
        self.token, self.user_id = body["data"]["token"], body["data"]["user_id"]
        return self

    def session(self) -> str:
        body = self.http.post(
            "/api/tasks/me/with-session/nemo_agent", json={"task_name": "project", "language": "en"}, headers=self.auth
        ).json()
        assert body["code"] == 0, body
        return body["data"]["session_id"]

    def upload(self, sid: str, *paths: Path, names: list[str] | None = None) -> dict:
        files = [
            ("files", ((names[i] if names else p.name), p.read_bytes(), "application/octet-stream"))
            for i, p in enumerate(paths)
        ]
        return self.http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files, headers=self.auth).json()

    def state(self, sid: str) -> dict:
        return self.http.get(f"/api/state/nemo_agent/me/{sid}/latest", headers=self.auth).json()

    def draft(self, sid: str) -> dict:
        return self.state(sid)["data"]["state"]["draft"]

    def credits(self) -> dict:
        return self.http.get("/api/credits/balance/simple", headers=self.auth).json()["data"]

    def run(self, sid: str, text: str) -> list[dict]:
        """Send one message; the parsed data payloads of the stream, in order."""
        events = []
        with self.http.stream(
            "POST",
            "/run_sse",
            headers={**self.auth, "Accept": "text/event-stream"},
            json={
                "app_name": "nemo_agent",
                "user_id": "me",
                "session_id": sid,
                "new_message": {"role": "user", "parts": [{"text": text}]},
            },
        ) as resp:
            assert resp.status_code == 200, resp.read()
            assert resp.headers["content-type"].startswith("text/event-stream")
            for line in resp.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
        return events

    def render(
        self, sid: str | None, draft: dict, render_id: str, headers: dict | None = None, output: dict | None = None
    ) -> httpx.Response:
        body = {
            "id": render_id,
            "sessionId": sid,
            "draft": draft,
            "output": output or {"format": "mp4", "quality": "high"},
        }
        return self.http.post(
            "/api/render/proxy/lambda", json=body, headers={**self.auth, **(SKILL if headers is None else headers)}
        )

    def render_status(self, render_id: str) -> dict:
        return self.http.get(f"/api/render/proxy/lambda/{render_id}", headers=self.auth).json()

    def wait_render(self, render_id: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.render_status(render_id)["data"]
            if data["status"] in ("completed", "failed"):
                return data
            time.sleep(0.05)
        raise AssertionError(f"render {render_id} did not finish")


def texts(events: list[dict], *, partial: bool | None = None) -> list[str]:
    out = []
    for e in events:
        for part in (e.get("content") or {}).get("parts", []):
            if "text" in part and (partial is None or bool(e.get("partial")) == partial):
                out.append(part["text"])
    return out


def parts(events: list[dict], key: str) -> list[dict]:
    return [p[key] for e in events for p in (e.get("content") or {}).get("parts", []) if key in p]


FAST = dict(heartbeat_interval=0.05, chunk_delay=0.0, tool_delay=0.0, silent_ratio=0.0)
