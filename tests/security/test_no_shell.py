"""No shell anywhere in the package: no shell=True, os.system/os.popen, create_subprocess_shell,
or a subprocess call given one command string (the shell's job of splitting words)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "tui"
SUBPROCESS_CALLS = {"run", "Popen", "popen", "call", "check_call", "check_output", "create_subprocess_exec"}
FORBIDDEN = {
    ("os", "system"),
    ("os", "popen"),
    ("os", "spawnl"),
    ("os", "spawnlp"),
    ("os", "execl"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
    ("asyncio", "create_subprocess_shell"),
}


def _dotted(node: ast.AST) -> tuple[str, ...]:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return tuple(reversed(parts))


def problems_in(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, name)):
        if not isinstance(node, ast.Call):
            continue
        where = f"{name}:{node.lineno}"
        for kw in node.keywords:
            if kw.arg == "shell" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                found.append(f"{where}: shell={ast.unparse(kw.value)}")
        dotted = _dotted(node.func)
        bare_from_os = dotted in {("system",), ("popen",)} and "from os import" in source
        if dotted[-2:] in FORBIDDEN or bare_from_os or dotted[-1:] == ("create_subprocess_shell",):
            found.append(f"{where}: {'.'.join(dotted)}()")
        if dotted and dotted[-1] in SUBPROCESS_CALLS and node.args:
            first = node.args[0]
            if isinstance(first, (ast.JoinedStr, ast.BinOp)) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            ):
                found.append(f"{where}: {'.'.join(dotted)}() with a command string")
    return found


def test_the_package_never_uses_a_shell():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 20
    found = [p for f in files for p in problems_in(f.read_text(encoding="utf-8"), str(f.relative_to(PACKAGE.parent)))]
    assert found == []


def test_the_checker_catches_each_form():
    bad = """
import os, subprocess, asyncio
subprocess.run("ffmpeg -i x", shell=True)
subprocess.Popen(cmd, shell=flag)
os.system("ls")
os.popen("ls")
subprocess.check_output(f"ffmpeg -i {path}")
asyncio.create_subprocess_shell("ls")
subprocess.getoutput("ls")
"""
    assert len(problems_in(bad, "bad.py")) == 9  # subprocess.run and os.popen twice each: the call and its string
    assert problems_in("from os import system\nsystem('ls')\n", "bare.py") == ["bare.py:2: system()"]
    good = "import subprocess\nsubprocess.run(['ffmpeg', '-i', path], check=True, shell=False)\n"
    assert problems_in(good, "good.py") == []
