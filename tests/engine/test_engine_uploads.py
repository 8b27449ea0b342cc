"""Uploads: multipart streamed to disk, the allow-list, the 500 MB limit, safe names, URL ingest."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.engine.engine_helpers import Api, fake_file
from tui.config import MAX_UPLOAD_BYTES
from tui.engine.uploads import safe_name


def test_several_files_land_in_the_draft_with_their_details(engine, api, tmp_path):
    sid = api.session()
    before = api.state(sid)["data"]["version"]
    body = api.upload(
        sid,
        fake_file(tmp_path, "city.mp4", duration_s=10, width=1920, height=1080, fps=30),
        fake_file(tmp_path, "clip2.mov", duration_s=4, width=1280, height=720, fps=25),
        fake_file(tmp_path, "logo.png"),
        fake_file(tmp_path, "lofi.mp3", duration_s=30),
    )
    assert body["code"] == 0 and body["data"]["session_state_applied"] is True
    files = body["data"]["files"]
    assert [(f["filename"], f["file_type"]) for f in files] == [
        ("city.mp4", "video"),
        ("clip2.mov", "video"),
        ("logo.png", "image"),
        ("lofi.mp3", "audio"),
    ]
    assert (files[0]["duration"], files[0]["width"], files[0]["height"], files[0]["fps"]) == (10.0, 1920, 1080, 30.0)
    assert files[0]["hash"] and files[0]["cdn_url"].startswith(engine.base_url)
    st = api.state(sid)["data"]
    assert st["version"] == before + 1  # one new version for the whole upload
    draft = st["state"]["draft"]
    video = [t for t in draft["t"] if t["tt"] == 0][0]["sg"]
    assert [(s["name"], s["s"], s["d"]) for s in video] == [
        ("city.mp4", 0, 10000),
        ("clip2.mov", 10000, 4000),
        ("logo.png", 14000, 5000),
    ]
    bgm = [t for t in draft["t"] if t["tt"] == 1][0]["sg"][0]
    assert bgm["name"] == "lofi.mp3" and bgm["src"].startswith("upl_") and bgm["vol"] == 100
    assert draft["d"] == 19000 and draft["m"]["width"] == 1920
    infos = st["state"]["video_infos"]
    assert [i["filename"] for i in infos] == ["city.mp4", "clip2.mov", "logo.png", "lofi.mp3"]
    assert st["state"]["canvas_config"]["width"] == 1920
    assert st["state"]["generated_media"] == [] and st["state"]["video_analyses"] == []
    # the stored media can be fetched back by its owner
    got = api.http.get(files[0]["cdn_url"], headers=api.auth)
    assert got.status_code == 200 and got.content == (tmp_path / "city.mp4").read_bytes()


def test_unsupported_type_is_4001_and_nothing_is_kept(engine, api, tmp_path):
    sid = api.session()
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    body = api.upload(sid, fake_file(tmp_path, "ok.mp4"), notes)
    assert body["code"] == 4001 and "notes.txt" in body["message"] and "mp4" in body["message"]
    assert api.draft(sid)["t"] == []
    assert not any(p.is_file() for p in (Path(engine.data_dir) / "media").rglob("*"))


def test_a_file_that_is_not_media_is_4001_with_a_clear_message(engine, api, tmp_path):
    sid = api.session()
    bogus = tmp_path / "holiday.mp4"
    bogus.write_text("this is a text file renamed .mp4")
    body = api.upload(sid, bogus)
    assert body["code"] == 4001 and "holiday.mp4 is not a playable video/audio file" in body["message"]
    assert api.draft(sid)["t"] == []
    assert not any(p.is_file() for p in (Path(engine.data_dir) / "media").rglob("*"))


def test_path_traversal_in_names_stays_inside_the_session_folder(engine, api, tmp_path):
    sid = api.session()
    src = fake_file(tmp_path, "x.mp4")
    names = [
        "../../../../evil.mp4",
        "..\\..\\evil2.mp4",
        "/etc/cron.d/evil3.mp4",
        ".hidden.mp4",
        "sub/../../x.mp4",
        "CON:.mp4",
    ]
    body = api.upload(sid, *([src] * len(names)), names=names)
    assert body["code"] == 0, body
    shown = [f["filename"] for f in body["data"]["files"]]
    assert shown == ["evil.mp4", "evil2.mp4", "evil3.mp4", "hidden.mp4", "x.mp4", "CON_.mp4"]
    data_dir = Path(engine.data_dir).resolve()
    session_dir = data_dir / "media" / api.user_id / sid
    stored = sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix == ".mp4")
    assert len(stored) == len(names) and all(p.parent == session_dir for p in stored)
    assert not list(tmp_path.parent.rglob("evil*"))


def test_safe_name_drops_folders_and_control_characters():
    assert safe_name("a\x00b\r\nc.mp4") == "abc.mp4"
    assert safe_name("../..//x/..\\y.mp3") == "y.mp3"
    assert safe_name("   ") == "upload"
    assert len(safe_name("a" * 500 + ".mp4")) <= 120 and safe_name("a" * 500 + ".mp4").endswith(".mp4")


def test_content_length_over_the_limit_is_refused_before_the_body(engine, api):
    sid = api.session()
    host, port = engine.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(
            (
                f"POST /api/upload-video/nemo_agent/me/{sid} HTTP/1.1\r\nHost: {host}\r\n"
                f"Authorization: Bearer {api.token}\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
                f"Content-Length: {50 * 1024**3}\r\n\r\n"
            ).encode()
        )
        answer = ""
        while '"code"' not in answer:
            data = s.recv(65536)
            if not data:
                break
            answer += data.decode()
    assert answer.startswith("HTTP/1.1 200") and '"code":4002' in answer


def _wait_up(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def _mem_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


def test_a_500mb_plus_upload_is_refused_while_streaming_without_memory_growth(tmp_path):
    """The engine runs alone in a child process; a generated 501 MiB body (chunked, no
    Content-Length) is refused with 4002 and the server's peak memory barely moves."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir = tmp_path / "srv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.engine.server", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_up(url)
        a = Api(url).login()
        sid = a.session()
        a.state(sid)
        baseline = _mem_kb(proc.pid, "VmRSS")
        boundary = "----nemoBoundary"
        chunk = bytes(1024 * 1024)
        sent = [0]

        def body():
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.mp4"\r\n'
                f"Content-Type: video/mp4\r\n\r\n"
            ).encode()
            for _ in range(MAX_UPLOAD_BYTES // len(chunk) + 1):
                sent[0] += len(chunk)
                yield chunk
            yield f"\r\n--{boundary}--\r\n".encode()

        r = a.http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            content=body(),
            timeout=120,
            headers={**a.auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert sent[0] > MAX_UPLOAD_BYTES
        answer = r.json()
        assert answer["code"] == 4002 and "500 MB" in answer["message"]
        peak = _mem_kb(proc.pid, "VmHWM")
        assert peak - baseline < 64 * 1024, (baseline, peak)  # KiB: far less than the body
        assert not [p for p in (data_dir / "media").rglob("*") if p.is_file()]  # the partial file is gone
        assert a.draft(sid)["t"] == []
        assert a.credits()["available"] == 1000  # and the server still answers
    finally:
        proc.terminate()
        proc.wait(10)


def test_url_upload_reports_progress_in_the_state_while_it_runs(engine, api, fake_media):
    fake_media.ingest_delay = 1.0
    sid = api.session()
    result = {}
    t = threading.Thread(
        target=lambda: result.update(
            api.http.post(
                f"/api/upload-video/nemo_agent/me/{sid}",
                headers=api.auth,
                json={"urls": ["https://videos.example/clip"], "source_type": "url"},
            ).json()
        )
    )
    t.start()
    seen = []
    while t.is_alive():
        seen += Api.state(api, sid)["data"]["state"]["ingests"]
        time.sleep(0.05)
    t.join()
    assert seen and seen[0]["url"] == "https://videos.example/clip" and seen[0]["stage"] == "download"
    assert any(0 < (s["percent"] or 0) < 100 for s in seen)
    assert result["code"] == 0
    f = result["data"]["files"][0]
    assert (f["filename"], f["width"], f["height"], f["duration"]) == ("clip.mp4", 1280, 720, 8.0)
    st = api.state(sid)["data"]["state"]
    assert st["ingests"] == [] and st["video_infos"][0]["source_url"] == "https://videos.example/clip"
    assert st["draft"]["t"][0]["sg"][0]["d"] == 8000


def test_url_upload_failure_is_a_clear_error_and_leaves_nothing(engine, api):
    sid = api.session()
    body = api.http.post(
        f"/api/upload-video/nemo_agent/me/{sid}",
        headers=api.auth,
        json={"urls": ["https://videos.example/404.mp4"], "source_type": "url"},
    ).json()
    assert body["code"] == 4003 and "404" in body["message"]
    assert api.draft(sid)["t"] == []
    body = api.http.post(f"/api/upload-video/nemo_agent/me/{sid}", headers=api.auth, json={"urls": "nope"}).json()
    assert body["code"] == 4001


def test_uploads_are_stored_per_user_and_session(engine, api, tmp_path):
    sid = api.session()
    api.upload(sid, fake_file(tmp_path, "a.mp4"))
    files = [p for p in (Path(engine.data_dir) / "media").rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].relative_to(Path(engine.data_dir) / "media").parts[:2] == (api.user_id, sid)
    assert os.path.getsize(files[0]) == (tmp_path / "a.mp4").stat().st_size


def test_a_fetched_file_that_is_not_media_is_removed(engine, api, fake_media, monkeypatch):
    def not_media(url, dest_dir, **kwargs):
        dest_dir.mkdir(parents=True, exist_ok=True)
        (dest_dir / "page.mp4").write_text("<html>not a video</html>")
        return dest_dir / "page.mp4"

    monkeypatch.setattr(fake_media, "ingest_url", not_media)
    sid = api.session()
    body = api.http.post(
        f"/api/upload-video/nemo_agent/me/{sid}",
        headers=api.auth,
        json={"urls": ["https://videos.example/page"], "source_type": "url"},
    ).json()
    assert body["code"] == 4001 and "page.mp4 is not a playable video/audio file" in body["message"]
    assert not [p for p in (Path(engine.data_dir) / "media").rglob("*") if p.is_file()]
