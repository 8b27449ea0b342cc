"""/run_sse: ADK-shaped events like the recordings, silent runs, heartbeats, ingest in a run."""

from __future__ import annotations

import json

from tests.engine.engine_helpers import Api, fake_file, parts, texts
from tests.fixture_paths import ADK_FIXTURES

FIXTURES = ADK_FIXTURES


def _recorded(name: str) -> list[dict]:
    return [json.loads(line[6:]) for line in (FIXTURES / name).read_text().splitlines() if line.startswith("data: ")]


def _with_video(api: Api, tmp_path, **info) -> str:
    sid = api.session()
    assert api.upload(sid, fake_file(tmp_path, "city.mp4", **info))["code"] == 0
    return sid


def test_an_edit_run_looks_like_the_recorded_adk_stream(api, tmp_path):
    sid = _with_video(api, tmp_path)
    events = api.run(sid, "add the title 'Urban Dreams'")
    real = [e for e in events if e.get("type") != "heartbeat"]
    recorded = _recorded("edit-with-text.sse")

    # same sequence of kinds: partial..., aggregate, call, response, partial..., final text
    def kind(e):
        p = e["content"]["parts"][0]
        return (
            "call"
            if "functionCall" in p
            else "response"
            if "functionResponse" in p
            else ("partial" if e.get("partial") else "text")
        )

    squash = lambda ks: [k for i, k in enumerate(ks) if i == 0 or k != ks[i - 1]]  # noqa: E731
    assert squash([kind(e) for e in real]) == squash([kind(e) for e in recorded])
    # same fields, camelCase, author, one invocation id
    for mine, theirs in ((real[0], recorded[0]), (real[-1], recorded[-1])):
        assert list(mine) == list(theirs)
        assert list(mine["actions"]) == list(theirs["actions"])
    assert {e["invocationId"] for e in real} == {real[0]["invocationId"]}
    assert all(e["author"] == "nemo_agent" and e["id"] and isinstance(e["timestamp"], float) for e in real)
    # partial chunks add up to the aggregate that follows them
    first_partials = []
    for e in real:
        if not e.get("partial"):
            break
        first_partials.append(e["content"]["parts"][0]["text"])
    aggregate = real[len(first_partials)]["content"]["parts"][0]["text"]
    assert "".join(first_partials) == aggregate and "Urban Dreams" in aggregate
    # the tool call and its response
    call = parts(real, "functionCall")[0]
    assert call["name"] == "edit_multitrack" and call["args"] == {
        "operation": "add_text",
        "track_type": 7,
        "text": "Urban Dreams",
        "start_ms": 0,
        "duration_ms": 3000,
    }
    resp_event = next(e for e in real if "functionResponse" in e["content"]["parts"][0])
    resp = resp_event["content"]["parts"][0]["functionResponse"]
    assert resp_event["content"]["role"] == "user" and resp["id"] == call["id"]
    assert resp["response"]["status"] == "success"
    version = resp_event["actions"]["stateDelta"]["draft_version"]
    state = api.state(sid)["data"]
    assert state["version"] == version
    title = [t for t in state["state"]["draft"]["t"] if t["tt"] == 7][0]["sg"][0]
    assert (title["text"], title["s"], title["d"]) == ("Urban Dreams", 0, 3000)
    assert 'Title: "Urban Dreams" (0-3s)' in texts(real, partial=False)[-1]


def test_a_text_only_run_has_no_tools_and_no_version(api, tmp_path):
    sid = _with_video(api, tmp_path)
    version = api.state(sid)["data"]["version"]
    events = api.run(sid, "describe the timeline")
    assert not parts(events, "functionCall")
    assert texts(events, partial=False)[-1].startswith("Timeline (1 track): 1. Video: city.mp4 (0-10s)")
    assert api.state(sid)["data"]["version"] == version
    helpful = texts(api.run(sid, "make me a sandwich"), partial=False)[-1]
    for skill in ("trim", "title", "music", "mute", "9:16", "1080p"):
        assert skill in helpful


def test_silent_runs_have_tool_events_only(start_engine, tmp_path):
    eng = start_engine(silent_ratio=1.0)
    a = Api(eng.base_url).login()
    sid = _with_video(a, tmp_path)
    events = a.run(sid, "trim to 0-4 s")
    assert texts(events) == []
    assert [e["content"]["parts"][0].keys() for e in events if "content" in e] == [
        {"functionCall"},
        {"functionResponse"},
    ]
    assert a.draft(sid)["d"] == 4000
    history = a.http.get(f"/api/history/nemo_agent/me/{sid}", headers=a.auth).json()["data"]["messages"]
    assert [(m["role"], m["text"]) for m in history] == [("user", "trim to 0-4 s"), ("tool", "Trimmed to 0-4 s")]
    # a failing edit is never silent: the user is told why
    events = a.run(sid, "remove the title")
    assert "no title track" in texts(events, partial=False)[-1]


def test_silent_ratio_is_deterministic_per_session(start_engine, tmp_path):
    eng = start_engine(silent_ratio=0.3)
    a = Api(eng.base_url).login()
    sid = _with_video(a, tmp_path)
    silent = [not texts(a.run(sid, f"add the title 'T{i}' at {i % 5}s")) for i in range(10)]
    assert silent.count(True) == 3
    assert silent == [False, False, False, True, False, False, True, False, False, True]


def test_heartbeats_flow_while_a_tool_works(start_engine, tmp_path):
    eng = start_engine(heartbeat_interval=0.05, tool_delay=0.6)
    a = Api(eng.base_url).login()
    sid = _with_video(a, tmp_path)
    events = a.run(sid, "mute")
    kinds = [
        "hb"
        if e.get("type") == "heartbeat"
        else "call"
        if parts([e], "functionCall")
        else "resp"
        if parts([e], "functionResponse")
        else "text"
        for e in events
    ]
    between = kinds[kinds.index("call") + 1 : kinds.index("resp")]
    assert between.count("hb") >= 4 and set(between) == {"hb"}
    assert events[kinds.index("hb")] == {"type": "heartbeat"}


def test_a_url_in_the_message_is_fetched_during_the_run_with_progress(start_engine, fake_media):
    fake_media.ingest_delay = 0.3
    eng = start_engine(heartbeat_interval=0.05)
    a = Api(eng.base_url).login()
    sid = a.session()
    events = a.run(sid, "download https://videos.example/clip in MP4 at the highest available resolution")
    progress = [e["progress"] for e in events if e.get("type") == "heartbeat" and "progress" in e]
    assert progress and progress[0]["stage"] == "download"
    percents = [p["percent"] for p in progress if p["stage"] == "download"]
    assert percents == sorted(percents) and percents[-1] == 100.0 and progress[0]["total"] == 1000
    assert any(p["stage"] == "probe" for p in progress)
    calls = parts(events, "functionCall")
    assert [c["name"] for c in calls] == ["ingest_media", "edit_multitrack"]
    assert calls[0]["args"]["url"] == "https://videos.example/clip"
    draft = a.draft(sid)
    assert draft["t"][0]["sg"][0]["d"] == 8000 and draft["m"]["resolution"] == "highest"
    assert (draft["m"]["width"], draft["m"]["height"]) == (1280, 720)
    # the same link again is not fetched twice
    again = a.run(sid, "https://videos.example/clip make it 720p")
    assert [c["name"] for c in parts(again, "functionCall")] == ["edit_multitrack"]
    assert a.credits()["available"] == 980
    known = texts(a.run(sid, "https://videos.example/clip"), partial=False)[-1]
    assert known.startswith("That link is already in this project.") and "clip.mp4" in known
    assert a.credits()["available"] == 980


def test_a_flood_of_download_progress_is_throttled_on_the_stream(start_engine, fake_media):
    fake_media.ingest_delay, fake_media.ingest_steps = 0.5, 2000
    eng = start_engine(heartbeat_interval=10)
    a = Api(eng.base_url).login()
    events = a.run(a.session(), "https://videos.example/clip")
    progress = [e["progress"] for e in events if e.get("type") == "heartbeat"]
    assert 2 <= len(progress) <= 15 and progress[-2]["percent"] == 100.0 and progress[-1]["stage"] == "probe"


def test_a_failed_fetch_is_told_and_costs_nothing(engine, api):
    sid = api.session()
    events = api.run(sid, "get https://videos.example/404.mp4")
    resp = parts(events, "functionResponse")[0]
    assert resp["response"]["status"] == "error" and "404" in resp["response"]["message"]
    assert "404" in texts(events, partial=False)[-1]
    assert api.credits() == {"available": 1000, "frozen": 0, "total": 1000}


def test_chat_history_is_stored_per_session(api, tmp_path):
    sid = _with_video(api, tmp_path)
    api.run(sid, "trim to 0-5 s")
    api.run(sid, "show the timeline")
    other = api.session()
    history = api.http.get(f"/api/history/nemo_agent/me/{sid}", headers=api.auth).json()["data"]
    assert [(m["role"], m["text"][:14]) for m in history["messages"]] == [
        ("user", "trim to 0-5 s"),
        ("agent", "Done: Trimmed "),
        ("user", "show the timel"),
        ("agent", "Timeline (1 tr"),
    ]
    assert [d["reason"] for d in history["drafts"]] == ["created", "upload", "trim"]
    assert api.http.get(f"/api/history/nemo_agent/me/{other}", headers=api.auth).json()["data"]["messages"] == []


def test_many_edits_in_one_message(api, tmp_path):
    sid = api.session()
    api.upload(sid, fake_file(tmp_path, "city.mp4", duration_s=20), fake_file(tmp_path, "lofi.mp3", duration_s=60))
    events = api.run(
        sid,
        "keep the first 10 seconds, make it vertical 1080p, add music at 35% "
        "and add the title 'Urban Dreams' from 1s to 4s",
    )
    ops = [c["args"]["operation"] for c in parts(events, "functionCall")]
    assert ops == ["trim", "set_aspect", "set_output", "add_audio", "add_text"]  # in the order written
    draft = api.draft(sid)
    assert draft["d"] == 10000 and (draft["m"]["width"], draft["m"]["height"]) == (1080, 1920)
    bgm = [t for t in draft["t"] if t["tt"] == 1][0]["sg"][0]
    assert (bgm["vol"], bgm["d"]) == (35, 10000)
    events = api.run(sid, "remove the music and mute")
    draft = api.draft(sid)
    assert [t["tt"] for t in draft["t"]] == [0, 7] and draft["m"]["mute"] is True


def test_every_change_is_a_version_and_old_versions_stay_readable(api, tmp_path):
    sid = _with_video(api, tmp_path)
    api.run(sid, "add the title 'One'")
    api.run(sid, "remove the title")
    latest = api.state(sid)["data"]
    assert latest["version"] == 4 and [t["tt"] for t in latest["state"]["draft"]["t"]] == [0]
    with_title = api.http.get(f"/api/state/nemo_agent/me/{sid}/latest?version=3", headers=api.auth).json()["data"]
    assert with_title["version"] == 3 and [t["tt"] for t in with_title["state"]["draft"]["t"]] == [0, 7]
    missing = api.http.get(f"/api/state/nemo_agent/me/{sid}/latest?version=9", headers=api.auth)
    assert missing.status_code == 404


def test_asking_for_edits_before_any_video_costs_nothing(api):
    sid = api.session()
    events = api.run(sid, "download this video in MP4 at the highest available resolution")
    assert not parts(events, "functionCall")
    assert "no video in this project yet" in texts(events, partial=False)[-1]
    assert api.credits() == {"available": 1000, "frozen": 0, "total": 1000}


def test_two_runs_at_once_on_one_session_both_land(start_engine, tmp_path):
    import threading

    eng = start_engine(tool_delay=0.3)
    a = Api(eng.base_url).login()
    sid = _with_video(a, tmp_path)
    threads = [
        threading.Thread(target=a.run, args=(sid, f"add the title '{name}' at {i}s"))
        for i, name in enumerate(["First", "Second"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    titles = sorted(s["text"] for t in a.draft(sid)["t"] if t["tt"] == 7 for s in t["sg"])
    assert titles == ["First", "Second"]
    assert a.state(sid)["data"]["version"] == 4  # created, upload, two edits: none overwritten


def test_hanging_up_during_a_download_stops_it(start_engine, fake_media):
    import time

    fake_media.ingest_delay = 3.0
    eng = start_engine(heartbeat_interval=0.05)
    a = Api(eng.base_url).login()
    sid = a.session()
    with a.http.stream(
        "POST",
        "/run_sse",
        headers=a.auth,
        json={"session_id": sid, "new_message": {"parts": [{"text": "https://videos.example/c"}]}},
    ) as r:
        for line in r.iter_lines():
            if '"progress"' in line:
                break
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and a.credits()["frozen"]:
        time.sleep(0.05)
    assert a.credits() == {"available": 1000, "frozen": 0, "total": 1000}
    time.sleep(1.0)  # the fake download checks its cancel flag between steps
    assert fake_media.ingest_cancelled
    assert a.draft(sid)["t"] == [] and a.state(sid)["data"]["state"]["ingests"] == []


def test_an_agent_crash_ends_with_adks_error_frame_and_costs_nothing(api, tmp_path, monkeypatch):
    from tui.engine import agent

    sid = _with_video(api, tmp_path)

    def boom(*args, **kwargs):
        raise RuntimeError("agent crash")

    monkeypatch.setattr(agent, "apply_call", boom)
    events = api.run(sid, "trim to 0-3 s")
    assert events[-1]["error"] == "RuntimeError: agent crash"
    assert events[-1]["error_details"]["error_type"] == "RuntimeError"
    assert api.credits() == {"available": 1000, "frozen": 0, "total": 1000}
    assert api.draft(sid)["d"] == 10000
