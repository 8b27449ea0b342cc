"""Helpers for the workflow tests: the fake backend with render endpoints, a loopback file
server, and small readers of what the user sees."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.media_bytes import mp4_bytes
from tests.ui.ui_fakes import FakeBackend


class RenderingFakeBackend(FakeBackend):
    """FakeBackend plus /api/render/proxy/...: each status poll returns the next scripted
    state (the last one repeats); the download serves ``video`` bytes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.render_states: list[dict] = [{"status": "processing", "progress": 40}]
        self.submitted: list[dict] = []
        self.cancelled: list[str] = []
        self.video = mp4_bytes(1000)  # the download is checked whole (MP4 boxes) before it is kept

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/render/proxy/lambda" and request.method == "POST":
            import json

            body = json.loads(request.content)
            self.submitted.append(body)
            self.requests.append(request)
            return httpx.Response(200, json={"success": True, "data": {"id": body["id"], "status": "pending"}})
        if path.startswith("/api/render/proxy/lambda/") and path.endswith("/cancel"):
            self.requests.append(request)
            self.cancelled.append(path.split("/")[-2])
            return httpx.Response(
                200, json={"success": True, "data": {"id": path.split("/")[-2], "status": "cancelled"}}
            )
        if path.startswith("/api/render/proxy/lambda/"):
            self.requests.append(request)
            rid = path.rsplit("/", 1)[1]
            state = self.render_states.pop(0) if len(self.render_states) > 1 else self.render_states[0]
            data = {"id": rid, **state}
            if state.get("status") == "completed" and "outputUrl" not in data:
                data["outputUrl"] = f"/api/render/proxy/{rid}/download"
            return httpx.Response(200, json={"success": True, "data": data})
        if path.startswith("/api/render/proxy/") and path.endswith("/download"):
            self.requests.append(request)
            etag = f'"v{len(self.video)}"'
            start = request.headers.get("range", "").removeprefix("bytes=").rstrip("-")
            if start.isdigit() and request.headers.get("if-range") == etag and int(start) < len(self.video):
                return httpx.Response(
                    206,
                    content=self.video[int(start) :],
                    headers={"etag": etag, "content-range": f"bytes {start}-{len(self.video) - 1}/{len(self.video)}"},
                )
            return httpx.Response(
                200, content=self.video, headers={"content-length": str(len(self.video)), "etag": etag}
            )
        return await super().handle(request)


@contextmanager
def serve_folder(folder: Path):
    """A plain HTTP server on 127.0.0.1 serving ``folder``; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def jobs_rows(app) -> list[str]:
    """The texts of the upload/export panel's rows."""
    panels = app.query("#jobs")
    return panels.first().texts() if panels else []


def notes(app) -> list[str]:
    return [text for role, text in app.chat.transcript() if role not in ("user", "agent")]


async def connected(app) -> None:
    """Wait until the app has a session and a client and has said it is ready (or resumed)."""
    from tests.ui.pilot_helpers import wait_until

    await wait_until(lambda: app.session is not None and app.client is not None, timeout=20)
    await wait_until(lambda: any("Ready:" in n or "Resumed:" in n for n in notes(app)), timeout=20)
