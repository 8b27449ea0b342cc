"""Joining copied GOPs and re-encoded edges into one H.264 or HEVC stream (PyAV, no decoding).

Packets are re-timed onto the output timeline (output frame n shows at n x frame time);
decode timestamps are kept strictly increasing (a run whose reorder delay is larger than
the previous one's is nudged by a tick, never past its presentation time). The sample
entry's avcC lists the source's SPS/PPS and the edges' (ISO/IEC 14496-15 5.3.3.1 allows
several); each edge's and each copied run's first access unit also repeats its own pair
in-band, so a player that only follows in-band parameter sets switches with the stream.
HEVC (libx265 cannot choose parameter-set ids): the sample entry is 'hev1' with the
source's hvcC, and every stretch's first picture (an IDR) carries its own VPS/SPS/PPS
in-band, the edge's or the source's.
"""

from __future__ import annotations

import functools
import heapq
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import RenderCancelled, RenderError
from .analysis import AvcConfig, parse_avcc
from .hvcc import parse_hvcc, with_parameter_sets
from .planner import Run, SmartPlan


def _prefix(cfg: AvcConfig, sps: bytes, pps: bytes) -> bytes:
    size = cfg.length_size
    return len(sps).to_bytes(size, "big") + sps + len(pps).to_bytes(size, "big") + pps


def edge_config(path: Path) -> AvcConfig:
    """The avcC of an edge file (raises RenderError when libx264 wrote none)."""
    import av

    with av.open(str(path)) as container:
        data = bytes(container.streams.video[0].codec_context.extradata or b"")
    try:
        return parse_avcc(data)
    except ValueError as exc:
        raise RenderError("The smart render's edge encode has no parameter sets.") from exc


def _copied(container: Any, plan: SmartPlan, run: Run) -> Iterator[Any]:
    """The packets of a copy run in decode order: its IDR up to (without) the keyframe at run.stop_pts."""
    facts = plan.facts[run.clip]
    stream = container.streams.video[0]
    start_pts = facts.pts[run.first]
    stop_pts = run.stop_pts
    container.seek(start_pts, stream=stream, backward=True, any_frame=False)
    started = False
    for packet in container.demux(stream):
        if packet.size == 0 or packet.pts is None:
            continue
        if not started:
            if not (packet.is_keyframe and packet.pts >= start_pts):  # its IDR (HEVC: after its RADL pictures)
                continue
            started = True
        elif stop_pts is not None and packet.is_keyframe and packet.pts == stop_pts:
            return
        if packet.is_discard:
            continue
        yield packet


@dataclass(frozen=True)
class AudioCopy:
    """Copy the source's AAC packets for in_s..in_s+dur_s (one packet of pre-roll before).

    The first packets get negative timestamps; the MP4 muxer turns them into an edit list,
    so playback starts at in_s to the sample (as the source's own priming is skipped).
    """

    path: Path
    in_s: float
    dur_s: float


def _audio_copy(container: Any, spec: AudioCopy) -> Iterator[tuple[Any, ...]]:
    stream = container.streams.audio[0]
    tb = Fraction(stream.time_base)
    start = round(Fraction(spec.in_s) / tb)
    end = round(Fraction(spec.in_s + spec.dur_s) / tb)
    preroll = stream.codec_context.frame_size or 1024
    container.seek(max(0, start - 4 * preroll), stream=stream, backward=True, any_frame=False)
    for packet in container.demux(stream):
        if packet.pts is None or packet.size == 0:
            continue
        if packet.pts + (packet.duration or preroll) <= start - preroll:
            continue
        if packet.pts >= end:
            return
        yield packet.pts - start, packet.dts - start, packet.duration or preroll, bytes(packet), tb


def _audio_file(container: Any) -> Iterator[tuple[Any, ...]]:
    stream = container.streams.audio[0]
    tb = Fraction(stream.time_base)
    for packet in container.demux(stream):
        if packet.pts is not None and packet.size:
            yield packet.pts, packet.dts, packet.duration or 0, bytes(packet), tb


def write_export(
    plan: SmartPlan,
    edges: dict[int, Path],
    audio: Path | AudioCopy,
    out: Path,
    *,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> None:
    """Write the joined video and the audio to `out` (MP4, +faststart), interleaved by time.

    edges maps run index -> edge file; audio is an encoded audio file or a stretch of the
    source's own AAC to copy. Raises RenderError when a run does not yield exactly its
    frames (the caller then falls back to the full re-encode). progress(fraction 0..1) follows
    the video frames written; a set cancel raises RenderCancelled.
    """
    import av

    if plan.hevc:
        extradata, heads = _hevc_heads(plan, edges)
    else:
        extradata, heads = _avc_heads(plan, edges)
    opened: list[Any] = []
    try:
        sources: dict[Path, Any] = {}
        for f in plan.facts:
            if f.path not in sources:
                sources[f.path] = av.open(str(f.path))
                opened.append(sources[f.path])
        if isinstance(audio, AudioCopy):
            audio_in = av.open(str(audio.path))
            opened.append(audio_in)
            audio_packets = _audio_copy(audio_in, audio)
        else:
            audio_in = av.open(str(audio))
            opened.append(audio_in)
            audio_packets = _audio_file(audio_in)
        template = sources[plan.facts[0].path].streams.video[0]
        with av.open(str(out), "w", format="mp4", options={"movflags": "+faststart"}) as output:
            vstream = output.add_stream_from_template(template)
            vstream.codec_context.extradata = extradata
            if plan.hevc:  # parameter sets in-band: 'hev1' (ISO/IEC 14496-15 8.4.1), never 'hvc1'
                vstream.codec_context.codec_tag = "hev1"
            vstream.time_base = template.time_base
            astream = output.add_stream_from_template(audio_in.streams.audio[0])
            astream.time_base = audio_in.streams.audio[0].time_base
            video_packets = _video(plan, sources, edges, heads)
            tagged = heapq.merge(
                ((Fraction(p[1]) * p[4], 0, p) for p in video_packets),
                ((Fraction(p[1]) * p[4], 1, p) for p in audio_packets),
                key=lambda item: (item[0], item[1]),
            )
            written = 0
            for _, kind, item in tagged:
                if kind == 0:
                    written += 1
                    if written % 250 == 0:
                        if cancel is not None and cancel.is_set():
                            raise RenderCancelled("The render was cancelled.")
                        if progress is not None:
                            progress(written / max(1, plan.frames))
                packet = av.Packet(item[3])
                packet.pts, packet.dts, packet.duration, packet.time_base = item[0], item[1], item[2], item[4]
                if kind == 0:
                    packet.is_keyframe = bool(item[5])
                    packet.stream = vstream
                else:
                    packet.stream = astream
                output.mux(packet)
    finally:
        for container in opened:
            container.close()


Head = Callable[[bytes], bytes]  # a stretch's first sample -> that sample with its parameter sets in front


def _with_sets(data: bytes, *, sets: list[bytes], length_size: int) -> bytes:
    return with_parameter_sets(data, sets, length_size)


def _hevc_heads(plan: SmartPlan, edges: dict[int, Path]) -> tuple[bytes, dict[int, Head]]:
    """The source's hvcC for the sample entry, and per run the VPS/SPS/PPS to put in-band in
    front of its first picture: the source's before a copied stretch, the edge's own before
    an edge. Every stretch starts a coded video sequence at an IDR, where H.265 7.4.3.2.1
    lets a parameter set with the same id change content."""
    import av

    source = plan.facts[0].hvcc
    assert source is not None
    heads: dict[int, Head] = {}
    for index, run in enumerate(plan.runs):
        if run.copy:
            sets = source.parameter_sets()
        else:
            with av.open(str(edges[index])) as container:
                data = bytes(container.streams.video[0].codec_context.extradata or b"")
            try:
                edge = parse_hvcc(data)
            except ValueError as exc:
                raise RenderError("The smart render's edge encode has no parameter sets.") from exc
            if (edge.profile, edge.length_size, edge.bit_depth) != (source.profile, source.length_size, 8):
                raise RenderError("The smart render's edge encode does not match the source's profile.")
            sets = edge.parameter_sets()
        heads[index] = functools.partial(_with_sets, sets=sets, length_size=source.length_size)
    return source.to_bytes(), heads


def _avc_heads(plan: SmartPlan, edges: dict[int, Path]) -> tuple[bytes, dict[int, Head]]:
    """The merged avcC (the source's SPS/PPS and the edges', own ids) and per run its pair in-band."""
    source_cfg = plan.facts[0].avcc
    assert source_cfg is not None
    edge_cfgs = {i: edge_config(p) for i, p in edges.items()}
    extra_sps: list[bytes] = []
    extra_pps: list[bytes] = []
    for cfg in edge_cfgs.values():
        if cfg.length_size != source_cfg.length_size or cfg.profile != source_cfg.profile:
            raise RenderError("The smart render's edge encode does not match the source's profile.")
        for nal in cfg.sps:
            if nal not in extra_sps:
                extra_sps.append(nal)
        for nal in cfg.pps:
            if nal not in extra_pps:
                extra_pps.append(nal)
    if len(extra_sps) > 1 or len(extra_pps) > 1:
        raise RenderError("The smart render's edges were encoded with different parameter sets.")
    merged = AvcConfig(
        source_cfg.profile,
        source_cfg.compat,
        source_cfg.level,
        source_cfg.length_size,
        source_cfg.sps + tuple(extra_sps),
        source_cfg.pps + tuple(extra_pps),
        source_cfg.tail,
    )
    heads: dict[int, Head] = {}
    for index, run in enumerate(plan.runs):
        if run.copy:
            pair = _prefix(source_cfg, source_cfg.sps[0], source_cfg.pps[0])
        else:
            pair = _prefix(source_cfg, extra_sps[0], extra_pps[0])
        heads[index] = pair.__add__
    return merged.to_bytes(), heads


def _video(
    plan: SmartPlan,
    sources: dict[Path, Any],
    edges: dict[int, Path],
    heads: dict[int, Head],
) -> Iterator[tuple[Any, ...]]:
    """The output's video packets in decode order: (pts, dts, duration, data, time base, key)."""
    import av

    tb = plan.facts[0].time_base
    frame_ticks = plan.facts[0].frame_ticks
    assert frame_ticks is not None
    last_dts: int | None = None
    for index, run in enumerate(plan.runs):
        base = run.out_start * frame_ticks
        edge_container = None
        if run.copy:
            packets: Iterator[Any] = _copied(sources[plan.facts[run.clip].path], plan, run)
            origin: int | None = plan.facts[run.clip].pts[run.first]
            scale = Fraction(1)
        else:
            edge_container = av.open(str(edges[index]))
            estream = edge_container.streams.video[0]
            packets = (p for p in edge_container.demux(estream) if p.size and p.pts is not None)
            origin, scale = None, Fraction(estream.time_base or tb) / tb
        try:
            count = 0
            for packet in packets:
                if origin is None:
                    origin = packet.pts
                pts = base + round((packet.pts - origin) * scale)
                dts = base + round((packet.dts - origin) * scale)
                if last_dts is not None and dts <= last_dts:
                    dts = last_dts + 1
                if dts > pts:
                    raise RenderError("The smart render could not order the joined frames.")
                data = bytes(packet)
                yield pts, dts, frame_ticks, heads[index](data) if count == 0 else data, tb, bool(packet.is_keyframe)
                last_dts = dts
                count += 1
        finally:
            if edge_container is not None:
                edge_container.close()
        if count != run.count:
            raise RenderError(f"The smart render expected {run.count} frames in a stretch and got {count}.")
