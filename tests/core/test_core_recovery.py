"""The disconnect policy with a fake clock: 30 s, then every 60 s, up to 5 unchanged polls."""

from __future__ import annotations

import copy

from tui.api.errors import NetworkError
from tui.api.models import Draft, SessionState
from tui.core.recovery import recover_after_cut

BEFORE = {
    "t": [{"id": "v", "tt": 0, "name": "Video", "sg": [{"id": "s1", "name": "city.mp4", "s": 0, "d": 10000}]}],
    "d": 10000,
    "m": {"mute": False},
}
TITLED = copy.deepcopy(BEFORE)
TITLED["t"].append(
    {"id": "t", "tt": 7, "name": "Title", "sg": [{"id": "s3", "text": "Paradise Found", "s": 0, "d": 3000}]}
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def state(draft: dict, version: int | None = None) -> SessionState:
    return SessionState.parse({"state": {"draft": draft}, "version": version})


async def test_change_found_on_third_poll():
    t = FakeTime()
    answers = [state(BEFORE), state(BEFORE), state(TITLED)]
    polled_at: list[float] = []

    async def fetch():
        polled_at.append(t.now)
        return answers.pop(0)

    result = await recover_after_cut(Draft.parse(BEFORE), fetch, sleep=t.sleep)
    assert polled_at == [30, 90, 150]
    assert result.changed and result.outcome == "changed" and result.polls == 3
    assert result.lines == ['✅ Title added: "Paradise Found" (0–3s)']
    assert result.message.endswith('changed:\n✅ Title added: "Paradise Found" (0–3s)')
    assert result.draft is not None and len(result.draft.tracks) == 2


async def test_five_unchanged_polls_then_failed():
    t = FakeTime()
    polled_at: list[float] = []

    async def fetch():
        polled_at.append(t.now)
        return state(BEFORE)

    result = await recover_after_cut(Draft.parse(BEFORE), fetch, sleep=t.sleep)
    assert polled_at == [30, 90, 150, 210, 270]
    assert t.sleeps == [30, 60, 60, 60, 60]
    assert not result.changed and result.outcome == "failed" and result.polls == 5
    assert "Nothing was re-sent" in result.message and "retry" in result.message
    assert result.lines == []


async def test_network_errors_count_as_unchanged_polls():
    t = FakeTime()
    calls = 0

    async def fetch():
        nonlocal calls
        calls += 1
        if calls < 4:
            raise NetworkError()
        return {"state": {"draft": TITLED}}  # a raw state dict is fine too

    result = await recover_after_cut(BEFORE, fetch, sleep=t.sleep)
    assert result.changed and result.polls == 4
    assert len(result.errors) == 3 and "Cannot reach" in result.errors[0]


async def test_all_polls_failing_reports_failure():
    t = FakeTime()

    async def fetch():
        raise NetworkError()

    result = await recover_after_cut(Draft.parse(BEFORE), fetch, sleep=t.sleep)
    assert not result.changed and result.polls == 5 and result.draft is None


async def test_change_not_put_in_words_still_counts():
    t = FakeTime()
    after = copy.deepcopy(BEFORE)
    after["t"][0]["sg"][0]["effect"] = "sepia"  # a field the client does not model

    async def fetch():
        return Draft.parse(after)

    result = await recover_after_cut(Draft.parse(BEFORE), fetch, sleep=t.sleep)
    assert result.changed and result.polls == 1
    assert result.lines == ["✅ The project changed (see the timeline pane)."]


async def test_on_poll_callback_and_custom_policy():
    t = FakeTime()
    seen: list[tuple[int, bool]] = []

    async def fetch():
        return state(BEFORE)

    async def on_poll(n, changed):
        seen.append((n, changed))

    result = await recover_after_cut(
        Draft.parse(BEFORE), fetch, sleep=t.sleep, first_wait=1, interval=2, max_polls=3, on_poll=on_poll
    )
    assert t.sleeps == [1, 2, 2] and seen == [(1, False), (2, False), (3, False)]
    assert result.polls == 3
