"""The README's two set-up commands are the ones CI runs, and the pictures it shows exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)
    assert blocks[0] == "pip install '.[local]' && nemo-tui --local"
    ci_lines = [
        line
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_lines == [blocks[1]]
    assert blocks[1].startswith("bash .ci/test-tools.sh && ")
    assert (REPO / ".ci" / "test-tools.sh").exists()


def test_the_readme_pictures_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\((screenshots/[^)]+)\)", readme)
    assert {
        "screenshots/main.png",
        "screenshots/upload.png",
        "screenshots/export.png",
        "screenshots/compact.png",
        "screenshots/browser.png",
    } <= set(pictures)
    for picture in pictures:
        assert (REPO / picture).stat().st_size > 10_000, picture
