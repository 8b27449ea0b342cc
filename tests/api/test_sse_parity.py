"""The client frames SSE itself (to see `: ping` comments, to notice a stream cut in the
middle of an event, and to bound memory on a huge event). On every well-formed recorded
stream its framing must give exactly what the httpx-sse library gives."""

import dataclasses

import httpx
import pytest
from httpx_sse import aconnect_sse

from tests.fixture_paths import ADK_FIXTURES
from tui.api.events import EventKind
from tui.api.sse import SseDecoder, SseParser

COMPLETE_STREAMS = sorted(p for p in ADK_FIXTURES.glob("*.sse") if not p.name.startswith("cut-"))


def _comparable(events):
    return [dataclasses.replace(e, at=0.0) for e in events]


async def _library_payloads(body: bytes) -> list[str]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        async with aconnect_sse(client, "POST", "http://127.0.0.1:9/run_sse") as source:
            return [sse.data async for sse in source.aiter_sse()]


@pytest.mark.parametrize("path", COMPLETE_STREAMS, ids=lambda p: p.name)
@pytest.mark.parametrize("chunk", [1, 7, 4096])
async def test_framing_matches_httpx_sse(path, chunk):
    body = path.read_bytes()
    reference = SseParser()
    expected = [e for data in await _library_payloads(body) for e in reference.parse(data)]

    decoder = SseDecoder()
    got = [e for i in range(0, len(body), chunk) for e in decoder.feed(body[i : i + chunk])]
    rest, unfinished = decoder.close()
    got += rest

    # Comment lines are the one thing the library hides: they are heartbeats here.
    got = [e for e in got if not (e.kind is EventKind.HEARTBEAT and e.raw.startswith(":"))]
    assert not unfinished
    assert expected, "the recorded stream has events"
    assert _comparable(got) == _comparable(expected)


def test_a_cut_stream_is_noticed_where_the_library_says_nothing():
    body = (ADK_FIXTURES / "cut-after-two-events.sse").read_bytes()
    decoder = SseDecoder()
    events = decoder.feed(body)
    rest, unfinished = decoder.close()
    # Both partial chunks reach the user, and the caller learns the stream was cut.
    assert [e.kind for e in events + rest] == [EventKind.PARTIAL, EventKind.PARTIAL]
    assert unfinished
