"""The start of a /run_sse body is decided on bytes, not on how reads cut them: a UTF-8 BOM
split over the first reads (1+2, 2+1, one byte per read...) must not cost the first event."""

from __future__ import annotations

import itertools

import pytest

from tui.api.events import EventKind
from tui.api.sse import SseDecoder

BOM = b"\xef\xbb\xbf"
FIRST = b'data: {"content":{"parts":[{"text":"Hello"}],"role":"model"},"partial":true}\n\n'
SECOND = b'data: {"content":{"parts":[{"text":"Hello world"}],"role":"model"}}\n\n'


def decode(chunks: list[bytes]) -> list[tuple[EventKind, str]]:
    decoder = SseDecoder()
    events = [ev for chunk in chunks for ev in decoder.feed(chunk)]
    rest, unfinished = decoder.close()
    assert not unfinished
    return [(ev.kind, ev.text) for ev in events + rest]


EXPECTED = [(EventKind.PARTIAL, "Hello"), (EventKind.TEXT, "Hello world")]


@pytest.mark.parametrize("with_bom", [True, False], ids=["bom", "no-bom"])
def test_every_split_of_the_first_8_bytes(with_bom):
    body = (BOM if with_bom else b"") + FIRST + SECOND
    assert decode([body]) == EXPECTED
    # Two and three reads, cut anywhere in the first 8 bytes (the BOM and the "data:" field name).
    for cut in range(1, 9):
        assert decode([body[:cut], body[cut:]]) == EXPECTED, cut
    for a, b in itertools.combinations(range(1, 9), 2):
        assert decode([body[:a], body[a:b], body[b:]]) == EXPECTED, (a, b)


def test_one_byte_per_read_and_empty_reads():
    body = BOM + FIRST + SECOND
    assert decode([b""] + [body[i : i + 1] for i in range(len(body))]) == EXPECTED


def test_a_bom_later_in_the_stream_is_data_not_skipped():
    # Only the stream's first bytes may be a BOM; a U+FEFF later is part of a line (WHATWG).
    decoded = decode([FIRST, BOM + SECOND])
    assert decoded[0] == (EventKind.PARTIAL, "Hello") and len(decoded) == 1


def test_a_body_that_is_only_part_of_a_bom_yields_nothing_and_does_not_crash():
    decoder = SseDecoder()
    assert decoder.feed(BOM[:2]) == []
    events, _unfinished = decoder.close()
    assert events == []
