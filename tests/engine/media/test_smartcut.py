"""Smart render (issue 19): the copy + edge re-encode equals the full re-encode a user would get.

Sources are made here: 320x240 25 fps H.264/AAC, an IDR every 25 frames with B-frames, an
open-GOP one (one IDR), one with an edit list (stream copy from 0.52 s: the first 12 frames
hang off a discarded keyframe). Each case renders the same draft twice, through the smart
hook and with allow_smart=False (the reference), then compares what a viewer would see.
"""

from __future__ import annotations

import hashlib
import math
import random
import subprocess
import threading
from fractions import Fraction
from pathlib import Path

import av
import pytest

from tui.engine.media.probe import probe
from tui.engine.media.render import render_draft
from tui.engine.media.smartcut import (
    ClipSpan,
    Fallback,
    Overlay,
    SmartPlan,
    SmartRequest,
    plan_smart_render,
)

FPS = 25


MONO_TONE = "sine=frequency=440:sample_rate=44100:duration=8"
# 50 ms of 880 Hz at the start of every second, silence between: onsets show any audio shift.
STEREO_BLIPS = "aevalsrc='if(lt(mod(t\\,1)\\,0.05)\\,0.5*sin(2*PI*880*t)\\,0)':s=48000:c=stereo:d=8"


# What cameras, phones and sites write for HD, and what the full render writes: BT.709,
# limited range. The full render converts any other colour (an untagged source counts as
# BT.601), so only such a source can be copied (see test_untagged_colour_falls_back).
BT709 = "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709"


def _encode(
    ffmpeg_exe: str,
    out: Path,
    *extra: str,
    audio: str = MONO_TONE,
    colour: str = BT709,
    rate: str = str(FPS),
    gop: int = 25,
    codec: str = "libx264",
) -> Path:
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x240:rate={rate}:duration=8",
            "-f",
            "lavfi",
            "-i",
            audio,
            "-vf",
            colour,
            "-c:v",
            codec,
            "-preset",
            "veryfast",
            "-g",
            str(gop),
            "-keyint_min",
            str(gop),
            "-sc_threshold",
            "0",
            "-bf",
            "2",
            *extra,
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-shortest",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="session")
def sources(ffmpeg_exe, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("smartcut")
    closed = _encode(ffmpeg_exe, folder / "closed.mp4")
    opened = _encode(ffmpeg_exe, folder / "open.mp4", "-x264-params", "open-gop=1")
    edit = folder / "editlist.mp4"
    subprocess.run(
        [ffmpeg_exe, "-v", "error", "-y", "-ss", "0.52", "-i", str(closed), "-c", "copy", str(edit)],
        check=True,
        capture_output=True,
    )
    mpeg4 = folder / "mpeg4.mp4"
    subprocess.run(
        [
            ffmpeg_exe,
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x240:rate={FPS}:duration=4",
            "-c:v",
            "mpeg4",
            "-g",
            "25",
            str(mpeg4),
        ],
        check=True,
        capture_output=True,
    )
    stereo = _encode(ffmpeg_exe, folder / "stereo48k.mp4", audio=STEREO_BLIPS)
    untagged = _encode(ffmpeg_exe, folder / "untagged.mp4", colour="null")
    return {
        "closed": closed,
        "open": opened,
        "editlist": edit,
        "mpeg4": mpeg4,
        "stereo48k": stereo,
        "untagged": untagged,
    }


def draft(clips, titles=(), width=320, height=240, fps=FPS, resolution="highest", music=None, volume=100):
    video = [
        {
            "id": f"seg{i}",
            "name": "clip.mp4",
            "src": src,
            "s": 0,
            "d": round(d * 1000),
            "in": round(i_s * 1000),
            "vol": volume,
        }
        for i, (src, i_s, d) in enumerate(clips)
    ]
    tracks = [{"id": "trk_v", "tt": 0, "sg": video}]
    if music:
        src, start, dur = music
        tracks.append(
            {
                "id": "trk_a",
                "tt": 1,
                "sg": [
                    {
                        "id": "m",
                        "name": "music.mp3",
                        "src": src,
                        "s": round(start * 1000),
                        "d": round(dur * 1000),
                        "in": 0,
                        "vol": 35,
                    }
                ],
            }
        )
    if titles:
        tracks.append(
            {
                "id": "trk_t",
                "tt": 7,
                "sg": [
                    {"id": f"t{k}", "text": text, "s": round(s * 1000), "d": round((e - s) * 1000)}
                    for k, (text, s, e) in enumerate(titles)
                ],
            }
        )
    return {"t": tracks, "m": {"width": width, "height": height, "fps": fps, "resolution": resolution}}


def frames(path: Path) -> list[bytes]:
    """Every picture, decoded, as its Y, U and V samples (row padding removed)."""
    out = []
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            data = bytearray()
            for plane in frame.planes:
                raw = bytes(plane)
                for row in range(plane.height):
                    data += raw[row * plane.line_size : row * plane.line_size + plane.width]
            out.append(bytes(data))
    return out


def stream_format(path: Path) -> tuple:
    """What a player reads about the format: codecs, H.264 profile, pixel format, every
    picture's colour description, the audio's profile/rate/channels, moov before mdat."""
    with av.open(str(path)) as container:
        v, a = container.streams.video[0], container.streams.audio[0]
        colours = {(f.color_primaries, f.color_trc, f.colorspace, f.color_range) for f in container.decode(v)}
        fmt = (
            v.codec_context.name,
            v.codec_context.profile,
            v.codec_context.pix_fmt,
            tuple(sorted(colours)),
            a.codec_context.name,
            a.codec_context.profile,
            a.codec_context.sample_rate,
            a.codec_context.channels,
        )
    data, pos, top = path.read_bytes(), 0, []
    while pos + 8 <= len(data):  # top-level boxes (ISO/IEC 14496-12 4.2), 32-bit sizes are enough here
        size = int.from_bytes(data[pos : pos + 4], "big")
        top.append(data[pos + 4 : pos + 8])
        pos += max(size, 8)
    return fmt + (top.index(b"moov") < top.index(b"mdat"),)


def psnr(a: bytes, b: bytes) -> float:
    mse = sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) / len(a)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


# A seek onto an open-GOP keyframe (a recovery point, not an IDR) makes the decoder complain
# about the leading B-frames it drops: the source does exactly the same at that point.
OPEN_GOP_SEEK_NOISE = ("mmco: unref short failure", "Last message repeated")


def decodes_cleanly(ffmpeg_exe: str, path: Path, *seek: str, tolerate: tuple[str, ...] = ()) -> None:
    proc = subprocess.run(
        [ffmpeg_exe, "-v", "error", "-xerror", *seek, "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    noise = [line for line in proc.stderr.splitlines() if line.strip() and not any(t in line for t in tolerate)]
    assert proc.returncode == 0 and not noise, proc.stderr[-800:]


def stream_spans(path: Path) -> dict[str, tuple[float, float]]:
    """(start, end) in seconds of the decoded video and audio (edit lists applied), as a player shows them."""
    spans: dict[str, tuple[float, float]] = {}
    for kind in ("video", "audio"):
        with av.open(str(path)) as container:
            stream = container.streams.video[0] if kind == "video" else container.streams.audio[0]
            decoded = list(container.decode(stream))
            first, last = decoded[0], decoded[-1]
            length = last.samples / last.sample_rate if kind == "audio" else float(1 / stream.average_rate)
            spans[kind] = (float(first.pts * first.time_base), float(last.pts * last.time_base) + length)
    return spans


def same_pictures(a: Path, b: Path) -> None:
    """Two runs of today's full re-encode: same frames and duration; x264 under load is not
    bit-exact run to run, so the pictures are compared by PSNR (every 4th frame)."""
    fa, fb = frames(a), frames(b)
    assert len(fa) == len(fb)
    assert probe(a).duration_s == probe(b).duration_s
    assert all(psnr(x, y) >= 40 for x, y in list(zip(fa, fb, strict=True))[::4])


def check_against_full(ffmpeg_exe, tmp_path, sources, clips, titles=(), *, expect_smart=True, fps=FPS, hevc=False):
    d = draft(clips, titles, fps=fps)
    srcs = {k: str(v) for k, v in sources.items()}
    smart = render_draft(d, srcs, tmp_path / "smart.mp4")
    full = render_draft(d, srcs, tmp_path / "full.mp4", allow_smart=False)
    assert full.route == "full"
    request = SmartRequest(
        clips=tuple(ClipSpan(sources[s], i, du) for s, i, du in clips),
        width=320,
        height=240,
        fps=fps,
        total_s=sum(du for _, _, du in clips),
        overlays=tuple(Overlay(s, e, "null") for _, s, e in titles),
    )
    plan = plan_smart_render(request)
    if not expect_smart:
        assert isinstance(plan, Fallback) and smart.route == "full"
        assert smart.note.startswith("full re-encode: ")
        same_pictures(smart.path, full.path)  # the same pictures as today
        return plan
    assert isinstance(plan, SmartPlan), plan
    assert smart.route == "smart" and smart.note == plan.note(), smart.note
    got, ref = frames(smart.path), frames(full.path)
    assert len(got) == len(ref) == plan.frames
    if hevc:  # an HEVC source stays HEVC (the full render makes H.264): the rest is the same
        assert stream_format(smart.path)[:2] == ("hevc", "Main")
        assert stream_format(smart.path)[2:] == stream_format(full.path)[2:]
    else:
        assert stream_format(smart.path) == stream_format(full.path)  # High, yuv420p, BT.709 tv, AAC-LC, faststart
    assert probe(smart.path).duration_s == pytest.approx(probe(full.path).duration_s, abs=0.03)
    decodes_cleanly(ffmpeg_exe, smart.path)

    # Frames at and around every cut point: copied ones are the source's, bit for bit;
    # re-encoded ones within 40 dB of the source; all within 40 dB of the full re-encode's.
    source_frames = {s: frames(sources[s]) for s in {c[0] for c in clips}}
    watch: set[int] = set()
    for run in plan.runs:
        for j in (run.out_start, run.out_start + run.count - 1):
            watch.update(k for k in range(j - 2, j + 3) if 0 <= k < plan.frames)
    for run in plan.runs:
        src = source_frames[clips[run.clip][0]]
        facts = plan.facts[run.clip]  # indexes are into the frames it read: back to the file's frame numbers
        first = (facts.pts[run.first] - facts.start_ticks) // facts.frame_ticks
        for j in sorted(k for k in watch if run.out_start <= k < run.out_start + run.count):
            original = src[first + max(0, j - run.out_start - run.lead)]  # (a repeated first frame)
            if run.copy:
                assert hashlib.md5(got[j]).digest() == hashlib.md5(original).digest(), f"copied frame {j}"
            elif not titles:
                assert psnr(got[j], original) >= 40, f"re-encoded frame {j}"
            assert psnr(got[j], ref[j]) >= 40, f"frame {j} vs the full re-encode"

    # Sound and picture start together and end together (within one AAC frame).
    spans, ref_spans = stream_spans(smart.path), stream_spans(full.path)
    one_audio_frame = 1024 / 48000
    assert abs(spans["audio"][0] - spans["video"][0]) <= one_audio_frame
    assert abs(spans["audio"][1] - ref_spans["audio"][1]) <= one_audio_frame
    assert abs(spans["video"][0] - ref_spans["video"][0]) <= 1e-3
    assert abs(spans["video"][1] - ref_spans["video"][1]) <= 1e-3

    # It plays from anywhere: 5 seek points decode without error, showing the reference's picture.
    rng = random.Random(19)
    for _ in range(5):
        t = round(rng.uniform(0, float(plan.frames / plan.fps) - 0.2), 2)
        open_gop = any(c[0] == "open" for c in clips)
        decodes_cleanly(ffmpeg_exe, smart.path, "-ss", str(t), tolerate=OPEN_GOP_SEEK_NOISE if open_gop else ())
        grab = [
            ffmpeg_exe,
            "-v",
            "error",
            "-ss",
            str(t),
            "-i",
            "{}",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "-",
        ]
        a = subprocess.run([x.replace("{}", str(smart.path)) for x in grab], capture_output=True, check=True).stdout
        b = subprocess.run([x.replace("{}", str(full.path)) for x in grab], capture_output=True, check=True).stdout
        assert len(a) == len(b) == 320 * 240 * 3 // 2 and psnr(a, b) >= 40, t
    return plan


@pytest.mark.parametrize(
    ("name", "clips", "copied_runs"),
    [
        ("at keyframes", [("closed", 1.0, 4.0)], 1),
        ("between keyframes", [("closed", 1.52, 4.2)], 1),
        ("one frame after a keyframe", [("closed", 1.04, 3.96)], 1),
        # 0.6 frame before frame 39: the full render shows frame 39 twice (its fps filter rounds)
        ("an in-point between two frames", [("closed", 1.535, 3.0)], 1),
        ("from the very start", [("closed", 0.0, 3.1)], 1),
        ("to the very end", [("closed", 5.32, 2.68)], 1),
        ("a middle range cut out", [("closed", 0.0, 2.6), ("closed", 5.2, 2.8)], 2),
        ("an edit list source", [("editlist", 0.2, 4.0)], 1),
        ("open GOPs, from the start", [("open", 0.0, 3.1)], 1),  # leading B-frames go with the edge
    ],
)
def test_smart_trims_equal_the_full_re_encode(ffmpeg_exe, tmp_path, sources, name, clips, copied_runs):
    plan = check_against_full(ffmpeg_exe, tmp_path, sources, clips)
    assert sum(1 for r in plan.runs if r.copy) == copied_runs, plan.runs


def test_a_title_over_two_seconds_re_encodes_only_its_gops(ffmpeg_exe, tmp_path, sources):
    plan = check_against_full(ffmpeg_exe, tmp_path, sources, [("closed", 0.0, 8.0)], [("Urban Dreams", 3.1, 5.1)])
    encoded = [(r.out_start, r.count) for r in plan.runs if not r.copy]
    assert encoded == [(75, 75)]  # GOPs 75-99, 100-124, 125-149: the ones the title shows on
    assert plan.note() == "smart render: 3 s of 8 re-encoded"


def test_an_open_gop_source_falls_back_to_the_same_result(ffmpeg_exe, tmp_path, sources):
    plan = check_against_full(ffmpeg_exe, tmp_path, sources, [("open", 1.52, 3.0)], expect_smart=False)
    assert "no IDR frames to cut at" in plan.reason  # its keyframes are recovery points, not IDRs


def onsets(path: Path) -> list[float]:
    """Seconds at which each blip of STEREO_BLIPS starts in the file's decoded sound."""
    found, last, n = [], -1.0, 0
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                samples = memoryview(bytes(out.planes[0])).cast("h")[: out.samples]
                for k, value in enumerate(samples):
                    t = (n + k) / 48000
                    if abs(value) > 8000 and t - last > 0.5:
                        found.append(t)
                    if abs(value) > 8000:
                        last = t
                n += out.samples
    return found


def test_untouched_stereo_aac_is_copied_in_sync(ffmpeg_exe, tmp_path, sources):
    """A 48 kHz stereo AAC track is copied, not re-encoded, and its sound lands where the full render puts it."""
    check_against_full(ffmpeg_exe, tmp_path, sources, [("stereo48k", 1.52, 4.2)])
    with av.open(str(tmp_path / "smart.mp4")) as container:
        assert container.streams.audio[0].codec_context.bit_rate < 150_000  # the source's 128k, not 192k
    got, ref = onsets(tmp_path / "smart.mp4"), onsets(tmp_path / "full.mp4")
    assert len(got) == len(ref) == 4
    assert all(abs(a - b) <= 1024 / 48000 for a, b in zip(got, ref, strict=True)), (got, ref)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"width": 640, "height": 480, "resolution": "480p"}, "is 320x240, the export 640x480"),
        ({"fps": 30}, "is 25.000 fps, the export 30.000 fps"),
    ],
)
def test_fallbacks_produce_todays_result(tmp_path, sources, change, reason):
    d = draft([("closed", 1.52, 2.0)], **change)
    srcs = {k: str(v) for k, v in sources.items()}
    smart = render_draft(d, srcs, tmp_path / "a.mp4")
    full = render_draft(d, srcs, tmp_path / "b.mp4", allow_smart=False)
    assert smart.route == "full" and reason in smart.note
    same_pictures(smart.path, full.path)


def test_untagged_colour_falls_back(tmp_path, sources):
    """The full render reads an untagged source as BT.601 and converts it to BT.709: its
    pictures change, so copying them would not be the same export."""
    d = draft([("untagged", 1.52, 2.0)])
    srcs = {k: str(v) for k, v in sources.items()}
    smart = render_draft(d, srcs, tmp_path / "a.mp4")
    full = render_draft(d, srcs, tmp_path / "b.mp4", allow_smart=False)
    assert smart.route == "full" and "has no colour tags, the export BT.709 limited range" in smart.note, smart.note
    assert smart.note not in smart.notes  # a plain decline is no news for the user
    same_pictures(smart.path, full.path)


def test_the_planner_names_what_it_cannot_copy(sources):
    def why(**kw):
        base = {
            "clips": (ClipSpan(sources["closed"], 1.5, 2.0),),
            "width": 320,
            "height": 240,
            "fps": FPS,
            "total_s": 2.0,
        }
        base.update(kw)
        result = plan_smart_render(SmartRequest(**base))
        assert isinstance(result, Fallback)
        return result.reason

    assert "not H.264" in why(clips=(ClipSpan(sources["mpeg4"], 1.0, 2.0),))
    assert "every frame" in why(whole_picture_filters=("eq=brightness=0.1",))
    assert "past its last frame" in why(clips=(ClipSpan(sources["closed"], 7.0, 2.0),))
    assert "25.000 fps, the export 29.970 fps" in why(fps=29.97)
    plan = plan_smart_render(
        SmartRequest(clips=(ClipSpan(sources["closed"], 0.0, 8.0),), width=320, height=240, fps=FPS, total_s=8.0)
    )
    assert isinstance(plan, SmartPlan) and plan.reencoded_frames == 0 and plan.frames == 200
    assert plan.fps == Fraction(25)


def test_cancel_stops_the_smart_render_and_leaves_nothing(tmp_path, sources):
    from tui.engine.media import RenderCancelled

    cancel = threading.Event()
    out = tmp_path / "renders" / "out.mp4"
    with pytest.raises(RenderCancelled):
        render_draft(
            draft([("closed", 1.52, 4.2)]),
            {"closed": str(sources["closed"])},
            out,
            progress=lambda pct: cancel.set(),
            cancel=cancel,
        )
    assert list((tmp_path / "renders").iterdir()) == []


def test_a_failing_smart_render_falls_back_to_the_full_re_encode(tmp_path, sources, monkeypatch):
    from tui.engine.media.smartcut import run as smart_run

    monkeypatch.setattr(smart_run, "edge_command", lambda *a: ["-v", "error", "-i", str(tmp_path / "nothing.mp4")])
    d = draft([("closed", 1.52, 2.0)])
    result = render_draft(d, {"closed": str(sources["closed"])}, tmp_path / "out" / "a.mp4")
    reference = render_draft(d, {"closed": str(sources["closed"])}, tmp_path / "b.mp4", allow_smart=False)
    assert result.route == "full" and "the smart render failed" in result.note
    same_pictures(result.path, reference.path)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.mp4"]


def test_music_and_volume_re_encode_only_the_sound(tmp_path, sources, make_audio):
    """A trim with music mixed in and the clip at 50 %: pictures copied as usual, sound as the full render makes it."""
    srcs = {"stereo48k": str(sources["stereo48k"]), "music": str(make_audio(seconds=3, ext="mp3", frequency=330))}
    d = draft([("stereo48k", 1.52, 4.2)], music=("music", 0.5, 3.0), volume=50)
    smart = render_draft(d, srcs, tmp_path / "smart.mp4")
    full = render_draft(d, srcs, tmp_path / "full.mp4", allow_smart=False)
    assert smart.route == "smart", smart.note

    def sound(path: Path) -> list[bytes]:
        with av.open(str(path)) as container:
            return [bytes(p) for p in container.demux(container.streams.audio[0]) if p.size]

    # The same audio graph and encoder: the AAC packets are the full render's, byte for byte.
    assert sound(smart.path) == sound(full.path)
    assert len(frames(smart.path)) == len(frames(full.path))


def test_sources_with_different_parameter_sets_are_not_mixed(sources, make_video):
    other = make_video(seconds=3, width=320, height=240, fps=FPS)  # ultrafast: CAVLC, another PPS
    result = plan_smart_render(
        SmartRequest(
            clips=(ClipSpan(sources["closed"], 0.0, 2.0), ClipSpan(other, 0.0, 2.0)),
            width=320,
            height=240,
            fps=FPS,
            total_s=4.0,
        )
    )
    assert isinstance(result, Fallback) and "different parameters" in result.reason
