"""A request split into clauses, and the intent type the rules produce.

A clause is one part of a request ("trim it to 10 s", "make it vertical", "add a fade").
The rules read a clause's ``work`` text and *consume* what they understood (it is blanked
out), so two rules never read the same words and what is left over can be judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tui.engine.nlu.quotes import PLACEHOLDER_RE, restore


@dataclass(frozen=True)
class Intent:
    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Clause:
    work: str  # the clause, digits for number words, placeholders for quotes
    quoted: list[str]  # every quoted string of the request (placeholders index it)
    original: str = ""

    def __post_init__(self) -> None:
        if not self.original:
            self.original = self.work

    def search(self, rx: re.Pattern[str]) -> re.Match[str] | None:
        return rx.search(self.work)

    def consume(self, span: tuple[int, int]) -> None:
        a, b = span
        self.work = self.work[:a] + " " * (b - a) + self.work[b:]

    def take(self, rx: re.Pattern[str]) -> re.Match[str] | None:
        """Search and consume the first match."""
        m = rx.search(self.work)
        if m:
            self.consume(m.span())
        return m

    def quotes_in(self) -> list[int]:
        """Indexes of the quoted strings still present in the clause."""
        return [int(m.group(1)) for m in PLACEHOLDER_RE.finditer(self.work)]

    def shown(self) -> str:
        """The clause as the user wrote it (quotes restored), for a reply."""
        return restore(self.original, self.quoted).strip(" ,.;")


# Verbs that start a new request inside a sentence: "trim it and add a title" splits before
# "add"; "between 1 and 2 minutes" or "fade in and out" do not split.
_ACTIONS = (
    r"add|put|insert|make|turn|trim|cut|keep|remove|delete|drop|mute|unmute|change|replace|set|speed|slow|"
    r"fade|move|swap|switch|crop|convert|export|use|lower|raise|reduce|increase|shorten|lose|get\s+rid|"
    r"undo|redo|revert|place|give|include|show|play|bring|also|then|compress|resize|rename|"
    r"take|can\s+you|could\s+you|please|i\s+want|i'?d\s+like|and\s+then"
)
_SPLIT_RE = re.compile(
    r"[;；。!?！？\n]+|\.(?=\s|$)|,(?!\d)(?!\s*(?:like|e\.g\.|say|about|around|maybe|roughly|i\.e\.)\b)|，|、|"
    r"然后|接着|再把|并且|同时|但是|但|\bthen\b|\balso\b|\bplus\b|\bbut\b|"
    rf"\band\b(?=\s+(?:{_ACTIONS})\b)|\bafter\s+that\b",
    re.I,
)


_AND_QUOTE_RE = re.compile(r"(?<=⟧)([^⟦]*?)\s+\band\b(?=\s+⟦\d+⟧)", re.I)


def split_clauses(work: str, quoted: list[str]) -> list[Clause]:
    # "add 'Hi' at the top and 'Bye' at the bottom": a second quote after "and" is a second part
    work = _AND_QUOTE_RE.sub(lambda m: m.group(1) + " ;", work)
    parts = [p for p in _SPLIT_RE.split(work) if p and p.strip()]
    return [Clause(work=p, quoted=quoted) for p in parts]
