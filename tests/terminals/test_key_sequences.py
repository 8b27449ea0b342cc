"""Every default binding, as the bytes real terminals send, through Textual's own input parser
(issue 15 "Keys"): xterm, tmux (current, and 3.2 with TERM=screen), rxvt, the Linux console
and GNU screen. ``pilot.press`` skips the decoding; this test does not."""

from __future__ import annotations

import time

import pytest
from textual._xterm_parser import XTermParser

from tui.ui.actions import ACTIONS, action_name

_F_TILDE = {"f5": 15, "f6": 17, "f7": 18, "f8": 19, "f9": 20, "f10": 21, "f11": 23, "f12": 24}
_XTERM = {
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    **{k: f"\x1b[{n}~" for k, n in _F_TILDE.items()},
    "shift+f5": "\x1b[15;2~",
    "shift+f9": "\x1b[20;2~",
}
# What each terminal sends for the keys the app binds (terminfo kf1..kf24 and the emulators'
# own tables); a key missing from a terminal's table cannot be typed there.
TERMINALS: dict[str, dict[str, str]] = {
    "xterm": _XTERM,
    "tmux": _XTERM,  # TERM=tmux-256color passes xterm's modified keys
    "tmux-3.2": {**{k: v for k, v in _XTERM.items() if not k.startswith("shift+")}, "shift+f5": "\x1b[31~"},
    "rxvt": {
        "f1": "\x1b[11~",
        "f2": "\x1b[12~",
        "f3": "\x1b[13~",
        "f4": "\x1b[14~",
        **{k: f"\x1b[{n}~" for k, n in _F_TILDE.items()},
        "shift+f5": "\x1b[28~",
        "shift+f9": "\x1b[33~",  # rxvt: shift+Fn = F(n+10)
    },
    "linux": {
        "f1": "\x1b[[A",
        "f2": "\x1b[[B",
        "f3": "\x1b[[C",
        "f4": "\x1b[[D",
        "f5": "\x1b[[E",
        **{k: f"\x1b[{n}~" for k, n in _F_TILDE.items() if k != "f5"},
        "shift+f5": "\x1b[31~",  # the console: shift+Fn = F(n+12); shift+F9 sends nothing
    },
    "screen": {k: v for k, v in _XTERM.items() if not k.startswith("shift+")},
}
SPECIAL = {"escape": "\x1b", "ctrl+backslash": "\x1c"}


def encode(terminal: str, key: str) -> str | None:
    """The bytes ``terminal`` sends for the Textual key name ``key`` (None: it cannot)."""
    if key.startswith("ctrl+") and len(key) == 6 and key[-1].isalpha():
        return chr(ord(key[-1]) - 96)  # ctrl+letter: one byte everywhere
    if key in SPECIAL:
        return SPECIAL[key]
    return TERMINALS[terminal].get(key)


def parse(data: str) -> list:
    parser = XTermParser()
    events = list(parser.feed(data))
    if data == "\x1b":  # a lone Escape is told from a sequence by a short wait
        time.sleep(0.15)
        events += list(parser.tick())
    return [e for e in events if e.__class__.__name__ == "Key"]


def _everywhere(key: str) -> bool:
    """Every terminal can send ``key`` and Textual reads each of its forms as that key."""
    sent = [encode(t, key) for t in TERMINALS]
    return all(data is not None for data in sent) and all(
        [e.key for e in parse(data)] == [key] for data in set(sent) if data is not None
    )


def test_every_action_has_a_key_every_terminal_sends():
    for action in ACTIONS:
        universal = [key for key in action.keys.split(",") if _everywhere(key)]
        assert universal, f"{action.id}: no key that every terminal sends ({action.keys})"
    # and shift+F5, the one modified key of a feature, also has a plain twin (ctrl+d)
    assert _everywhere("ctrl+d") and not _everywhere("shift+f5")


@pytest.mark.parametrize("terminal", sorted(TERMINALS))
async def test_every_default_binding_fires_from_the_raw_bytes(make_app, terminal):
    app = make_app(connect=False)
    fired: list[tuple[str, str]] = []

    async def record(namespace, name, params) -> bool:
        fired.append((type(namespace).__name__, name))
        return True

    async with app.run_test(size=(120, 40)) as pilot:
        app._dispatch_action = record  # see the action, run nothing (quit, dialogs)
        typed = 0
        for action in ACTIONS:
            for key in action.keys.split(","):
                data = encode(terminal, key)
                if data is None:
                    continue
                events = parse(data)
                assert len(events) == 1, (terminal, key, data, events)
                fired.clear()
                app.post_message(events[0])
                await pilot.pause()
                expected = action_name(action.target)
                assert expected in [name for _ns, name in fired], (terminal, key, repr(data), events[0].key, fired)
                typed += 1
        assert typed >= len(ACTIONS)
