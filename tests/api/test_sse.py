"""The /run_sse stream: recorded ADK streams, the documented shapes, cuts and hostile input."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.api.apifakes import FIXTURES, TOKEN, envelope, sse_response
from tui.api import (
    EventKind,
    ExportBlocked,
    OutOfCredits,
    RateLimited,
    SessionNotFound,
    SseEvent,
    StreamCut,
    TokenExpired,
)
from tui.api.events import RAW_LIMIT
from tui.api.sse import SseDecoder, SseParser

K = EventKind


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


async def collect(client, sid="sid1", text="hi") -> list[SseEvent]:
    return [ev async for ev in client.run(sid, text)]


def kinds(events) -> list[str]:
    return [str(e.kind) for e in events]


def decode_all(body: bytes, chunk: int | None = None) -> tuple[list[SseEvent], bool]:
    d = SseDecoder()
    out: list[SseEvent] = []
    step = chunk or len(body) or 1
    for i in range(0, len(body), step):
        out += d.feed(body[i : i + step])
    rest, unfinished = d.close()
    return out + rest, unfinished


# --- the run request ----------------------------------------------------------------------


async def test_run_posts_the_snake_case_body_and_accepts_event_stream(api, make_client):
    api.add("POST /run_sse", sse_response(fixture("plain-chat.sse")))
    async with make_client() as c:
        events = await collect(c, "5529798706024415232", "add a title")
    req = api.calls("POST /run_sse")[0]
    assert api.json_of(req) == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": "5529798706024415232",
        "new_message": {"role": "user", "parts": [{"text": "add a title"}]},
    }
    assert req.headers["accept"] == "text/event-stream"
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert req.headers["x-skill-source"] == "video-download-online"
    assert req.extensions["timeout"]["read"] >= 600  # a 15-minute run with heartbeats
    assert req.extensions["timeout"]["connect"] <= 15
    assert kinds(events) == ["partial", "partial", "text"]
    assert events[-1].aggregate
    assert "".join(e.text for e in events[:2]) == events[-1].text
    assert c.last_activity is not None


async def test_edit_with_text_fixture(api, make_client):
    api.add("POST /run_sse", sse_response(fixture("edit-with-text.sse")))
    async with make_client() as c:
        events = await collect(c)
    assert kinds(events) == ["partial", "partial", "text", "call", "result", "state", "partial", "partial", "text"]
    call, result, state = events[3:6]
    assert (
        call.name == "edit_multitrack" and call.args["operation"] == "add_text" and call.args["text"] == "Hello World"
    )
    assert result.name == "edit_multitrack" and result.result["status"] == "success"
    assert state.state_delta == {"draft_version": 4}
    assert events[2].aggregate and events[-1].aggregate
    assert events[-1].text == 'Done. I added the title "Hello World" at the start of the video.'
    assert all(not e.aggregate for e in events if e.kind != K.TEXT)
    assert "edit_multitrack" in call.summary() and call.summary().startswith("call ")


async def test_silent_edit_fixture(api, make_client):
    api.add("POST /run_sse", sse_response(fixture("silent-edit.sse")))
    async with make_client() as c:
        events = await collect(c)
    assert kinds(events) == ["call", "result", "state"]


async def test_heartbeats_then_text_fixture(api, make_client):
    api.add("POST /run_sse", sse_response(fixture("heartbeats-then-text.sse")))
    async with make_client() as c:
        events = await collect(c)
    assert kinds(events) == ["heartbeat", "heartbeat", "partial", "partial", "text"]
    assert events[0].summary() == "heartbeat"


async def test_error_fixtures(api, make_client):
    api.add("POST /run_sse", [sse_response(fixture("error-event.sse")), sse_response(fixture("agent-crash.sse"))])
    async with make_client() as c:
        first = await collect(c)
        second = await collect(c)
    assert kinds(first) == ["error"]
    assert first[0].error == "PEER_SIMULATED_ERROR: simulated model error"
    assert kinds(second) == ["partial", "error"]
    assert "simulated agent crash" in second[1].error


async def test_cut_fixture_yields_what_arrived_then_raises_stream_cut(api, make_client):
    api.add("POST /run_sse", sse_response(fixture("cut-after-two-events.sse")))
    got = []
    async with make_client() as c:
        with pytest.raises(StreamCut) as info:
            async for ev in c.run("sid1", "hi"):
                got.append(ev)
    assert kinds(got) == ["partial", "partial"]
    assert "Do not send the message again" in str(info.value)


@pytest.mark.parametrize(
    "error",
    [
        httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body: incomplete chunked read"
        ),
        httpx.ReadError("connection reset"),
        httpx.ReadTimeout("no bytes for 630 s"),
        httpx.DecodingError("corrupt gzip"),
    ],
)
async def test_broken_connection_raises_stream_cut_after_parsed_events(api, make_client, error):
    class Broken(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield fixture("edit-with-text.sse")[:2000]
            raise error

    api.add(
        "POST /run_sse", lambda req: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Broken())
    )
    got = []
    async with make_client() as c:
        with pytest.raises(StreamCut):
            async for ev in c.run("sid1", "hi"):
                got.append(ev)
    assert kinds(got)[:3] == ["partial", "partial", "text"]
    assert len(api.calls("POST /run_sse")) == 1  # never re-sent


async def test_run_over_a_real_loopback_socket_cut_mid_chunked_body(settings):
    """A real HTTP server on 127.0.0.1 that dies mid-body (incomplete chunked read)."""
    import asyncio

    from tui.api import NemoClient

    body = fixture("edit-with-text.sse")[:1500]

    async def handle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        writer.write(b"%x\r\n%s\r\n" % (len(body), body))
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    s = settings.with_overrides(api_url=f"http://127.0.0.1:{port}", token=TOKEN)
    got = []
    try:
        async with NemoClient(s) as c:
            with pytest.raises(StreamCut):
                async for ev in c.run("sid1", "hi"):
                    got.append(ev)
    finally:
        server.close()
        await server.wait_closed()
    assert kinds(got)[:2] == ["partial", "partial"]


# --- HTTP errors on /run_sse ---------------------------------------------------------------


async def test_run_401_1001_refreshes_the_token_and_retries_once(api, make_client):
    tokens = iter(["nmv_usr_old_token_x", "nmv_usr_new_token_y"])
    api.add(
        "POST /api/auth/anonymous-token",
        lambda req: httpx.Response(200, json=envelope({"token": next(tokens), "user_id": "anon_1"})),
    )
    api.add(
        "POST /run_sse",
        [httpx.Response(401, json={"code": 1001, "message": "expired"}), sse_response(fixture("plain-chat.sse"))],
    )
    async with make_client() as c:
        events = await collect(c)
    assert kinds(events) == ["partial", "partial", "text"]
    assert [r.headers["authorization"] for r in api.calls("POST /run_sse")] == [
        "Bearer nmv_usr_old_token_x",
        "Bearer nmv_usr_new_token_y",
    ]


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(404, json={"detail": "Session not found: sid1"}), SessionNotFound),
        (httpx.Response(200, json={"code": 1002, "message": "session not found"}), SessionNotFound),
        (httpx.Response(402, json={"detail": "Payment Required"}), ExportBlocked),
        (httpx.Response(200, json={"code": 2001, "message": "no credits"}), OutOfCredits),
        (httpx.Response(402, json={"code": 2001}), OutOfCredits),
    ],
)
async def test_run_http_errors_are_typed(api, make_client, response, error):
    api.add("POST /run_sse", response)
    async with make_client() as c:
        with pytest.raises(error):
            await collect(c)
    assert len(api.calls("POST /run_sse")) == 1


async def test_run_429_waits_and_retries_once(api, make_client, sleeps):
    api.add("POST /run_sse", httpx.Response(429, text="Too Many Requests"))
    async with make_client() as c:
        with pytest.raises(RateLimited):
            await collect(c)
    assert sleeps == [30.0]
    assert len(api.calls("POST /run_sse")) == 2


async def test_run_with_nemo_token_expired(api, make_client, env_settings):
    api.add("POST /run_sse", httpx.Response(401, json={"code": 1001}))
    async with make_client(env_settings) as c:
        with pytest.raises(TokenExpired, match="NEMO_TOKEN"):
            await collect(c)
    assert len(api.calls("POST /run_sse")) == 1


async def test_plain_json_200_without_event_stream_is_one_event(api, make_client):
    api.add("POST /run_sse", httpx.Response(200, json={"type": "text", "content": "hello"}))
    async with make_client() as c:
        events = await collect(c)
    assert kinds(events) == ["text"] and events[0].text == "hello"


# --- the parser on the doc's sample lines -------------------------------------------------

DOC_LINES = [
    (
        '{"content":{"parts":[{"text":"Sure! Adding the title "}],"role":"model"},"partial":true,"invocationId":"e-cf0a","author":"nemo_agent","actions":{"stateDelta":{},"artifactDelta":{},"requestedAuthConfigs":{},"requestedToolConfirmations":{}},"nodeInfo":{"path":""},"id":"fa42","timestamp":1795471545.5818572}',
        ["partial"],
    ),
    (
        '{"content":{"parts":[{"functionCall":{"id":"adk-5dbf","args":{"operation":"add_text","track_type":7,"text":"Hello World","start_ms":0,"duration_ms":3000},"name":"edit_multitrack"}}],"role":"model"},"invocationId":"e-cf0a","author":"nemo_agent","actions":{"stateDelta":{},"artifactDelta":{}},"id":"850f","timestamp":1795471545.735445}',
        ["call"],
    ),
    (
        '{"content":{"parts":[{"functionResponse":{"id":"adk-5dbf","name":"edit_multitrack","response":{"status":"success","segment_id":"seg_afa224ea","message":"Added title \'Hello World\'","duration_ms":35000}}}],"role":"user"},"invocationId":"e-cf0a","author":"nemo_agent","actions":{"stateDelta":{"draft_version":4},"artifactDelta":{}},"id":"2a62","timestamp":1795471546.2381344}',
        ["result", "state"],
    ),
    (
        '{"content":{"parts":[{"text":"Done. I added the title \\"Hello World\\" at the start of the video."}],"role":"model"},"invocationId":"e-cf0a","author":"nemo_agent","actions":{"stateDelta":{}},"id":"f642","timestamp":1795471546.390662}',
        ["text"],
    ),
    ('{"type":"heartbeat"}', ["heartbeat"]),
    (
        '{"errorCode":"MODEL_ERROR","errorMessage":"model error","invocationId":"e-6d0e9268","author":"nemo_agent"}',
        ["error"],
    ),
    (
        '{"error": "RuntimeError: agent crash", "error_details": {"error_type": "RuntimeError", "error_message": "agent crash", "timestamp": 1795471549.7568283}}',
        ["error"],
    ),
]


def test_doc_sample_lines():
    p = SseParser()
    got = [kinds(p.parse(line)) for line, _ in DOC_LINES]
    assert got == [k for _, k in DOC_LINES]
    p = SseParser()
    events = [e for line, _ in DOC_LINES for e in p.parse(line)]
    assert events[0].text == "Sure! Adding the title "
    assert events[4].text.startswith("Done.") and events[4].aggregate  # after a partial chunk
    assert events[-2].error == "MODEL_ERROR: model error"
    assert events[-1].error == "RuntimeError: agent crash"


def test_whole_reply_without_partials_is_not_an_aggregate():
    ev = SseParser().parse('{"content":{"parts":[{"text":"Hi"}],"role":"model"}}')[0]
    assert ev.kind == K.TEXT and not ev.aggregate


@pytest.mark.parametrize(
    ("line", "expect"),
    [
        ('{"content":{"parts":[{"function_call":{"name":"probe","args":{"a":1}}}]}}', ("call", "probe")),
        ('{"content":{"parts":[{"function_response":{"name":"probe","response":{"ok":true}}}]}}', ("result", "probe")),
        ('{"actions":{"state_delta":{"draft_version":9}}}', ("state", "")),
        ('{"actions":{"artifactDelta":{"out.mp4":1}}}', ("state", "")),
        ('{"error_code":"X","error_message":"y"}', ("error", "")),
        ('{"type":"text","content":"hello"}', ("text", "")),
        ('{"type":"tool_call","name":"edit","args":{"x":1}}', ("call", "edit")),
        ('{"type":"tool_result","name":"edit","result":{"status":"ok"}}', ("result", "edit")),
        (
            '{"type":"heartbeat","progress":{"stage":"download","label":"video.mp4","bytes":123,"total":456,"speed":789.0,"eta":3.2,"percent":27.0}}',
            ("heartbeat", ""),
        ),
        ('{"content":{"parts":[{"text":"hmm","thought":true}]},"partial":true}', ("thought", "")),
        ("", ("heartbeat", "")),
        ("not json at all", ("raw", "")),
        ("[1, 2, 3]", ("raw", "")),
        ('{"something":"unknown"}', ("raw", "")),
        ('{"code":2001,"message":"out of credits"}', ("error", "")),
        ('{"code":0,"data":{}}', ("raw", "")),
    ],
)
def test_shapes(line, expect):
    events = SseParser().parse(line)
    assert (str(events[0].kind), events[0].name) == expect


def test_heartbeat_progress_and_summary():
    ev = SseParser().parse(
        '{"type":"heartbeat","progress":{"stage":"download","label":"video.mp4","bytes":123,"total":null,"speed":null,"eta":null,"percent":27.0}}'
    )[0]
    assert ev.progress["bytes"] == 123 and ev.progress["total"] is None
    assert ev.summary() == "heartbeat download video.mp4 27%"


def test_several_parts_give_several_events():
    line = '{"content":{"parts":[{"text":"a"},{"functionCall":{"name":"f","args":{}}},{"text":"b"}]},"partial":true}'
    assert kinds(SseParser().parse(line)) == ["partial", "call", "partial"]


# --- SSE framing --------------------------------------------------------------------------


def test_comment_lines_and_empty_data_are_heartbeats():
    events, unfinished = decode_all(b': ping\n\ndata:\n\ndata: {"type":"heartbeat"}\n\n')
    assert kinds(events) == ["heartbeat", "heartbeat", "heartbeat"]
    assert not unfinished


def test_crlf_multiline_data_and_other_fields():
    body = b'event: message\r\nid: 1\r\ndata: {"type":\r\ndata: "text","content":"x"}\r\n\r\nretry: 5\r\n\r\n'
    events, unfinished = decode_all(body)
    assert kinds(events) == ["text"] and events[0].text == "x"
    assert not unfinished


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1000])
def test_any_chunking_gives_the_same_events(chunk):
    body = fixture("edit-with-text.sse").replace(b"\n", b"\r\n")
    whole, _ = decode_all(fixture("edit-with-text.sse"))
    split, unfinished = decode_all(body, chunk)
    assert [(e.kind, e.text, e.aggregate) for e in split] == [(e.kind, e.text, e.aggregate) for e in whole]
    assert not unfinished


def test_invalid_utf8_is_raw():
    events, _ = decode_all(b'data: {"type":"text","content":"\xff\xfe"}\n\n')
    assert kinds(events) == ["raw"]
    assert "\ufffd" in events[0].raw


def test_huge_line_is_truncated_and_bounded():
    text = "x" * 3_000_000
    events = SseParser().parse(json.dumps({"type": "text", "content": text}))
    assert len(events[0].raw) < RAW_LIMIT + 100
    d = SseDecoder(max_event=100_000)
    out = []
    for _ in range(50):
        out += d.feed(b"data: " + b"y" * 10_000)  # never ends
    out += d.feed(b'\n\ndata: {"type":"heartbeat"}\n\n')
    assert kinds(out) == ["raw", "heartbeat"]
    assert len(out[0].raw) < RAW_LIMIT + 200
    assert sum(len(p) for p in d._pending) < 10


def test_token_in_a_payload_is_redacted_from_raw():
    from tui.api.errors import register_secret

    register_secret("plain-secret-value-123")
    events = SseParser().parse('{"error":"bad header Bearer abc.def and nmv_usr_zzz9 and plain-secret-value-123"}')
    for ev in events:
        assert "abc.def" not in ev.raw and "nmv_usr_zzz9" not in ev.raw and "plain-secret-value-123" not in ev.raw
        assert "nmv_usr_zzz9" not in ev.error and "plain-secret-value-123" not in ev.summary()


# --- hostile input (hypothesis) -------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "content",
                    "parts",
                    "text",
                    "partial",
                    "functionCall",
                    "function_call",
                    "name",
                    "args",
                    "functionResponse",
                    "response",
                    "actions",
                    "stateDelta",
                    "state_delta",
                    "type",
                    "error",
                    "errorCode",
                    "errorMessage",
                    "thought",
                    "progress",
                    "result",
                    "x",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _check_events(events):
    for ev in events:
        assert isinstance(ev, SseEvent)
        assert isinstance(ev.kind, EventKind)
        assert len(ev.raw) <= RAW_LIMIT + 200
        line = ev.summary()
        assert "\n" not in line and len(line) <= 100


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.integers(min_value=1, max_value=300))
def test_random_bytes_never_raise(body, chunk):
    d = SseDecoder(max_event=5000)
    events = []
    for i in range(0, len(body), chunk):
        events += d.feed(body[i : i + chunk])
    rest, _ = d.close()
    _check_events(events + rest)


@hsettings(max_examples=300, deadline=None)
@given(json_values)
def test_random_json_shapes_never_raise(value):
    p = SseParser()
    _check_events(p.parse(json.dumps(value)))


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_random_text_never_raises(text):
    events, _ = decode_all(b"data: " + text.encode("utf-8", "surrogatepass") + b"\n\n")
    _check_events(events)


@hsettings(max_examples=100, deadline=None)
@given(st.sampled_from([line for line, _ in DOC_LINES]), st.integers(min_value=0, max_value=200))
def test_broken_json_is_raw(line, cut):
    cut = min(cut, len(line) - 1)
    events = SseParser().parse(line[:cut])
    _check_events(events)
    assert kinds(events) in (["raw"], ["heartbeat"])


def test_deeply_nested_json_is_raw_not_recursion_error():
    events = SseParser().parse("[" * 100000 + "]" * 100000)
    assert kinds(events) == ["raw"]


async def test_ping_comments_through_run_and_early_stop_closes_the_stream(api, make_client):
    closed = []

    class Stream(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b": ping\n\n"
            yield fixture("plain-chat.sse")
            yield b": ping\n\n" * 3

        async def aclose(self):
            closed.append(True)

    api.add(
        "POST /run_sse", lambda req: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Stream())
    )
    async with make_client() as c:
        events = await collect(c)
        assert kinds(events) == ["heartbeat", "partial", "partial", "text", "heartbeat", "heartbeat", "heartbeat"]
        assert events[0].raw == ": ping"
        gen = c.run("sid1", "hi")
        first = await gen.__anext__()
        await gen.aclose()  # the user left: the connection is closed (ADK aborts the run)
    assert first.kind == K.HEARTBEAT
    assert len(closed) == 2


async def test_stream_without_content_type_is_still_parsed(api, make_client):
    api.add("POST /run_sse", httpx.Response(200, content=fixture("plain-chat.sse")))
    async with make_client() as c:
        events = await collect(c)
    assert kinds(events) == ["partial", "partial", "text"]


async def test_html_page_instead_of_a_stream_is_a_bad_response(api, make_client):
    from tui.api import BadResponse

    api.add("POST /run_sse", httpx.Response(200, html="<html><body>Gateway login</body></html>"))
    async with make_client() as c:
        with pytest.raises(BadResponse, match="web page"):
            await collect(c)
