"""The formats read is bounded: a site that never answers is given up at the time limit with
its worker's process group gone, and a long feed lists at most ``max_entries``."""

from __future__ import annotations

import http.server
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tui.engine.media.fetch import FetchRefused, stop_spare
from tui.engine.media.link_read import read_link_info


def _info_workers() -> list[int]:
    """Fetch workers of this process running an info job (not the idle warm spare)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"tui.engine.media.fetch_worker" in cmd and b"--wait" not in cmd:
            found.append(int(entry.name))
    return found


def test_a_site_that_never_answers_is_given_up_at_the_time_limit():
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True).start()
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/watch"
    stop_spare()  # the read runs in a new worker (a spare's command line would hide it)
    started = time.monotonic()
    try:
        with pytest.raises(FetchRefused, match="within 2 s"):
            read_link_info(url, timeout_s=2.0)
        assert time.monotonic() - started < 6.0
        assert _info_workers() == []
    finally:
        for s in held:
            s.close()
        silent.close()


def test_a_long_feed_lists_the_first_entries_and_says_there_are_more(tmp_path):
    items = "".join(
        f'<item><title>Episode {i}</title><enclosure url="https://cdn.example/{i}.mp4" type="video/mp4"/></item>'
        for i in range(1, 31)
    )
    (tmp_path / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Long show</title>{items}</channel></rss>'
    )

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {".xml": "application/rss+xml"}

        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp_path), **kw)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        data = read_link_info(f"http://127.0.0.1:{server.server_address[1]}/feed.xml", max_entries=25)
    finally:
        server.shutdown()
        server.server_close()
    assert data["kind"] == "playlist" and data["truncated"] is True
    assert [e["title"] for e in data["entries"]] == [f"Episode {i}" for i in range(1, 26)]
