"""Rewrite the backend's GUI talk into this app's keys and panes.

The NemoVideo agent believes a web editor is open: it says "click the Export button", "open
the timeline panel", "drag and drop your clip", "check your billing page". In the terminal
there is no such thing, so those phrases become the key or pane that does the same job.
Everything else in the reply is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The app's keys (product.md). The UI may show these in its footer/palette too.
KEYS: dict[str, str] = {
    "export": "ctrl+e",
    "export_alt": "F5",
    "upload": "ctrl+u",
    "url": "ctrl+l",
    "refresh": "ctrl+r",
    "copy": "ctrl+y",
    "new_session": "ctrl+n",
    "cancel": "escape",
    "palette": "ctrl+p",
    "quit": "ctrl+q",
}

EXPORT_EN = "press ctrl+e (or F5) to export"
UPLOAD_EN = "send it in chat (ctrl+u to upload)"
TIMELINE_EN = "see the timeline pane"
SUMMARY_EN = "the timeline pane's summary"
CREDITS_EN = "the credits panel (ctrl+r refreshes)"

EXPORT_ZH = "按 ctrl+e（或 F5）导出"
UPLOAD_ZH = "在聊天中发送（ctrl+u 上传）"
TIMELINE_ZH = "查看时间线面板"
CREDITS_ZH = "积分面板（ctrl+r 刷新）"

# Button / panel names -> what to say instead ("press ..." sentences, English).
_BUTTON_ACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)^(?:export|download|render|save(?: video)?|export video|download video)$"), EXPORT_EN),
    (
        re.compile(r"(?i)^(?:upload|upload (?:file|video|media)s?|add (?:file|media|video)s?|import)$"),
        "press ctrl+u to upload",
    ),
    (re.compile(r"(?i)^(?:add url|paste url|url|link|add link|import url)$"), "press ctrl+l to add a URL"),
    (re.compile(r"(?i)^(?:refresh|reload|sync)$"), "press ctrl+r to refresh"),
    (re.compile(r"(?i)^(?:copy|copy link|share|copy url|share link)$"), "press ctrl+y to copy the link"),
    (re.compile(r"(?i)^(?:new|new project|new session|create project|start over)$"), "press ctrl+n for a new session"),
    (re.compile(r"(?i)^(?:cancel|stop|abort)$"), "press escape to cancel"),
    (
        re.compile(r"(?i)^(?:credits?|billing|account|top ?up|buy credits|upgrade|subscribe|balance)$"),
        "see " + CREDITS_EN,
    ),
    (re.compile(r"(?i)^(?:timeline|tracks?|preview|play|layers?)$"), TIMELINE_EN),
]


def _button(name: str) -> str:
    clean = " ".join(name.strip(" \"'“”‘’[]【】「」").split())
    for pattern, replacement in _BUTTON_ACTIONS:
        if pattern.match(clean):
            return replacement
    # An unknown button: ask for that action in the chat.
    return f'say "{clean.lower()}" in the chat'


_Q = r"[\"'“”‘’\[\]【】「」*]{0,2}"  # an optional quote/bracket/bold mark around a button name
_BTN_NAME = r"(?P<name>[A-Za-z][A-Za-z0-9 &+\-]{0,30}?)"

# Order matters: the most specific phrases first.
_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = []


def _rule(pattern: str, replacement: str | Callable[[re.Match[str]], str], flags: int = re.IGNORECASE) -> None:
    _RULES.append((re.compile(pattern, flags), replacement))


def _keep_case(replacement: str) -> Callable[[re.Match[str]], str]:
    """The replacement, capitalised when the matched phrase started a sentence."""

    def sub(match: re.Match[str]) -> str:
        first = match.group(0)[:1]
        return replacement[:1].upper() + replacement[1:] if first.isupper() else replacement

    return sub


_PURPOSE = r"(?P<purpose>\s+to\s+(?:export|download|save|render)\b)?"


def _place(name: str) -> str:
    lowered = name.lower()
    if any(w in lowered for w in ("export", "download", "render")):
        return EXPORT_EN
    if any(w in lowered for w in ("billing", "account", "credit", "subscription", "plan", "pricing", "balance")):
        return "check " + CREDITS_EN
    if any(w in lowered for w in ("upload", "media", "library", "asset")):
        return "press ctrl+u to upload"
    return TIMELINE_EN


def _click_button(match: re.Match[str]) -> str:
    text = _button(match.group("name"))
    purpose = match.groupdict().get("purpose") or ""
    if text != EXPORT_EN:
        text += purpose  # "to export" after the export key is said already
    return text[:1].upper() + text[1:] if match.group(0)[:1].isupper() else text


def _export_phrase(match: re.Match[str]) -> str:
    return EXPORT_EN[:1].upper() + EXPORT_EN[1:] if match.group(0)[:1].isupper() else EXPORT_EN


# --- English ------------------------------------------------------------------------------

_CLICK = r"(?:click(?:ing)?|press(?:ing)?|tap(?:ping)?|hit(?:ting)?|select(?:ing)?|use|using|choose)"
# "click (on) (the) Export button" / "click the 'Export' button in the top right corner"
_rule(
    rf"\b{_CLICK}\s+(?:on\s+)?(?:the\s+)?{_Q}{_BTN_NAME}{_Q}\s+(?:button|icon|tab|option)"
    r"(?:\s+(?:in|at|on)\s+the\s+(?:top|bottom|upper|lower)?[\s-]*(?:right|left)?(?:[\s-]*hand)?\s*(?:corner|side|toolbar|menu|panel|bar))?(?:\s+(?:below|above))?"
    + _PURPOSE,
    _click_button,
)
# "click Export" / "click on 'Export'" (no "button" word) for the names we know.
_rule(
    rf"\b(?:click(?:ing)?|press(?:ing)?|tap(?:ping)?|hit(?:ting)?)\s+(?:on\s+)?(?:the\s+)?{_Q}(?P<name>export|download|upload|refresh|render)\b{_Q}"
    + _PURPOSE,
    _click_button,
)
# "the Export button" anywhere else ("use the Export button", "via the Export button").
_rule(
    rf"\b(?:the\s+)?{_Q}(?:export|download)(?: video)?{_Q}\s+button(?:\s+(?:in|at|on)\s+the\s+[\w\s-]{{0,30}}?(?:corner|toolbar|bar|menu))?(?:\s+(?:below|above))?"
    + _PURPOSE,
    _export_phrase,
)
# "go to the Export tab" / "head over to the billing page" / "switch to the timeline view".
_rule(
    r"\b(?:go|head(?:\s+over)?|navigate|switch|jump|move)\s+to\s+(?:the\s+)?(?P<place>[\w-]+(?:\s+[\w-]+)?)\s+"
    r"(?:tab|page|panel|section|screen|view|menu)\b(?P<purpose>\s+to\s+(?:get|download|export|save|render)\b)?",
    lambda m: (
        _keep_case(_place(m.group("place")))(m)
        + ("" if _place(m.group("place")) == EXPORT_EN else (m.group("purpose") or ""))
    ),
)
# Billing / account pages.
_rule(
    r"\b(?:check|visit|open|go to|head to|view|see)\s+(?:your|the)\s+(?:account(?:'s)?\s+)?(?:billing|account|credits?|subscription|balance)"
    r"(?:\s+(?:page|settings|panel|section|tab|details))?",
    _keep_case("check " + CREDITS_EN),
)
_rule(r"\b(?:your|the)\s+(?:billing|account)\s+(?:page|settings|section|tab)\b", _keep_case(CREDITS_EN))
# Preview in the timeline.
_rule(
    r"\bpreview(?:\s+(?:it|this|that|them|the (?:result|changes?|video|edit)))?\s+(?:in|on)\s+the\s+timeline(?:\s+(?:panel|view|pane))?"
    r"(?:\s+(?:on|at)\s+the\s+(?:right|left|top|bottom))?",
    _keep_case("check " + SUMMARY_EN),
)
# Open a panel / editor view.
_rule(
    r"\bopen(?:ing)?\s+(?:up\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:panel|pane|sidebar|side panel|editor|tab|view|timeline)\b"
    r"(?:\s+(?:panel|pane|view|tab|window))?",
    _keep_case(TIMELINE_EN),
)
# Drag and drop.
_rule(
    r"\bdrag(?:ging)?\s*(?:and|&|n'?|/|-)\s*drop(?:ping)?\s+(?P<obj>(?:your|the|a|any|an)\s+[\w\s-]{1,30}?)\s+"
    r"(?:into|onto|to|in|on|here)\b(?:\s+(?:the|this)\s+[\w\s-]{0,25}?(?:timeline|editor|canvas|window|area|panel|box|page|zone|track))?",
    lambda m: _keep_case("send")(m) + f" {m.group('obj').strip()} in chat (ctrl+u to upload)",
)
_rule(
    r"\bdrag(?:ging)?\s*(?:and|&|n'?|/|-)\s*drop(?:ping)?\s+(?P<obj>(?:your|the|a|any|an)\s+(?:[\w-]+\s+)?(?:files?|videos?|clips?|media|images?|photos?|music|audio|songs?))\b",
    lambda m: _keep_case("send")(m) + f" {m.group('obj').strip()} in chat (ctrl+u to upload)",
)
_rule(
    r"\bdrag(?:ging)?\s*(?:and|&|n'?|/|-)\s*drop(?:ping)?(?:\s+(?:it|them|here|files))?(?:\s+(?:here|into the (?:timeline|editor|window|page)))?",
    _keep_case(UPLOAD_EN),
)
_rule(
    r"\bdrag(?:ging)?\s+(?P<obj>(?:it|them|your [\w\s-]{1,20}?|the [\w\s-]{1,20}?))\s+(?:into|onto|to)\s+the\s+(?:timeline|editor|canvas|window|upload area)",
    lambda m: _keep_case("send")(m) + f" {m.group('obj').strip()} in chat (ctrl+u to upload)",
)

# --- Chinese ------------------------------------------------------------------------------

_ZH_Q = r"[“”\"'「」【】『』]?"
_ZH_WHERE = r"(?:(?:右上角|左上角|右下角|左下角|上方|下方|顶部|底部|页面|界面|页面上|工具栏)[的里中上]?)?"
_rule(rf"(?:点击|单击|按下|点){_ZH_WHERE}{_ZH_Q}(?:导出|下载){_ZH_Q}(?:按钮|键)?", EXPORT_ZH, 0)
_rule(rf"{_ZH_Q}(?:导出|下载){_ZH_Q}按钮", EXPORT_ZH, 0)
_rule(rf"(?:点击|单击){_ZH_Q}上传{_ZH_Q}(?:按钮)?", "按 ctrl+u 上传", 0)
_rule(rf"(?:点击|单击){_ZH_Q}(?:刷新){_ZH_Q}(?:按钮)?", "按 ctrl+r 刷新", 0)
_rule(
    rf"(?:点击|单击){_ZH_Q}(?P<name>[\u4e00-\u9fffA-Za-z0-9]{{1,8}}?){_ZH_Q}(?:按钮|图标|选项)",
    lambda m: f"在聊天中说“{m.group('name')}”",
    0,
)
_rule(
    r"(?:查看|打开)(?:你的)?(?:账户|账号|帐户|帐号)(?:余额|积分)?(?:页面|设置)?|(?:查看|打开)(?:计费|账单)(?:页面)?",
    "查看" + CREDITS_ZH,
    0,
)
_rule(r"打开[\u4e00-\u9fff]{0,6}?(?:面板|窗口|编辑器|侧边栏|页面)", TIMELINE_ZH, 0)
_rule(r"在时间线(?:上|中)?预览", "查看时间线面板的摘要", 0)
_rule(r"(?:拖拽|拖放|拖动|拖入)(?:到|至|进)?(?:时间线|编辑器|窗口|这里|此处)?(?:中|上|里)?", UPLOAD_ZH, 0)


def translate_gui(text: str) -> str:
    """``text`` with GUI instructions replaced by this app's keys and panes (content kept)."""
    if not text:
        return text or ""
    # Each rewrite is parked behind a placeholder so a later rule never rewrites it again.
    done: list[str] = []

    def park(replacement: str | Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        def sub(match: re.Match[str]) -> str:
            done.append(replacement(match) if callable(replacement) else replacement)
            return f"\x00{len(done) - 1}\x00"

        return sub

    text = text.replace("\x00", "")
    for pattern, replacement in _RULES:
        text = pattern.sub(park(replacement), text)
    if done:
        text = re.sub("\x00(\\d+)\x00", lambda m: done[int(m.group(1))], text)
    return text


__all__ = ["KEYS", "translate_gui"]
