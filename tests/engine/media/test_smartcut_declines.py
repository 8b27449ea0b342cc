"""Smart render (issue 19) on the split render: it declines, naming why, whenever the plan
holds something the copy would not reproduce exactly (the agent's effects, title positions,
the input normalisation of graph.py); a plain trim of the same source is still smart.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tui.engine.media.plan import plan_draft
from tui.engine.media.render import render_draft
from tui.engine.media.smartcut import Fallback, SmartPlan, SmartRequest, plan_smart_render
from tui.engine.media.smartcut.hook import request_from_render_plan

BT709 = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"


@pytest.fixture(scope="module")
def source(ffmpeg_exe, tmp_path_factory) -> Path:
    """4 s of 320x240 25 fps H.264 High (BT.709, an IDR a second) with 48 kHz stereo AAC."""
    out = tmp_path_factory.mktemp("declines") / "src.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=4",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=4",
            "-vf",
            BT709,
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "25",
            "-keyint_min",
            "25",
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-ac",
            "2",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def _draft(seg: dict | None = None, meta: dict | None = None, title: dict | None = None, music: dict | None = None):
    tracks = [{"tt": 0, "sg": [{"src": "v", "s": 0, "in": 520, "d": 2500, **(seg or {})}]}]
    if title is not None:
        tracks.append({"tt": 7, "sg": [{"text": "Hello", "s": 500, "d": 500, **title}]})
    if music is not None:
        tracks.append({"tt": 1, "sg": [{"src": "v", "s": 0, "in": 0, "d": 2000, "vol": 30, **music}]})
    return {"t": tracks, "m": {"resolution": "highest", **(meta or {})}}


def _decision(draft, sources):
    request = request_from_render_plan(plan_draft(draft, sources))
    return request if isinstance(request, Fallback) else plan_smart_render(request)


def test_a_plain_trim_with_a_centred_title_and_music_is_smart(source):
    decision = _decision(_draft(title={}, music={}), {"v": source})
    assert isinstance(decision, SmartPlan), decision
    assert isinstance(decision.request, SmartRequest) and decision.request.colour == (1, 1, 1, 1)
    assert len(decision.request.overlays) == 1 and "drawtext=" in decision.request.overlays[0].filter


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"seg": {"spd": 2}}, "plays at 2x"),
        ({"meta": {"fade_in": 500}}, "fades in or out"),
        ({"meta": {"fade_out": 300}}, "fades in or out"),
        ({"music": {"fi": 400}}, "the music fades"),
        ({"meta": {"fit": "crop"}}, "cropped to fill"),
        ({"title": {"pos": "top"}}, "placed off centre"),
        ({"meta": {"compact": True}}, "compressed"),
        ({"meta": {"max_mb": 5}}, "compressed"),
    ],
)
def test_the_agents_effects_make_it_decline(source, change, reason):
    draft = _draft(change.get("seg"), change.get("meta"), change.get("title"), change.get("music"))
    decision = _decision(draft, {"v": source})
    assert isinstance(decision, Fallback) and reason in decision.reason, decision


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("phone-90.mp4", "rotation"),
        ("anamorphic-hd.mp4", "non-square pixels"),
        ("audio-late.mp4", "do not start together"),
        ("video-late.mp4", "do not start together"),
        ("ten-bit-422.mkv", "10-bit"),
        ("hdr-pq.mp4", "HDR"),
        ("h264.ts", "do not start together"),  # MPEG-TS: the AAC starts a little after the picture
    ],
)
def test_sources_the_full_render_normalises_make_it_decline(zoo, name, reason):
    _, path = zoo[name]
    decision = _decision(
        {"t": [{"tt": 0, "sg": [{"src": "z", "s": 0, "in": 0, "d": 1500}]}], "m": {"resolution": "highest"}},
        {"z": path},
    )
    assert isinstance(decision, Fallback) and reason in decision.reason, decision


def test_a_main_profile_source_declines(ffmpeg_exe, tmp_path):
    main = tmp_path / "main.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=3",
            "-vf",
            BT709,
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-profile:v",
            "main",
            "-g",
            "25",
            "-pix_fmt",
            "yuv420p",
            str(main),
        ],
        check=True,
        capture_output=True,
    )
    decision = _decision(_draft(), {"v": main})
    assert isinstance(decision, Fallback) and "is H.264 Main (the export is High)" in decision.reason, decision


def test_a_declined_export_is_todays_full_re_encode(source, tmp_path):
    result = render_draft(_draft(seg={"spd": 2}), {"v": source}, tmp_path / "out.mp4")
    assert result.route == "full" and result.note == "full re-encode: v plays at 2x"
    assert result.notes == ()  # a decline is no news: the export is what it always was
    assert result.duration_s == pytest.approx(2.5, abs=0.05)
