"""The command line: --version and --help are instant and import no Textual."""

import subprocess
import sys

from tui import __version__
from tui.cli import build_parser


def run_isolated(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout


def test_version_imports_no_textual():
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules, 'httpx' in sys.modules)\n"
    )
    out = run_isolated(code)
    assert f"nemo-tui {__version__}" in out
    assert out.strip().endswith("False False")


def test_help_lists_the_modes():
    help_text = build_parser().format_help()
    for word in ("--local", "serve", "--web", "NEMO_TOKEN"):
        assert word in help_text


def test_serve_defaults_to_loopback():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_local_without_the_engine_extra_says_how_to_install_it(monkeypatch, capsys):
    """A cloud-only install (no starlette, no ffmpeg) gets a plain message, not a traceback."""
    import sys as _sys

    from tui.cli import main

    for name in [n for n in _sys.modules if n.startswith(("tui.engine", "starlette"))]:
        monkeypatch.delitem(_sys.modules, name)
    monkeypatch.setitem(_sys.modules, "starlette", None)  # import starlette -> ModuleNotFoundError
    assert main(["--local"]) == 2
    assert "pip install" in capsys.readouterr().err
    assert main(["serve"]) == 2
