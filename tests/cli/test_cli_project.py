"""`ask`, `export`, `credits` against the embedded engine (--local) and `formats` against an
engine whose formats route is a fake (the real one is issue 17's engine work), in
subprocesses with no terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.mp4_facts import mp4_facts


def test_ask_adds_a_title_then_export_writes_the_mp4_and_credits_were_spent(cli, site, tmp_path):
    r = cli("credits", "--local", "--json")
    assert r.returncode == 0, r.stderr
    before = json.loads(r.stdout)
    assert before["available"] > 0 and before["total"] >= before["available"]

    r = cli("ask", "--local", f'add {site.url("/clip.mp4")} and add the title "Hello CLI"')
    assert r.returncode == 0, r.stderr
    assert 'Title added: "Hello CLI"' in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("Timeline (2 tracks)")
    assert "Adding" in r.stderr and "Session" in r.stderr  # the steps went to stderr

    out = tmp_path / "out" / "hello.mp4"
    r = cli("export", "--local", "-o", str(out))  # the last session: the one `ask` used
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out.resolve())
    facts = mp4_facts(out)
    assert (facts.width, facts.height) == (640, 360)
    assert facts.duration_s == pytest.approx(2.0, abs=0.1)
    assert not list(out.parent.glob("*.part"))

    r = cli("export", "--local", "-o", str(out))  # never over an existing file
    assert r.returncode == 2 and "exists" in r.stderr

    r = cli("credits", "--local")
    assert r.returncode == 0
    assert r.stdout.strip().endswith("total") and " available · " in r.stdout
    after = json.loads(cli("credits", "--local", "--json").stdout)
    assert after["available"] < before["available"]  # the edit cost credits; export did not fail


def test_ask_json_and_export_by_session_id(cli, site, tmp_path):
    r = cli("ask", "--local", "--json", f"add {site.url('/clip.mp4')}")
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert set(obj) == {"session_id", "reply", "changes", "timeline", "outcome"}
    assert obj["outcome"] == "finished" and obj["timeline"].startswith("Timeline (1 track)")
    r = cli("export", "--local", "--json", "--session", obj["session_id"], "-o", str(tmp_path))
    assert r.returncode == 0, r.stderr
    saved = json.loads(r.stdout)
    assert Path(saved["path"]).parent == tmp_path.resolve()
    assert Path(saved["path"]).stat().st_size == saved["bytes"] and saved["height"] == 360


def test_export_without_a_session_says_so(cli):
    r = cli("export", "--local")
    assert r.returncode == 1
    assert "No session" in r.stderr and r.stdout == ""


FORMATS = {
    "title": "City timelapse",
    "duration": 2.0,
    "kind": "video",
    "default_format_id": "1080",
    "formats": [
        {"format_id": "360", "ext": "mp4", "width": 640, "height": 360, "fps": 25, "vcodec": "avc1.64001e",
         "acodec": "mp4a.40.2", "tbr": 800, "filesize": 200000, "filesize_approx": True, "note": None},
        {"format_id": "1080", "ext": "mp4", "width": 1920, "height": 1080, "fps": 25, "vcodec": "avc1.640028",
         "acodec": "mp4a.40.2", "tbr": 5000, "filesize": 1250000, "filesize_approx": False, "note": None},
    ],
    "subtitles": ["en"],
    "entries": [],
}  # fmt: skip


@pytest.fixture
def formats_engine(tmp_path, isolated_dirs, monkeypatch):
    """The real engine (the data dir `serve` would use) with a fake formats route and the
    extension listed; the URL of a running `nemo-tui serve`."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    import tui.engine.server as server
    from tui.engine.embedded import EmbeddedEngine

    asked: list[dict] = []
    real = server.create_app

    async def formats(request):
        body = await request.json()
        asked.append({"sid": request.path_params["sid"], **body})
        return JSONResponse({"code": 0, "data": {"url": body["url"], **FORMATS}})

    async def capabilities(request):
        return JSONResponse({"code": 0, "data": {"extensions": ["fetch", "formats"]}})

    def create_app(*a, **kw):
        app = real(*a, **kw)
        app.router.routes[:0] = [
            Route("/api/local/formats/{sid}", formats, methods=["POST"]),
            Route("/api/local/capabilities", capabilities, methods=["GET"]),
        ]
        return app

    monkeypatch.setattr(server, "create_app", create_app)
    engine = EmbeddedEngine(isolated_dirs["NEMO_DATA_DIR"] / "engine")
    url = engine.start()
    yield url, asked
    engine.stop()


def test_formats_json_and_table_from_the_engine(cli, formats_engine):
    url, asked = formats_engine
    link = "https://example.com/city/master.m3u8"
    r = cli("formats", link, "--api-url", url, "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert [(f["format_id"], f["height"]) for f in info["formats"]] == [("360", 360), ("1080", 1080)]
    assert info["default_format_id"] == "1080" and info["subtitles"] == ["en"] and info["url"] == link
    assert asked and asked[0]["url"] == link

    r = cli("formats", link, "--api-url", url)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("City timelapse")
    row = next(line for line in lines if "1920x1080" in line)
    assert row.startswith("*") and "avc1" in row and "1.2 MB" in row
    assert next(line for line in lines if "640x360" in line).lstrip().startswith("360")
    assert "~200" in r.stdout and "subtitles: en" in r.stdout


def test_formats_of_a_served_file_from_the_real_engine(cli, site):
    r = cli("formats", site.url("/clip.mp4"), "--local", "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    (row,) = info["formats"]
    assert (row["width"], row["height"], row["vcodec"], row["acodec"]) == (640, 360, "h264", "aac")
    assert info["default_format_id"] == row["format_id"]


@pytest.fixture
def engine_without_formats(isolated_dirs, monkeypatch):
    """The real engine whose capabilities do not list "formats" (as a cloud-like backend)."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    import tui.engine.server as server
    from tui.engine.embedded import EmbeddedEngine

    real = server.create_app

    async def capabilities(request):
        return JSONResponse({"code": 0, "data": {"extensions": ["fetch"]}})

    def create_app(*a, **kw):
        app = real(*a, **kw)
        app.router.routes[:0] = [Route("/api/local/capabilities", capabilities, methods=["GET"])]
        return app

    monkeypatch.setattr(server, "create_app", create_app)
    engine = EmbeddedEngine(isolated_dirs["NEMO_DATA_DIR"] / "engine")
    url = engine.start()
    yield url
    engine.stop()


def test_formats_on_a_backend_without_the_extension_exits_1(cli, site, engine_without_formats):
    r = cli("formats", site.url("/clip.mp4"), "--api-url", engine_without_formats)
    assert r.returncode == 1
    assert "does not list formats" in r.stderr and r.stdout == ""
