"""Keys as terminals send them. Textual 8 reads ``ESC [ n ~`` with n ≥ 25 as a kitty key code
(so rxvt's shift+F5, ``ESC[28~``, arrives as the key "\\x1c", and tmux 3.2's ``ESC[31~`` as
"\\x1f"), while the legacy table in ``textual._ansi_sequences`` names them F13–F20. The app
turns those keys back into the F-key names (``legacy_fkey``) before its bindings see them,
and binds the F-key names the modified keys become (rxvt: shift+Fn = F(n+10); the Linux
console and tmux 3.2 with TERM=screen: shift+Fn = F(n+12)).
"""

from __future__ import annotations

# The F-key each legacy ``ESC [ n ~`` code stands for (textual._ansi_sequences).
LEGACY_CODES: dict[int, str] = {25: "f13", 26: "f14", 28: "f15", 29: "f16", 31: "f17", 32: "f18", 33: "f19", 34: "f20"}

# What Textual 8's parser makes of each code: the character chr(n), which is a key name for
# a control character and a name such as "space" or "exclamation_mark" otherwise.
_PRINTABLE_NAMES = {32: "space", 33: "exclamation_mark", 34: "quotation_mark"}
_MISREAD: dict[str, str] = {_PRINTABLE_NAMES.get(code, chr(code)): fkey for code, fkey in LEGACY_CODES.items()}


def legacy_fkey(key: str, character: str | None) -> str | None:
    """The F-key name for a key Textual decoded from a legacy ``ESC [ n ~`` code, or None for
    any other key. A real space or "!" carries its character; a misread code carries none
    (or, for a control code, the key name is the bare control character, never "ctrl+…")."""
    fkey = _MISREAD.get(key)
    if fkey is None:
        return None
    if key in ("space", "exclamation_mark", "quotation_mark") and character is not None:
        return None
    return fkey
