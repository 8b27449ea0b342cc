"""rates.exact_fps: a draft's decimal frame rate as the fraction ffmpeg and the smart render use."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tui.engine.media.rates import exact_fps, rate_arg


@pytest.mark.parametrize(
    ("fps", "exact", "arg"),
    [
        (29.97, Fraction(30000, 1001), "30000/1001"),
        (23.976, Fraction(24000, 1001), "24000/1001"),
        (59.94, Fraction(60000, 1001), "60000/1001"),
        (float(Fraction(30000, 1001)), Fraction(30000, 1001), "30000/1001"),
        (25.0, Fraction(25), "25"),
        (30.0, Fraction(30), "30"),
        (12.5, Fraction(25, 2), "25/2"),
        (29.9, Fraction(299, 10), "299/10"),  # not an NTSC rate: taken as written
    ],
)
def test_exact_fps(fps, exact, arg):
    assert exact_fps(fps) == exact
    assert rate_arg(fps) == arg
