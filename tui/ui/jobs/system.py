"""The desktop around the app: is there a display to open a folder or a browser on, and how."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from textual.app import App


def display_available() -> bool:
    from tui.ui.clipboard import over_ssh

    if over_ssh():
        return False
    if sys.platform == "darwin" or os.name == "nt":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def opener() -> list[str] | None:
    import shutil

    if sys.platform == "darwin":
        return ["open"]
    if os.name == "nt":
        return ["explorer"]
    tool = shutil.which("xdg-open")
    return [tool] if tool else None


def open_folder(app: App[object], folder: Path) -> None:
    """Open ``folder`` in the desktop's file manager, or say where it is (over SSH, in a
    browser tab, without a display)."""
    command = opener()
    if app.is_web or not display_available() or command is None or not folder.is_dir():
        app.notify(f"Exports are saved in {folder}", title="Download folder", timeout=8, markup=False)
        return
    import subprocess

    try:
        subprocess.Popen(
            [*command, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        app.notify(f"Exports are saved in {folder}", title="Download folder", timeout=8, markup=False)
        return
    app.notify(f"Opened {folder}", timeout=3, markup=False)
