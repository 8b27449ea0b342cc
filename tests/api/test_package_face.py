"""tui.api is a lazy package face (PEP 562): importing one submodule costs only that submodule,
and every public name still resolves from ``tui.api``."""

from __future__ import annotations

import subprocess
import sys

import tui.api


def test_every_public_name_resolves():
    assert sorted(tui.api.__all__) == sorted(tui.api._EXPORTS)
    for name in tui.api.__all__:
        assert getattr(tui.api, name) is not None
    assert set(tui.api.__all__) <= set(dir(tui.api))


def test_an_unknown_name_is_an_attribute_error():
    try:
        tui.api.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("tui.api.NoSuchThing resolved")


def test_importing_the_errors_does_not_load_the_client():
    code = (
        "import sys, tui.api.errors\n"
        "heavy = [m for m in ('httpx', 'pydantic', 'tui.api.client', 'tui.api.models') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == ""
