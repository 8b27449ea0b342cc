"""Pure parts of the new operations: the ffmpeg filter pieces (media/effects.py) and the undo
stack replayed from draft versions (history.py)."""

from __future__ import annotations

import pytest

from tui.engine import history
from tui.engine.media import effects


@pytest.mark.parametrize(
    "speed, chain",
    [
        (1.0, ""),
        (2.0, "atempo=2,"),
        (0.5, "atempo=0.5,"),
        (4.0, "atempo=2,atempo=2,"),
        (0.25, "atempo=0.5,atempo=0.5,"),
        (3.0, "atempo=2,atempo=1.5,"),
    ],
)
def test_atempo_keeps_each_factor_in_range(speed, chain):
    assert effects.audio_speed(speed) == chain


def test_speed_is_clamped_and_read_from_the_segment():
    assert effects.segment_speed({"spd": 10}) == 4.0 and effects.segment_speed({}) == 1.0
    assert effects.segment_speed({"spd": "x"}) == 1.0 and effects.video_speed(2.0) == "setpts=PTS/2,"


def test_rate_args_cap_the_bitrate_for_a_size():
    args = effects.rate_args({"max_mb": 16}, 100.0, "20", "192k")
    kbps = int(args[args.index("-b:v") + 1].rstrip("k"))
    audio = int(args[args.index("-b:a") + 1].rstrip("k"))
    assert (kbps + audio) * 100 / 8 <= 16_000 * 0.95  # kB for 100 s
    assert args[args.index("-maxrate") + 1] == f"{kbps}k"
    assert effects.rate_args({}, 10.0, "20", "192k")[:2] == ["-crf", "20"]
    assert effects.rate_args({"compact": True}, 10.0, "20", "192k")[:2] == ["-crf", effects.COMPACT_CRF]


def test_fades_and_positions():
    lines, v, a = effects.fade_graph({"fade_in": 1000, "fade_out": 2000}, 10.0, "[v]", "[a]")
    assert (v, a) == ("[vfade]", "[afade]")
    assert "fade=t=out:st=8:d=2" in lines[0] and "afade=t=in:st=0:d=1" in lines[1]
    assert effects.fade_graph({}, 10.0, "[v]", "[a]") == ([], "[v]", "[a]")
    assert effects.title_xy("bottom") == ("(w-text_w)/2", "h-text_h-h*0.05")
    assert effects.title_xy("top-right") == ("w-text_w-h*0.05", "h*0.05")
    assert effects.needs_encode({}, [1.0]) is False and effects.needs_encode({}, [2.0]) is True


def _rows(*reasons: str) -> list[dict]:
    return [{"version": i + 1, "reason": r} for i, r in enumerate(reasons)]


def test_a_run_is_one_undo_step_and_uploads_are_not_undone():
    rows = _rows("created", "upload", "upload", "trim", "+set_aspect", "add_text")
    assert history.undo_target(rows) == (5, 1)  # back to after the trim+aspect run
    assert history.undo_target(rows, 2) == (3, 2)  # back to the media
    assert history.undo_target(rows, 5) == (3, 2)  # never past the media
    assert history.undo_target(_rows("created", "upload")) == (None, 0)


def test_redo_and_revert():
    rows = _rows("created", "upload", "trim", "set_aspect", "undo 1")
    assert history.redo_target(rows) == 4
    assert history.redo_target(rows + [{"version": 6, "reason": "redo"}]) is None
    assert history.redo_target(rows + [{"version": 6, "reason": "add_text"}]) is None  # a new edit drops redo
    assert history.original_target(rows) == 2
    assert history.original_target(_rows("created")) is None
