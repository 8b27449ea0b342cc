"""``nemo-tui formats LINK``: what a link offers, read without downloading (issue 17).

Asks the backend's ``formats`` extension through ``tui.api.link_info.link_info`` (the same
call the app's formats dialog makes) in a fresh session and prints a table, or with --json
the ``LinkInfo`` as one object (``info_json``: the wire shape of ``tui.api.link_info``).
The cloud picks the format itself: there the command says so and exits 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import TYPE_CHECKING, Any

from tui.commands.backend import EXIT_OK, Backend, CommandError, printable

if TYPE_CHECKING:
    from tui.api.link_info import FormatRow, LinkInfo


def info_json(info: LinkInfo) -> dict[str, Any]:
    """The link's facts as plain JSON values (the shape documented in ``tui.api.link_info``)."""
    data = dataclasses.asdict(info)
    data["formats"] = [dataclasses.asdict(f) for f in info.formats]
    data["entries"] = [dataclasses.asdict(e) for e in info.entries]
    data["subtitles"] = list(info.subtitles)
    return data


def _size(row: FormatRow) -> str:
    from tui.core.files import human_bytes

    if row.filesize is None:
        return ""
    return ("~" if row.filesize_approx else "") + human_bytes(row.filesize)


def _codec(value: str | None) -> str:
    if not value:
        return "?"
    return "-" if value == "none" else value.split(".")[0]


def table(info: LinkInfo) -> str:
    """The formats as aligned text columns; "*" marks what a plain download would take."""
    lines = [f"{info.title or info.url}" + (f"  ({info.duration:.0f} s)" if info.duration else "")]
    rows = [("", "ID", "EXT", "RESOLUTION", "FPS", "VIDEO", "AUDIO", "SIZE", "NOTE")]
    for f in info.formats:
        res = f"{f.width}x{f.height}" if f.width and f.height else (f"{f.height}p" if f.height else "audio only")
        if not f.has_video and f.has_audio:
            res = "audio only"
        rows.append(
            (
                "*" if f.format_id == info.default_format_id else "",
                f.format_id,
                f.ext or "",
                res,
                f"{f.fps:g}" if f.fps else "",
                _codec(f.vcodec),
                _codec(f.acodec),
                _size(f),
                f.note or "",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    if not info.formats:
        lines.append("(no formats listed)")
    if info.subtitles:
        lines.append("subtitles: " + ", ".join(info.subtitles))
    if info.entries:
        lines.append(f"{len(info.entries)} entries (choose with `nemo-tui get LINK --playlist 1-5`):")
        for e in info.entries:
            length = f" ({e.duration:.0f} s)" if e.duration else ""
            lines.append(f"  {e.index:>3}. {e.title or e.url}{length}")
    return "\n".join(lines)


async def formats(backend: Backend, args: argparse.Namespace, link: str) -> int:
    from tui.api.ingest import capabilities
    from tui.api.link_info import link_info

    if "formats" not in await capabilities(backend.client):
        raise CommandError(
            "This backend does not list formats: it picks the format itself (the cloud does). "
            "A plain `nemo-tui get LINK` takes the highest the link offers."
        )
    session_id = await backend.fresh_session()
    info = await link_info(backend.client, session_id, link)
    if args.json:
        print(json.dumps(info_json(info), ensure_ascii=False), flush=True)
    else:
        print(printable(table(info)), flush=True)
    return EXIT_OK


__all__ = ["formats", "info_json", "table"]
