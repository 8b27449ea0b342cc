"""The engine's pictures extension over HTTP (issue 18): thumbnails, peaks and storyboards of
real media on a loopback engine, cached on disk, for their owner only."""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.engine import picture_media as pm
from tests.engine.engine_helpers import FAST, Api
from tui.engine.embedded import EmbeddedEngine
from tui.engine.media import peaks as peaks_module
from tui.engine.media import thumbs


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("pictures-http")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "engine"


@pytest.fixture
def url(data_dir):
    eng = EmbeddedEngine(data_dir, **FAST)  # the real media layer
    yield eng.start()
    eng.stop()


@pytest.fixture
def alice(url):
    a = Api(url, client_id="alice").login()
    yield a
    a.close()


@pytest.fixture
def decodes(monkeypatch) -> dict[str, int]:
    """How many times the engine decoded pictures and sound (the media functions it calls)."""
    counts = {"frames": 0, "peaks": 0}
    real_frames, real_peaks = thumbs.frames, peaks_module.peaks

    def frames(*args, **kwargs):
        counts["frames"] += 1
        return real_frames(*args, **kwargs)

    def peaks(*args, **kwargs):
        counts["peaks"] += 1
        return real_peaks(*args, **kwargs)

    monkeypatch.setattr(thumbs, "frames", frames)
    monkeypatch.setattr(peaks_module, "peaks", peaks)
    return counts


def upload(api: Api, path: Path) -> tuple[str, str]:
    sid = api.session()
    body = api.upload(sid, path)
    assert body["code"] == 0, body
    return sid, body["data"]["files"][0]["upload_id"]


def thumb(api: Api, uid: str, **query):
    return api.http.get(f"/api/local/thumbnail/{uid}", params=query, headers=api.auth)


def test_capabilities_list_the_pictures_extension(alice):
    data = alice.http.get("/api/local/capabilities", headers=alice.auth).json()["data"]
    assert "pictures" in data["extensions"]
    assert data["pictures"]["thumbnail"] == "/api/local/thumbnail/{upload_id}"
    assert data["pictures"]["peaks"] == "/api/local/peaks/{upload_id}"


def test_a_thumbnail_shows_the_picture_at_that_time(alice, ffmpeg_exe, folder):
    _, uid = upload(alice, pm.red_blue(ffmpeg_exe, folder))
    red, blue = thumb(alice, uid, t=1, w=160), thumb(alice, uid, t=4, w=160)
    for resp, colour, at in ((red, "red", 1.0), (blue, "blue", 4.0)):
        assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
        assert pm.dominant(resp.content) == colour
        assert pm.image(resp.content).size == (160, 120)
        assert float(resp.headers["x-frame-time"]) == pytest.approx(at, abs=0.021)
    jpeg = thumb(alice, uid, t=4, w=64, h=64, f="jpeg")
    assert jpeg.headers["content-type"] == "image/jpeg" and pm.image(jpeg.content).size == (64, 48)


def test_a_second_request_is_served_from_the_disk_and_a_changed_file_is_read_again(
    alice, ffmpeg_exe, folder, data_dir, decodes
):
    _, uid = upload(alice, pm.red_blue(ffmpeg_exe, folder))
    first = thumb(alice, uid, t=1, w=96)
    assert decodes["frames"] == 1
    cached = list((data_dir / "pictures").rglob("*.pic"))
    assert len(cached) == 1 and uid in cached[0].parts and oct(cached[0].stat().st_mode & 0o777) == "0o600"
    again = thumb(alice, uid, t=1, w=96)
    assert decodes["frames"] == 1 and again.content == first.content  # no decoding the second time
    thumb(alice, uid, t=1, w=97)
    assert decodes["frames"] == 2  # another size is another picture

    stored = next(p for p in (data_dir / "media").rglob("*.mp4") if p.stat().st_size)
    shutil.copyfile(pm.silent_video(ffmpeg_exe, folder), stored)  # the media file changes under the engine
    os.utime(stored, ns=(stored.stat().st_atime_ns, stored.stat().st_mtime_ns + 10**9))
    changed = thumb(alice, uid, t=1, w=96)
    assert decodes["frames"] == 3 and changed.content != first.content
    assert pm.dominant(changed.content) != "red"

    for _ in range(2):
        body = alice.http.get(f"/api/local/peaks/{uid}", params={"n": 4}, headers=alice.auth).json()
        assert body["code"] == 0
    assert decodes["peaks"] == 1


def test_peaks_show_the_silent_third(alice, ffmpeg_exe, folder):
    _, uid = upload(alice, pm.half_silent_sine(ffmpeg_exe, folder))
    body = alice.http.get(f"/api/local/peaks/{uid}", params={"n": 30}, headers=alice.auth).json()
    data = body["data"]
    assert (data["count"], data["has_audio"]) == (30, True) and data["duration"] == pytest.approx(6.0, abs=0.01)
    values = data["peaks"]
    assert max(values[11:19]) < 0.02 and min(values[:10] + values[20:]) > 0.3


def test_a_video_without_sound_has_flat_peaks_and_a_sound_has_no_thumbnail(alice, ffmpeg_exe, folder):
    _, video = upload(alice, pm.silent_video(ffmpeg_exe, folder))
    data = alice.http.get(f"/api/local/peaks/{video}", params={"n": 5}, headers=alice.auth).json()["data"]
    assert data["peaks"] == [0.0] * 5 and data["has_audio"] is False
    _, sound = upload(alice, pm.sound_only(ffmpeg_exe, folder))
    resp = thumb(alice, sound, t=0.5, w=64)
    assert resp.status_code == 422 and resp.json()["code"] == 4006 and "no picture" in resp.json()["message"]
    board = alice.http.get(f"/api/local/storyboard/{sound}", headers=alice.auth)
    assert board.status_code == 422 and board.json()["code"] == 4006


def test_a_photo_has_an_upright_thumbnail(alice, folder):
    _, uid = upload(alice, pm.photo_rotated(folder))
    resp = thumb(alice, uid, t=3, w=60)
    assert resp.status_code == 200 and pm.image(resp.content).size == (60, 80)
    assert pm.halves(resp.content) == ("blue", "red") and resp.headers["x-frame-time"] == "0.000"
    board = alice.http.get(f"/api/local/storyboard/{uid}", params={"w": 60}, headers=alice.auth).json()["data"]
    assert len(board["frames"]) == 1 and pm.halves(base64.b64decode(board["frames"][0]["data"])) == ("blue", "red")


def test_many_pictures_asked_at_once_decode_two_at_a_time(alice, ffmpeg_exe, folder, monkeypatch):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    _, uid = upload(alice, pm.red_blue(ffmpeg_exe, folder))
    running, most, lock = [0], [0], threading.Lock()
    real = thumbs.frames

    def slow_frames(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.15)
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(thumbs, "frames", slow_frames)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda t: thumb(alice, uid, t=t, w=32), [0.5, 1.0, 1.5, 3.0, 3.5, 4.5]))
    assert [pm.dominant(a.content) for a in answers] == ["red"] * 3 + ["blue"] * 3
    assert most[0] == 2  # the others waited for a slot (the media threads stay free for probes)


def test_only_the_owner_sees_pictures_of_a_media(alice, url, ffmpeg_exe, folder):
    _, uid = upload(alice, pm.red_blue(ffmpeg_exe, folder))
    bob = Api(url, client_id="bob").login()
    try:
        for path in (f"/api/local/thumbnail/{uid}", f"/api/local/peaks/{uid}", f"/api/local/storyboard/{uid}"):
            resp = bob.http.get(path, params={"t": 1, "w": 64}, headers=bob.auth)
            assert resp.status_code == 404 and resp.json()["code"] == 4004, path
            assert resp.headers["content-type"].startswith("application/json")
            nobody = bob.http.get(path, params={"t": 1, "w": 64})
            assert nobody.json()["code"] == 1001
    finally:
        bob.close()
    assert thumb(alice, "upl_nothing", t=1, w=64).json()["code"] == 4004


def test_bad_values_are_refused_and_sizes_clamped(alice, ffmpeg_exe, folder):
    _, uid = upload(alice, pm.red_blue(ffmpeg_exe, folder))
    for query in ({"t": "soon", "w": 64}, {"t": -1, "w": 64}, {"t": 1, "w": "nan"}, {"t": 1, "w": 64, "f": "gif"}):
        resp = thumb(alice, uid, **query)
        assert resp.status_code == 400 and resp.json()["code"] == 400, query
    assert pm.image(thumb(alice, uid, t=1, w=99999).content).size == (1920, 1440)
    assert pm.image(thumb(alice, uid, t=1, w=1).content).size == (16, 12)
    assert pm.dominant(thumb(alice, uid, t=3600, w=32).content) == "blue"  # past the end: the last frame
    many = alice.http.get(f"/api/local/peaks/{uid}", params={"n": 10**9}, headers=alice.auth).json()["data"]
    assert many["count"] == 10_000 and len(many["peaks"]) == 10_000
    one = alice.http.get(f"/api/local/peaks/{uid}", params={"n": 0}, headers=alice.auth).json()["data"]
    assert one["count"] == 1 and one["peaks"][0] > 0.1
    resp = alice.http.get(f"/api/local/storyboard/{uid}", params={"t": ",".join(["1"] * 25)}, headers=alice.auth)
    assert resp.status_code == 400


def _frame(item: dict) -> np.ndarray:
    return np.asarray(pm.image(base64.b64decode(item["data"])), dtype=float)


def test_the_storyboard_of_an_export_shows_its_title_while_it_lasts(alice, ffmpeg_exe, folder):
    sid, _ = upload(alice, pm.plain(ffmpeg_exe, folder, 6))
    events = alice.run(sid, "add the title 'Hello'")
    assert any(e.get("content") for e in events)
    draft = alice.draft(sid)
    assert any(t["tt"] == 7 for t in draft["t"]), draft  # a title track (3 s from the start)
    assert alice.render(sid, draft, "render_board1").status_code == 200
    assert alice.wait_render("render_board1", timeout=120)["status"] == "completed"

    board = alice.http.get("/api/local/storyboard/render_board1", params={"w": 160}, headers=alice.auth).json()
    data = board["data"]
    assert board["code"] == 0 and data["kind"] == "render" and data["vcodec"] == "h264"
    assert data["duration"] == pytest.approx(6.0, abs=0.15) and data["size"] > 1000
    assert [f["t"] for f in data["frames"]] == pytest.approx([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], abs=0.05)
    assert pm.image(base64.b64decode(data["frames"][0]["data"])).width == 160

    at = alice.http.get("/api/local/storyboard/render_board1", params={"w": 320, "t": "1,4.5,5.5"},
                        headers=alice.auth).json()["data"]["frames"]  # fmt: skip
    titled, after, later = (_frame(f) for f in at)
    marked = np.abs(titled - after).max(axis=2) > 48  # pixels the title's letters cover
    assert marked.sum() > 200  # the title is on the first, not on the second
    rows = np.flatnonzero(marked.any(axis=1))
    assert 0 < rows.min() and rows.max() < 239  # a region of the picture, not the whole of it
    assert (np.abs(after - later).max(axis=2) > 48).sum() == 0  # flat grey both

    bob = Api(alice.http.base_url, client_id="bob").login()
    try:
        resp = bob.http.get("/api/local/storyboard/render_board1", headers=bob.auth)
        assert resp.status_code == 404 and resp.json()["code"] == 4004
    finally:
        bob.close()


def test_the_storyboard_of_an_upload_gives_its_facts(alice, ffmpeg_exe, folder):
    _, uid = upload(alice, pm.red_blue(ffmpeg_exe, folder))
    data = alice.http.get(f"/api/local/storyboard/{uid}", params={"n": 2, "w": 64}, headers=alice.auth).json()["data"]
    assert (data["kind"], data["width"], data["height"], data["vcodec"]) == ("upload", 320, 240, "h264")
    assert [pm.dominant(base64.b64decode(f["data"])) for f in data["frames"]] == ["red", "blue"]  # 1.25 s, 3.75 s


def test_the_cache_stays_within_its_bounds(tmp_path, ffmpeg_exe, folder, monkeypatch):
    from tui.engine import pictures

    monkeypatch.setattr(pictures, "MAX_FILES_PER_MEDIA", 3)
    cache = pictures.cache_dir(tmp_path, "u1", "upl_1", pm.red_blue(ffmpeg_exe, folder))
    for t in (0.5, 1.0, 1.5, 3.0, 4.0):
        pictures.thumbnail(cache, t, 32, None, exact=True, fmt="png")
    kept = sorted(cache.folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(kept) == 3  # the two oldest went
    assert pictures.thumbnail_job(cache, 4.0, 32, None, exact=True, fmt="png").hit is not None
    assert pictures.thumbnail_job(cache, 0.5, 32, None, exact=True, fmt="png").hit is None

    monkeypatch.setattr(pictures, "MAX_BYTES_PER_MEDIA", len(kept[-1].read_bytes()) * 2 + 10)
    pictures.thumbnail(cache, 2.0, 32, None, exact=True, fmt="png")
    assert len(list(cache.folder.iterdir())) == 2  # the bytes bound: the newest two fit
