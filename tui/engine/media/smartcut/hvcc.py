"""HEVC facts the smart render needs: the hvcC record and the NAL unit types of a sample.

hvcC layout: ISO/IEC 14496-15 8.3.3.1 (HEVCDecoderConfigurationRecord); NAL unit header
and types: ITU-T H.265 7.3.1.2 and table 7-1 (IDR_W_RADL 19, IDR_N_LP 20, CRA 21, BLA
16-18 are IRAP pictures; VPS 32, SPS 33, PPS 34, access unit delimiter 35).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

IDR_TYPES = frozenset({19, 20})  # IDR_W_RADL, IDR_N_LP: a new coded video sequence, no leading RASL
VPS, SPS, PPS, AUD = 32, 33, 34, 35


@dataclass(frozen=True)
class HvcConfig:
    """The parsed hvcC record.

    profile: general_profile_idc (1 Main, 2 Main 10); tier: 0 Main, 1 High; level:
    general_level_idc (30 x the level: 93 = 3.1); chroma: chroma_format_idc (1 = 4:2:0);
    bit_depth: luma bits; length_size: NAL length prefix, bytes; arrays: (NAL type, NAL
    units) in record order (VPS, SPS, PPS, SEI).
    """

    profile: int
    tier: int
    level: int
    chroma: int
    bit_depth: int
    length_size: int
    arrays: tuple[tuple[int, tuple[bytes, ...]], ...]
    raw: bytes

    def to_bytes(self) -> bytes:
        return self.raw

    def parameter_sets(self) -> list[bytes]:
        """VPS, SPS and PPS NAL units, in that order (what a decoder needs before an IRAP)."""
        order = {VPS: 0, SPS: 1, PPS: 2}
        sets = [(order[t], n) for t, nals in self.arrays if t in order for n in nals]
        return [n for _, n in sorted(sets, key=lambda item: item[0])]


def parse_hvcc(data: bytes) -> HvcConfig:
    """Parse an hvcC record; raises ValueError when data is not one (e.g. Annex B extradata)."""
    if len(data) < 23 or data[0] != 1:
        raise ValueError("not an hvcC record")
    arrays: list[tuple[int, tuple[bytes, ...]]] = []
    pos = 23
    for _ in range(data[22]):
        if pos + 3 > len(data):
            raise ValueError("truncated hvcC record")
        nal_type = data[pos] & 0x3F
        count = int.from_bytes(data[pos + 1 : pos + 3], "big")
        pos += 3
        nals = []
        for _ in range(count):
            n = int.from_bytes(data[pos : pos + 2], "big")
            nals.append(bytes(data[pos + 2 : pos + 2 + n]))
            pos += 2 + n
        arrays.append((nal_type, tuple(nals)))
    if pos > len(data):
        raise ValueError("truncated hvcC record")
    types = {t for t, nals in arrays if nals}
    if not {VPS, SPS, PPS} <= types:
        raise ValueError("hvcC record without VPS/SPS/PPS")
    return HvcConfig(
        profile=data[1] & 0x1F,
        tier=(data[1] >> 5) & 1,
        level=data[12],
        chroma=data[16] & 3,
        bit_depth=(data[17] & 7) + 8,
        length_size=(data[21] & 3) + 1,
        arrays=tuple(arrays),
        raw=bytes(data),
    )


def hevc_nal_types(payload: bytes, length_size: int) -> Iterator[int]:
    """The nal_unit_type of each length-prefixed NAL unit in one MP4 sample (H.265 7.3.1.2)."""
    pos, end = 0, len(payload)
    while pos + length_size < end:
        n = int.from_bytes(payload[pos : pos + length_size], "big")
        if n <= 0 or pos + length_size + n > end:
            return
        yield (payload[pos + length_size] >> 1) & 0x3F
        pos += length_size + n


def with_parameter_sets(payload: bytes, sets: list[bytes], length_size: int) -> bytes:
    """payload (one sample) with `sets` in front of its first NAL unit (after an access unit
    delimiter, which must stay first: H.265 7.4.2.4.4)."""
    prefix = b"".join(len(n).to_bytes(length_size, "big") + n for n in sets)
    if payload and len(payload) > length_size and (payload[length_size] >> 1) & 0x3F == AUD:
        n = int.from_bytes(payload[:length_size], "big") + length_size
        return payload[:n] + prefix + payload[n:]
    return prefix + payload
