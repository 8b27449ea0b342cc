"""A loopback site for the formats tests, made by ffmpeg at test time (2-second media).

- ``/show/master.m3u8``: an HLS master with 360p, 720p and 1080p variants whose 1080p line
  has no RESOLUTION (real masters do that): only its bandwidth says it is the best; and an
  English WebVTT subtitle rendition;
- ``/dash/manifest.mpd``: a DASH manifest with 360p and 720p video and one AAC audio;
- ``/feed.xml``: an RSS feed with three enclosures (``/ep/1.mp4`` … ``/ep/3.mp4``);
- ``/clips.html``: a page with three ``<video>`` elements;
- ``/v/plain.mp4``: a plain MP4 (360p).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.downloads.dlsite import _X264, Site, _av, _run

__all__ = ["Site", "build_formats_site"]

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",AUTOSELECT=YES,URI="subs/en.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,FRAME-RATE=25.000,CODECS="avc1.64001e,mp4a.40.2",SUBTITLES="subs"
v360/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,FRAME-RATE=25.000,CODECS="avc1.64001f,mp4a.40.2",SUBTITLES="subs"
v720/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=4500000,CODECS="avc1.640028,mp4a.40.2",SUBTITLES="subs"
v1080/index.m3u8
"""
SUBS = """#EXTM3U
#EXT-X-TARGETDURATION:2
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:2.0,
en.vtt
#EXT-X-ENDLIST
"""
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nGood morning, harbour\n"

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Harbour diaries</title><link>{base}/</link><description>Three short episodes</description>
<item><title>Morning ferry</title><guid>ep-1</guid><itunes:duration>0:02</itunes:duration>
<enclosure url="{base}/ep/1.mp4" type="video/mp4" length="{size}"/></item>
<item><title>Fish market</title><guid>ep-2</guid><itunes:duration>0:02</itunes:duration>
<enclosure url="{base}/ep/2.mp4" type="video/mp4" length="{size}"/></item>
<item><title>Night lights</title><guid>ep-3</guid>
<enclosure url="{base}/ep/3.mp4" type="video/mp4" length="{size}"/></item>
</channel></rss>
"""

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Harbour clips</title></head><body>
<video controls src="/ep/1.mp4"></video><p>and</p><video controls src="/ep/2.mp4"></video>
<video controls><source src="/ep/3.mp4" type="video/mp4"></video></body></html>"""


def build_formats_site(root: Path, ffmpeg: str) -> Path:
    """Write the site's media and manifests into ``root``; the feed is written per server
    (``write_feed``: it names the server's address)."""
    for h in (360, 720, 1080):
        out = root / "show" / f"v{h}"
        out.mkdir(parents=True)
        _run(
            ffmpeg,
            *_av(h, 2),
            *_X264,
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            str(out / "seg%d.ts"),
            str(out / "index.m3u8"),
        )
    (root / "show" / "master.m3u8").write_text(MASTER)
    (root / "show" / "subs").mkdir()
    (root / "show" / "subs" / "en.m3u8").write_text(SUBS)
    (root / "show" / "subs" / "en.vtt").write_text(VTT)
    dash = root / "dash"
    dash.mkdir()
    parts = []
    for h in (360, 720):
        p = root / f"dash-v{h}.mp4"
        _run(ffmpeg, "-f", "lavfi", "-i", f"testsrc2=size={h * 16 // 9 // 2 * 2}x{h}:rate=25:duration=2",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25", str(p))  # fmt: skip
        parts.append(p)
    audio = root / "dash-a.m4a"
    _run(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=2", "-c:a", "aac", str(audio))
    _run(ffmpeg, "-i", str(parts[0]), "-i", str(parts[1]), "-i", str(audio), "-map", "0:v", "-map", "1:v",
         "-map", "2:a", "-c", "copy", "-f", "dash", "-adaptation_sets", "id=0,streams=v id=1,streams=a",
         "-seg_duration", "1", str(dash / "manifest.mpd"))  # fmt: skip
    ep = root / "ep"
    ep.mkdir()
    _run(ffmpeg, *_av(180, 2), *_X264, "-movflags", "+faststart", str(ep / "1.mp4"))
    for n in (2, 3):
        shutil.copy(ep / "1.mp4", ep / f"{n}.mp4")
    (root / "v").mkdir()
    _run(ffmpeg, *_av(360, 2), *_X264, "-movflags", "+faststart", str(root / "v" / "plain.mp4"))
    (root / "clips.html").write_text(PAGE)
    return root


def write_feed(site: Site) -> str:
    """Write ``/feed.xml`` naming ``site``'s address; return its URL."""
    size = (site.root / "ep" / "1.mp4").stat().st_size
    (site.root / "feed.xml").write_text(FEED.format(base=site.base, size=size))
    return site.url("/feed.xml")
