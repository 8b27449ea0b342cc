"""The layers point one way at run time, and no module is too long to read.

The import contracts are also checked statically (``lint-imports``, pyproject
``[tool.importlinter]``); this test imports every module of a layer in a fresh interpreter and
looks at ``sys.modules``, which also catches an import done inside a function at import time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "tui"
MAX_LINES = 400


def modules_of(package: str) -> list[str]:
    """Every module of ``package`` (a dotted name under tui), found on disk."""
    base = ROOT.joinpath(*package.split("."))
    if base.with_suffix(".py").is_file():
        return [package]
    found = []
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


# layer -> module prefixes it must never load
FORBIDDEN = {
    "tui.contract": ("textual", "tui.ui", "tui.api", "tui.core", "tui.engine"),
    "tui.config": ("textual", "tui.ui", "tui.api", "tui.core", "tui.engine"),
    "tui.api": ("textual", "tui.ui", "tui.core", "tui.engine"),
    "tui.core": ("textual", "tui.ui", "tui.engine"),
    "tui.engine": ("textual", "tui.ui", "tui.core", "tui.api"),
    "tui.commands": ("textual", "tui.ui"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_never_loads_what_it_must_not(layer):
    modules = [m for m in modules_of(layer) if not m.endswith("__main__")]
    assert modules, layer
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.startswith({FORBIDDEN[layer]!r}) and "
        f"not any(m == x or m.startswith(x + '.') for x in {modules!r}))\n"
        f"bad = [m for m in bad if any(m == p or m.startswith(p + '.') for p in {FORBIDDEN[layer]!r})]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "", f"{layer} loads {out.stdout.strip()}"


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in PACKAGE.rglob("*.py")))
def test_no_module_is_over_400_lines(path):
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path} has {lines} lines: split it by responsibility"
