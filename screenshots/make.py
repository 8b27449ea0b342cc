"""Regenerate the pictures in screenshots/ from the real app against the real embedded
engine, with media generated here by ffmpeg (nothing is downloaded).

    python screenshots/make.py            # SVGs (Textual's own) + PNGs (rsvg-convert) + the browser view

Pictures: main.svg (mid-stream, a three-track timeline with thumbnails and a waveform),
upload.svg (the file picker), export.svg (an export in progress), storyboard.svg (the
finished export's frames), compact.svg (80x24), browser.png (headless Chromium, taken by
tests/terminals/test_browser.py). Needs the test extras, .ci/test-tools.sh
(tmux, chromium) and for the PNGs `apt-get install librsvg2-bin fonts-noto-color-emoji`.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


async def wait_until(condition, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except Exception:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: gave up waiting for {what or condition}")
        await asyncio.sleep(0.02)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def make_media(folder: Path) -> tuple[Path, Path]:
    from tui.engine.media.ffmpeg import ffmpeg_exe

    ffmpeg = ffmpeg_exe()
    video = folder / "city-timelapse.mp4"
    music = folder / "lofi-beat.mp3"
    subprocess.run(
        [ffmpeg, "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=12",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=12", "-c:v", "libx264", "-preset", "veryfast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(video)],
        check=True,
    )
    subprocess.run(
        [ffmpeg, "-y", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=220:duration=12", str(music)],
        check=True,
    )
    return video, music


def save(app, name: str) -> Path:
    path = HERE / f"{name}.svg"
    app.save_screenshot(filename=path.name, path=str(HERE))
    print("wrote", path.relative_to(REPO))
    return path


async def shoot(base_url: str, media: tuple[Path, Path], work: Path) -> list[Path]:
    from tui.config import load_settings
    from tui.ui.app import NemoApp

    video, music = media
    settings = replace(load_settings(), api_url=base_url, token=None, download_dir=work / "downloads")
    shots: list[Path] = []
    app = NemoApp(settings, backend="local", export_poll_interval=0.1, tick_interval=0.2,
                  wall_clock=lambda: time.strftime("%H:%M:%S"))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.session is not None and "Ready" in screen_text(app), what="Ready")

        async def say(text: str) -> None:
            box = app.query_one("#chat-input")
            box.focus()
            box.value = text
            await pilot.press("enter")

        # the upload picker (ctrl+u), opened in the folder with the generated media
        from tui.core.files import remember_folder

        remember_folder(settings.data_dir, video.parent)
        await pilot.press("ctrl+u")
        await wait_until(lambda: "Upload files" in screen_text(app), what="the picker")
        await wait_until(lambda: video.name in screen_text(app), what="the media in the picker")
        await pilot.pause(0.3)
        shots.append(save(app, "upload"))
        await pilot.press("escape")
        await wait_until(lambda: "Upload files" not in screen_text(app))

        # three tracks: the clip, music, a title
        await say(f"upload {video} {music}")
        await wait_until(lambda: music.name in app.timeline.summary_text, what="the uploads")
        await say("add music at 35%")
        await wait_until(lambda: not app.run_active and "35%" in app.timeline.summary_text, what="music")
        await say('add the title "Urban Dreams" from 0s to 3s')
        await wait_until(lambda: not app.run_active and "Urban Dreams" in app.timeline.summary_text, what="title")
        await pilot.pause(0.5)

        # mid-stream: the agent's answer arriving, the SSE log moving
        await say("what can you do?")
        from tui.ui.chat.reply import AgentMessage

        def streamed() -> int:
            return max((len(w.text) for w in app.query(AgentMessage)), default=0)

        await wait_until(lambda: app.run_active and streamed() > 500, what="a half-streamed reply")
        await pilot.pause(0.3)  # the Markdown lays out the list it was just given
        shots.append(save(app, "main"))
        await wait_until(lambda: not app.run_active, what="the reply's end")

        # an export in progress
        await pilot.press("ctrl+e")
        def rendering() -> int:
            found = re.search(r"processing (\d+)%", screen_text(app))
            return int(found.group(1)) if found else 0

        await wait_until(lambda: 30 <= rendering() <= 90, what="the export panel mid-render")
        shots.append(save(app, "export"))
        await wait_until(lambda: list((work / "downloads").glob("*.mp4")), what="the MP4")
        from tui.ui.jobs.storyboard import StoryboardStrip

        await wait_until(lambda: bool(app.query(StoryboardStrip)), what="the export's storyboard")
        await pilot.press("f11")
        await pilot.pause(1.0)
        shots.append(save(app, "storyboard"))
        await pilot.press("escape")
        await pilot.pause(0.5)

        # the same session at 80x24: one pane at a time, tabs on F2 F3 F4
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        await pilot.press("f3")
        await wait_until(lambda: "Urban Dreams" in screen_text(app), what="compact timeline")
        await pilot.pause(0.3)
        shots.append(save(app, "compact"))
    return shots


def to_png(svgs: list[Path]) -> None:
    rsvg = shutil.which("rsvg-convert")
    if not rsvg:
        print("rsvg-convert is missing (apt-get install librsvg2-bin): SVGs only", file=sys.stderr)
        return
    for svg in svgs:
        png = svg.with_suffix(".png")
        subprocess.run([rsvg, "--zoom", "1", "-b", "#1e1e1e", str(svg), "-o", str(png)], check=True)
        print("wrote", png.relative_to(REPO))


def browser_view() -> None:
    env = dict(os.environ, NEMO_SAVE_SCREENSHOTS="1")
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/terminals/test_browser.py"],
        cwd=REPO, env=env, check=True,
    )
    print("wrote screenshots/browser.png")


def main() -> None:
    # a fixed folder, so the pictures show the same paths every time
    work = Path(tempfile.gettempdir()) / "nemo-tui-demo"
    shutil.rmtree(work, ignore_errors=True)
    try:
        for name in ("config", "data", "media"):
            (work / name).mkdir(parents=True)
        os.environ.update(NEMO_CONFIG_DIR=str(work / "config"), NEMO_DATA_DIR=str(work / "data"))
        os.environ.pop("NEMO_TOKEN", None)
        from tui.engine.embedded import EmbeddedEngine

        media = make_media(work / "media")  # shown in the picker as /tmp/nemo-tui-demo/media
        # slower chunks than the default so the picture catches the reply mid-stream
        engine = EmbeddedEngine(work / "engine", heartbeat_interval=0.5, chunk_delay=0.1, silent_ratio=0.0)
        try:
            shots = asyncio.run(shoot(engine.start(), media, work))
        finally:
            engine.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    to_png(shots)
    if "--no-browser" not in sys.argv:
        browser_view()


if __name__ == "__main__":
    main()
