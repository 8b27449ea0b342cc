"""The fetch worker's two hooks for a deliverable made by the engine (issue 17): audio only
(``fetch_audio``) and subtitles (``fetch_subs``).

- ``ytdlp_opts(options, extra)``: the yt-dlp options of the job (``extra``, holding the
  worker's ``match_filter``) with what the deliverable needs: the sound-only format, or the
  subtitles to fetch and embed (and the refusal of a missing language before any media byte);
- ``deliver(job, done, progress)``: the worker's ``done`` dict turned into the deliverable:
  ``path`` the new file (in a folder inside the job's ``work_dir``), ``info`` its probe,
  ``ready`` True (the client saves it as it is, no render), ``notes`` extended. Without audio
  or subtitles in the job's options, ``done`` is returned unchanged.

``options`` is ``fetch_options.parse_options``'s dict: ``audio`` ("m4a" | "mp3") and
``subs`` ({"lang", "burn"}). Audio wins when both are asked (an audio file has no picture to
carry subtitles; a note says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import fetch_audio, fetch_subs
from .errors import IngestError, MediaError
from .fetch_convert import ProgressFn
from .probe import probe


def ytdlp_opts(options: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` with the options the asked deliverable needs (a new dict)."""
    out = dict(extra)
    if options.get("audio"):
        out.update(fetch_audio.ytdlp_opts(options["audio"]))
    elif options.get("subs"):
        out.update(fetch_subs.ytdlp_opts(options["subs"]["lang"], out.get("match_filter")))
    return out


def _facts(path: Path) -> dict[str, Any]:
    try:
        info = probe(path)
    except MediaError:
        raise IngestError("The converted file could not be read back: it was not kept.") from None
    return {
        "kind": info.kind,
        "duration_s": info.duration_s,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "vcodec": info.vcodec,
        "acodec": info.acodec,
        "has_audio": info.has_audio,
    }


def deliver(job: dict[str, Any], done: dict[str, Any], progress: ProgressFn | None = None) -> dict[str, Any]:
    """The deliverable of ``done`` (see the module doc). Raises IngestError in plain words."""
    options = job.get("options") or {}
    audio, subs = options.get("audio"), options.get("subs")
    if not audio and not subs:
        return done
    src = Path(done["path"])
    out_dir = Path(job["work_dir"]) / "deliver"
    title = done.get("title") or src.stem
    notes = list(done.get("notes") or ())
    if audio:
        path = fetch_audio.make_audio(src, audio, title, out_dir, progress=progress)
        if subs:
            notes.append("An audio file has no picture: the subtitles were left out.")
    else:
        assert isinstance(subs, dict)
        path, more = fetch_subs.make_subtitled(
            src, subs["lang"], bool(subs.get("burn")), title, out_dir, progress=progress
        )
        notes += more
    src.unlink(missing_ok=True)
    facts = _facts(path)
    return {**done, "path": str(path), "info": facts, "duration_s": facts["duration_s"], "notes": notes, "ready": True}


__all__ = ["deliver", "ytdlp_opts"]
