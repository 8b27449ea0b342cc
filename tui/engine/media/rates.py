"""Frame rates as exact fractions: the NTSC family (24000/1001, 30000/1001, 60000/1001, ...).

A draft names its frame rate in decimals (29.97, 23.976, 59.94: three decimals, plan.py);
the sources it comes from run at n x 1000/1001 frames per second (SMPTE ST 12-1, the
NTSC-derived rates). ffmpeg reads "29.97" as 2997/100, a rate that drifts from the
source's by one frame every ~9 hours and whose timestamps never land on the source's, so
every ffmpeg argument and every frame computation uses the exact fraction instead.
"""

from __future__ import annotations

from fractions import Fraction

_NTSC_BASES = (24, 30, 48, 60, 120)
_NTSC_TOLERANCE = 0.0006  # a 3-decimal rounding of n*1000/1001 is within 0.0005 of it


def exact_fps(fps: float) -> Fraction:
    """The frame rate as a fraction: n*1000/1001 for a decimal within 0.0006 of an NTSC rate
    (29.97 -> 30000/1001), else the closest fraction with a denominator up to 1001 (25 -> 25)."""
    for base in _NTSC_BASES:
        ntsc = Fraction(base * 1000, 1001)
        if abs(fps - ntsc) < _NTSC_TOLERANCE:
            return ntsc
    return Fraction(fps).limit_denominator(1001)


def rate_arg(fps: float) -> str:
    """exact_fps as an ffmpeg rate argument: "30000/1001", "25"."""
    rate = exact_fps(fps)
    return str(rate.numerator) if rate.denominator == 1 else f"{rate.numerator}/{rate.denominator}"
