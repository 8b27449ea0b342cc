"""The media layer's pictures (issue 18): a frame at a time with its display shape, and the
audio peaks of a media, checked the way a user looks at them."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from tests.engine import picture_media as pm
from tui.engine.media import peaks, thumbs
from tui.engine.media.errors import MediaError


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("pictures")


@pytest.mark.parametrize(("t", "colour"), [(1.0, "red"), (4.0, "blue"), (2.4, "red"), (2.6, "blue")])
def test_the_frame_at_a_time_has_that_times_colour(ffmpeg_exe, folder, t, colour):
    pic = thumbs.thumbnail(pm.red_blue(ffmpeg_exe, folder), t, 160)
    assert pm.dominant(pic.data) == colour
    assert (pic.width, pic.height, pic.mime) == (160, 120, "image/png")
    assert pic.t == pytest.approx(t, abs=0.021)  # the frame shown at t (25 fps)
    assert pm.image(pic.data).size == (160, 120)


def test_without_exact_the_keyframe_before_the_time_is_answered(ffmpeg_exe, folder):
    # keyframes every 2 s: at 4.6 s the one before is at 4.0 s (blue); at 2.9 s it is 2.0 s (red)
    late = thumbs.thumbnail(pm.red_blue(ffmpeg_exe, folder), 4.6, 64, exact=False)
    assert late.t == pytest.approx(4.0, abs=0.01) and pm.dominant(late.data) == "blue"
    early = thumbs.thumbnail(pm.red_blue(ffmpeg_exe, folder), 2.9, 64, exact=False)
    assert early.t == pytest.approx(2.0, abs=0.01) and pm.dominant(early.data) == "red"


def test_an_anamorphic_video_keeps_its_display_aspect(ffmpeg_exe, folder):
    pic = thumbs.thumbnail(pm.anamorphic(ffmpeg_exe, folder), 1.0, 320)
    assert pm.image(pic.data).size == (320, 192)  # 720x576 at SAR 4:3 shows as 960x576 = 5:3


@pytest.mark.parametrize("degrees", [90, -90])
def test_a_rotated_video_gives_a_portrait_picture_turned_as_ffmpeg_shows_it(ffmpeg_exe, folder, degrees):
    path = pm.rotated(ffmpeg_exe, folder, degrees)
    pic = thumbs.thumbnail(path, 1.0, 240)
    ours = pm.image(pic.data)
    assert ours.size == (240, 320)
    ref = folder / f"ref_{degrees}.png"  # ffmpeg turns the picture by the display matrix itself
    subprocess.run([ffmpeg_exe, "-v", "error", "-y", "-ss", "1", "-i", str(path), "-frames:v", "1", str(ref)],
                   check=True)  # fmt: skip
    theirs = pm.image(ref.read_bytes())
    assert theirs.size == ours.size
    diff = np.abs(np.asarray(ours, dtype=float) - np.asarray(theirs, dtype=float)).mean()
    upside_down = np.abs(np.asarray(ours.rotate(180), dtype=float) - np.asarray(theirs, dtype=float)).mean()
    assert diff < 8 < upside_down


def test_a_box_fits_the_picture_inside_it_and_sizes_are_clamped(ffmpeg_exe, folder):
    path = pm.red_blue(ffmpeg_exe, folder)  # 4:3
    assert pm.image(thumbs.thumbnail(path, 1, 400, 60).data).size == (80, 60)
    assert pm.image(thumbs.thumbnail(path, 1, 5).data).size == (16, 12)  # at least 16 px wide
    assert thumbs.thumbnail(path, 1, 99999).width == 1920  # at most 1920
    assert pm.image(thumbs.thumbnail(path, 99.0, 32).data).size == (32, 24)  # past the end: the last frame
    assert pm.dominant(thumbs.thumbnail(path, 99.0, 32).data) == "blue"


def test_jpeg_is_offered(ffmpeg_exe, folder):
    pic = thumbs.thumbnail(pm.red_blue(ffmpeg_exe, folder), 4.0, 64, fmt="jpeg")
    assert pic.mime == "image/jpeg" and pic.data[:2] == b"\xff\xd8" and pm.dominant(pic.data) == "blue"


def test_a_sound_has_no_picture(ffmpeg_exe, folder):
    with pytest.raises(thumbs.NoVideo, match="no video stream"):
        thumbs.thumbnail(pm.sound_only(ffmpeg_exe, folder), 0.5, 64)


def test_a_file_that_is_not_media_is_a_clear_error(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    with pytest.raises(MediaError, match="notes.mp4"):
        thumbs.thumbnail(bad, 0, 64)
    with pytest.raises(MediaError, match="notes.mp4"):
        peaks.peaks(bad, 10)


def test_peaks_are_silent_in_the_silent_third_and_loud_elsewhere(ffmpeg_exe, folder):
    result = peaks.peaks(pm.half_silent_sine(ffmpeg_exe, folder), 30)  # 0.2 s buckets
    values = result.values
    assert result.has_audio and result.duration == pytest.approx(6.0, abs=0.01) and len(values) == 30
    assert max(values[11:19]) < 0.02  # 2.2 s – 3.8 s: silence (the filter's ringing fades within 0.2 s)
    assert min(values[:10] + values[20:]) > 0.3
    assert max(values) == pytest.approx(0.8, abs=0.02)  # full scale is 1.0


def test_peaks_of_a_video_without_sound_are_zeros(ffmpeg_exe, folder):
    result = peaks.peaks(pm.silent_video(ffmpeg_exe, folder), 8)
    assert result.values == (0.0,) * 8 and result.has_audio is False and result.duration == pytest.approx(2.0)


def test_peak_counts_are_clamped(ffmpeg_exe, folder):
    path = pm.half_silent_sine(ffmpeg_exe, folder)
    assert len(peaks.peaks(path, 0).values) == 1
    assert len(peaks.peaks(path, 10**7).values) == peaks.MAX_BUCKETS


def test_peaks_span_the_duration_given(ffmpeg_exe, folder):
    # the measured duration wins over the header's: 12 s asked, the sound ends at 6 s
    values = peaks.peaks(pm.half_silent_sine(ffmpeg_exe, folder), 6, duration=12.0).values
    assert values[0] > 0.3 and values[1] < 0.05 and values[2] > 0.3  # 2–4 s silent (a little ringing at 2 s)
    assert values[3:] == (0.0, 0.0, 0.0)


def test_with_b_frames_the_exact_picture_is_ffmpegs_frame_at_that_time(ffmpeg_exe, folder):
    import av

    path = pm.with_b_frames(ffmpeg_exe, folder)
    with av.open(str(path)) as c:  # the clip has frames nothing refers to (which the engine skips)
        kinds = {int(f.pict_type) for f in c.decode(video=0)}
    assert 3 in kinds  # AV_PICTURE_TYPE_B
    for t in (1.3, 3.71):
        pic = thumbs.thumbnail(path, t, 320)
        assert abs(pic.t - t) < 0.021  # the frame nearest t (25 fps)
        ours = np.asarray(pm.image(pic.data), dtype=float)
        near = {}
        for at in (pic.t, pic.t + 0.04):  # ffmpeg answers the first frame at or after the time
            ref = folder / f"b_{at}.png"
            subprocess.run([ffmpeg_exe, "-v", "error", "-y", "-ss", str(at), "-i", str(path), "-frames:v", "1",
                            str(ref)], check=True)  # fmt: skip
            near[at] = np.abs(ours - np.asarray(pm.image(ref.read_bytes()), dtype=float)).mean()
        assert near[pic.t] == 0.0 < near[pic.t + 0.04], near  # the same picture, bit for bit


def test_a_photo_is_shown_upright_by_its_exif_orientation(folder):
    pic = thumbs.still(pm.photo_rotated(folder), 120)
    assert pm.image(pic.data).size == (120, 160) and (pic.width, pic.height, pic.t) == (120, 160, 0.0)
    assert pm.halves(pic.data) == ("blue", "red")


def test_decoding_forward_is_bounded_and_says_which_frame_it_answers(ffmpeg_exe, folder, monkeypatch):
    monkeypatch.setattr(thumbs, "MAX_FRAMES_FORWARD", 3)  # as if the keyframe were too far back
    pic = thumbs.thumbnail(pm.red_blue(ffmpeg_exe, folder), 1.9, 32)
    assert pic.t == pytest.approx(0.08, abs=0.001)  # the third frame after the keyframe at 0 s, said so


def test_fit_keeps_the_aspect_inside_the_bounds():
    assert thumbs.fit((1920, 1080), 320, None) == (320, 180)
    assert thumbs.fit((1080, 1920), 320, 180) == (101, 180)
    assert thumbs.fit((16, 4000), 1920, None) == (8, 1920)  # a sliver of a picture stays within 1920 px
