"""tui/core is product logic without a screen: importing it never pulls in Textual."""

from __future__ import annotations

import subprocess
import sys

MODULES = ["router", "translate", "timeline", "chat", "recovery", "errors_text", "store", "export", "downloads",
           "download_intent", "mp4_facts", "export_reuse"]


def test_core_imports_without_textual():
    code = (
        "import sys\n"
        + "".join(f"import tui.core.{name}\n" for name in MODULES)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
        + "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"Textual imported by tui.core: {result.stdout} {result.stderr}"
