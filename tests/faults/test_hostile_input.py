"""Hostile input, beyond the random fuzzing in tests/api and tests/core: adversarial shapes
for the SSE decoder, the draft parser and the router (no exception escapes, output bounded),
and the engine facing traversal, oversize and slow-loris requests and 100 clients at once."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tui.api.models import Draft
from tui.api.sse import RAW_LIMIT, SseDecoder
from tui.core.router import route
from tui.core.timeline import describe_changes, track_bars

ROOT = Path(__file__).resolve().parents[2]

# --- the SSE decoder -------------------------------------------------------------------------

SSE_PIECES = [
    b"data:",
    b"data: ",
    b"\n",
    b"\r",
    b"\r\n",
    b"\n\n",
    b":ping",
    b"event: x",
    b"id: 7",
    b"retry: 1",
    b'{"content":{"parts":[{"text":"hi"}]},"partial":true}',
    b'{"type":"heartbeat"}',
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\x00",
    b"{",
    b"}",
    b"[",
    b'"',
    b"\\",
    b"data:" + b"9" * 400,
    b'{"error":"x"}',
]


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(SSE_PIECES), max_size=60), st.integers(min_value=1, max_value=7))
def test_sse_decoder_on_adversarial_framing(pieces, chunk):
    body = b"".join(pieces)
    decoder = SseDecoder(max_event=2000)
    events = []
    for i in range(0, len(body), chunk):  # split anywhere, even inside a UTF-8 sequence or a CRLF
        events += decoder.feed(body[i : i + chunk])
    rest, _unfinished = decoder.close()
    events += rest
    assert len(events) <= body.count(b"\n") + body.count(b"\r") + 2  # at most one per line end
    for ev in events:
        assert len(ev.raw) <= RAW_LIMIT + 200
        assert len(ev.text) <= 2000 + 10
        assert "\n" not in ev.summary()


def test_sse_decoder_memory_is_bounded_by_max_event():
    decoder = SseDecoder(max_event=64 * 1024)
    events = []
    for _ in range(200):  # 200 x 64 kB of one endless data line (12.5 MB), no separator ever
        events += decoder.feed(b"data: " + b"a" * 65536)
        assert decoder._pending_len <= 2 * 65536 + 16
    events += decoder.close()[0]
    assert len(events) == 1 and "was skipped" in events[0].raw  # said once, not 200 times


def test_a_million_tiny_events_cost_linear_time():
    body = b'data: {"type":"heartbeat"}\n\n' * 100_000
    t0 = time.perf_counter()
    decoder = SseDecoder()
    n = 0
    for i in range(0, len(body), 4096):
        n += len(decoder.feed(body[i : i + 4096]))
    assert n == 100_000 and time.perf_counter() - t0 < 10


# --- the draft parser ------------------------------------------------------------------------

numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e308", "-0", "NaN", "Infinity", "0x10", "", "  5 ", True, False, None]),
)
segment = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=5),
        "s": numbers,
        "d": numbers,
        "in": numbers,
        "vol": numbers,
        "start_ms": numbers,
        "duration_ms": numbers,
        "name": st.text(max_size=300),
        "text": st.text(max_size=300),
        "src": st.text(max_size=5),
    },
)
track = st.fixed_dictionaries(
    {},
    optional={
        "tt": numbers,
        "name": st.text(max_size=50),
        "sg": st.lists(segment, max_size=6) | st.text(max_size=3) | numbers,
    },
)
draft = st.fixed_dictionaries(
    {},
    optional={
        "t": st.lists(track, max_size=6) | numbers,
        "d": numbers,
        "m": st.dictionaries(st.text(max_size=8), numbers, max_size=4) | numbers,
    },
)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft, draft, st.integers(min_value=0, max_value=300))
def test_draft_parse_of_adversarial_numbers_and_shapes(a, b, width):
    before, after = Draft.parse(a), Draft.parse(json.dumps(b, allow_nan=True))
    summary = after.summary()
    assert isinstance(summary, str) and len(summary) < 20_000
    json.dumps(after.to_wire())  # whatever came in can be sent back
    for line in describe_changes(before, after):
        assert isinstance(line, str) and len(line) < 2_000
    bars = track_bars(after, width)
    assert all(len(bar) <= max(width, 1) for _label, bar in bars)


def test_a_huge_draft_parses_quickly_and_summarizes_in_bounded_text():
    big = {
        "t": [{"tt": 0, "sg": [{"s": i * 10, "d": 10, "name": "n" * 1000} for i in range(20_000)]}] * 5,
        "d": 200_000,
    }
    t0 = time.perf_counter()
    d = Draft.parse(big)
    summary = d.summary()
    assert time.perf_counter() - t0 < 10
    assert len(summary) < 50_000


def test_deeply_nested_draft_is_empty_not_a_crash():
    nested: object = {}
    for _ in range(5000):
        nested = {"t": [nested]}
    assert Draft.parse(nested).tracks == [] or isinstance(Draft.parse(nested).summary(), str)
    assert Draft.parse("[" * 100_000).tracks == []


# --- the router ------------------------------------------------------------------------------

hostile_text = st.text(
    alphabet=st.sampled_from(list("exportcreditsupload导出上传 \t\n\r\x00\u202e\u200b\ufeff/:.h")) | st.characters(),
    max_size=2000,
)


@hsettings(max_examples=300, deadline=None)
@given(hostile_text)
def test_router_on_control_characters_and_bidi(text):
    r = route(text)
    assert r.action in ("export", "credits", "status", "upload", "agent")
    assert len(r.text) <= len(text) and len(r.urls) <= 50


def test_router_on_a_megabyte_line_and_many_urls():
    text = "download " + " ".join(f"https://e.com/{i}.mp4" for i in range(5000)) + " x" * 300_000
    t0 = time.perf_counter()
    r = route(text)
    assert time.perf_counter() - t0 < 5
    assert r.action == "agent" and 1 <= len(r.urls) <= 5000


# --- the engine ------------------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path):
    from tui.engine.embedded import EmbeddedEngine

    eng = EmbeddedEngine(
        tmp_path / "engine",
        heartbeat_interval=0.2,
        chunk_delay=0.0,
        tool_delay=0.0,
        silent_ratio=0.0,
        new_client_limit=1000,
        max_upload_bytes=2 * 1024 * 1024,
    )
    eng.start()
    yield eng
    eng.stop()


def login(base: str) -> tuple[httpx.Client, str]:
    http = httpx.Client(base_url=base, timeout=10)
    tok = http.post("/api/auth/anonymous-token", headers={"X-Client-Id": f"hostile-{time.monotonic_ns()}"}).json()
    http.headers["Authorization"] = f"Bearer {tok['data']['token']}"
    sid = http.post("/api/tasks/me/with-session/nemo_agent", json={}).json()["data"]["session_id"]
    return http, sid


def test_traversal_in_render_and_media_ids_finds_nothing(engine, tmp_path):
    http, _sid = login(engine.base_url)
    secret = tmp_path / "engine" / "renders" / "secret.mp4"
    secret.write_bytes(b"secret")
    for rid in [
        "..%2F..%2Fengine.db",
        "..%2Fsecret",
        "%2E%2E%2Fsecret",
        "render_..%2F..%2Fx",
        "secret",
        "..\\..\\engine.db",
        "%00",
        "a" * 5000,
    ]:
        for path in (f"/api/render/proxy/{rid}/download", f"/api/render/proxy/lambda/{rid}", f"/api/media/{rid}"):
            r = http.get(path)
            assert r.status_code in (404, 400), (path, r.status_code)
            assert b"secret" not in r.content and b"SQLite" not in r.content
        r = http.post(f"/api/render/proxy/lambda/{rid}/cancel")
        assert r.status_code in (404, 400, 405)
    http.close()


def test_oversize_multipart_without_a_length_is_refused_while_streaming(engine):
    http, sid = login(engine.base_url)
    boundary = "b0undary"

    def body():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="../../big.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
        for _ in range(40):  # 40 MB against a 2 MB limit, chunked (no Content-Length to refuse up front)
            yield b"\0" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    try:
        r = http.post(
            f"/api/upload-video/nemo_agent/me/{sid}",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert r.json()["code"] == 4002
    except httpx.HTTPError:
        pass  # the server may also hang up on the rest of the body: either way it is refused
    leftovers = [p for p in (engine.data_dir / "media").rglob("*") if p.is_file()]
    assert leftovers == []
    assert not list(engine.data_dir.parent.rglob("big.mp4"))
    http.close()


def test_too_many_parts_and_huge_part_headers_are_refused(engine):
    http, sid = login(engine.base_url)
    files = [("files", (f"a{i}.mp4", b"x", "video/mp4")) for i in range(200)]
    r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=files)
    assert r.status_code < 500 and r.json()["code"] != 0
    huge_name = "n" * 100_000 + ".mp4"
    r = http.post(f"/api/upload-video/nemo_agent/me/{sid}", files=[("files", (huge_name, b"x", "video/mp4"))])
    assert r.status_code < 500 and r.json()["code"] != 0
    assert [p for p in (engine.data_dir / "media").rglob("*") if p.is_file()] == []
    assert http.get("/api/credits/balance/simple").json()["code"] == 0
    http.close()


def test_a_slow_loris_upload_does_not_stop_others(engine):
    http, sid = login(engine.base_url)
    host, port = engine.base_url.removeprefix("http://").split(":")
    token = http.headers["Authorization"]
    loris = []
    stop = threading.Event()

    def trickle(sock: socket.socket) -> None:
        try:
            while not stop.is_set():
                sock.sendall(b"\0")
                stop.wait(0.2)
        except OSError:
            pass

    threads = []
    for _ in range(20):  # 20 uploads that send a byte every 0.2 s
        s = socket.create_connection((host, int(port)))
        s.sendall(
            (
                f"POST /api/upload-video/nemo_agent/me/{sid} HTTP/1.1\r\nHost: {host}\r\n"
                f"Authorization: {token}\r\nContent-Type: multipart/form-data; boundary=zz\r\n"
                f'Content-Length: 1000000\r\n\r\n--zz\r\nContent-Disposition: form-data; name="files"; '
                f'filename="slow.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
            ).encode()
        )
        loris.append(s)
        t = threading.Thread(target=trickle, args=(s,), daemon=True)
        t.start()
        threads.append(t)
    try:
        time.sleep(0.5)
        worst = 0.0
        for _ in range(20):  # meanwhile everyone else is served at once
            t0 = time.perf_counter()
            assert http.get("/api/credits/balance/simple").json()["code"] == 0
            assert http.get(f"/api/state/nemo_agent/me/{sid}/latest").json()["code"] == 0
            worst = max(worst, time.perf_counter() - t0)
        assert worst < 1.0
    finally:
        stop.set()
        for s in loris:
            s.close()
        for t in threads:
            t.join(2)
    # the abandoned uploads leave no file behind
    deadline = time.monotonic() + 5
    while [p for p in (engine.data_dir / "media").rglob("*") if p.is_file()] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for p in (engine.data_dir / "media").rglob("*") if p.is_file()] == []
    http.close()


async def test_100_concurrent_clients_for_a_few_seconds(engine):
    from bench.engine_load import run_load

    result = await run_load(engine.base_url, clients=100, seconds=4.0)
    assert result["errors"] == []
    assert result["kinds"]["token"]["n"] == 100 and result["kinds"]["session"]["n"] == 100
    for kind in ("credits", "state", "run"):  # every client got through at least one round
        assert result["kinds"][kind]["n"] >= 100
    assert result["requests"] >= 200 and result["seconds"] < 30  # all served, in bounded time
    assert result["kinds"]["credits"]["p95"] < 5000  # ms, on a shared 2-core machine
