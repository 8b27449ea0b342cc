"""Every action of the app in one table (as harlequin's actions.py): binding id, default keys,
footer label, where it runs, and its palette entry. ``NemoApp.BINDINGS``, the command palette
and the list of actions that stay off under a modal are all built from ``ACTIONS``; the user's
keymap (``[keymap]`` in config.toml) rebinds by binding id.

``target`` is the action string Textual runs: ``chat.<name>`` runs on the chat pane,
``jobs.<name>`` on the jobs panel, ``main.<name>`` on the main screen, a bare name on the app
(NemoApp registers the three namespaces). So a key is one hop from its handler.

Keys: the first key of each action has one encoding in every terminal (a ctrl+letter byte, or
an unmodified F-key that Textual decodes in all its forms); shift+F-keys are extras, with
alias bindings for the ways tmux 3.2, rxvt and the Linux console send them (tui.ui.keys).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    """One action. ``keys``: Textual key names, comma-separated, first = the one shown;
    ``palette``/``help``: its command-palette entry ("" = not listed); ``modal``: True when it
    may run while a dialog is open (False: its priority keys do nothing under a modal)."""

    id: str
    keys: str
    label: str
    target: str
    palette: str = ""
    help: str = ""
    show: bool = False
    priority: bool = False
    modal: bool = True


ACTIONS: tuple[Action, ...] = (
    Action(
        "export",
        "ctrl+e,f5",
        "Export",
        "jobs.export",
        "Export",
        "Render the current draft to MP4 and download it",
        show=True,
        priority=True,
        modal=False,
    ),
    Action(
        "export_options",
        "ctrl+d,shift+f5,f17,f15",
        "Export…",
        "jobs.export_options",
        "Export with options",
        "Choose the resolution (highest, 1080p, 720p, 480p), then export",
        priority=True,
        modal=False,
    ),
    Action(
        "open_folder",
        "ctrl+g,shift+f9,f19",
        "Open folder",
        "jobs.open_folder",
        "Open the download folder",
        "Open the folder the exports are saved in",
        modal=False,
    ),
    Action(
        "storyboard",
        "f11",
        "Storyboard",
        "jobs.storyboard",
        "Show the storyboard",
        "Show the frames of the latest export larger",
        modal=False,
    ),
    Action(
        "open_web",
        "ctrl+backslash",
        "Open in browser",
        "jobs.open_web",
        "Open in browser",
        "Copy the project's web link (no token in it) and open it",
        priority=True,
        modal=False,
    ),
    # F-key alternatives for ctrl-keys a terminal, tmux or ssh may keep for itself
    # (ctrl+y is "delayed suspend" on macOS/BSD ttys, ctrl+q is XON flow control).
    Action(
        "upload",
        "ctrl+u,f8",
        "Upload",
        "jobs.upload",
        "Upload files",
        "Upload video, image or audio files to this session",
        show=True,
        priority=True,
        modal=False,
    ),
    Action(
        "add_url",
        "ctrl+l",
        "Add URL",
        "jobs.add_url",
        "Add URL",
        "Add a video by its link",
        show=True,
        priority=True,
        modal=False,
    ),
    Action(
        "formats",
        "ctrl+f",
        "Formats",
        "jobs.formats",
        "Formats of a link",
        "List what the link in the input (or the last download) offers; pick one to download it",
        priority=True,
        modal=False,
    ),
    Action(
        "refresh",
        "ctrl+r,f12",
        "Refresh",
        "main.refresh",
        "Refresh",
        "Reload the project state and credits",
        show=True,
        priority=True,
        modal=False,
    ),
    Action(
        "copy",
        "ctrl+y,f9",
        "Copy",
        "main.copy",
        "Copy",
        "Copy the last link or the timeline summary",
        show=True,
        priority=True,
        modal=False,
    ),
    Action(
        "new_session",
        "ctrl+n",
        "New session",
        "new_session",
        "New session",
        "Start a new editing session",
        priority=True,
        modal=False,
    ),
    Action("cancel", "escape", "Cancel", "main.cancel", "Cancel", "Cancel the running job; nothing is sent again"),
    Action(
        "retry",
        "ctrl+t",
        "Retry",
        "chat.retry",
        "Retry",
        "Send the last failed message again, on purpose",
        priority=True,
        modal=False,
    ),
    Action("tab_chat", "f2", "Chat", "main.show_tab('chat')", "Show chat", "Show the chat pane"),
    Action(
        "tab_timeline", "f3", "Timeline", "main.show_tab('timeline')", "Show timeline", "Show the timeline and credits"
    ),
    Action("tab_log", "f4", "Log", "main.show_tab('log')", "Show SSE log", "Show the live SSE log"),
    Action(
        "raw_events",
        "f6",
        "Raw events",
        "main.raw_events",
        "Raw events",
        "Read the raw JSON of recent SSE events",
        modal=False,
    ),
    Action(
        "log_filter",
        "f7",
        "Log filter",
        "main.log_filter",
        "Filter the log",
        "Choose which kinds of SSE event the log shows",
        modal=False,
    ),
    Action("command_palette", "ctrl+p,f1", "Palette", "command_palette", priority=True),
    Action("quit", "ctrl+q,f10", "Quit", "quit", "Quit", "Quit nemo-tui", show=True, priority=True),
)

# The order the footer shows bindings in (it follows BINDINGS): unchanged since 0.1.
_BINDING_ORDER = (
    "export",
    "export_options",
    "open_folder",
    "storyboard",
    "upload",
    "add_url",
    "formats",
    "refresh",
    "copy",
    "new_session",
    "retry",
    "cancel",
    "tab_chat",
    "tab_timeline",
    "tab_log",
    "raw_events",
    "log_filter",
    "open_web",
    "command_palette",
    "quit",
)
BY_ID: dict[str, Action] = {action.id: action for action in ACTIONS}


def bindings() -> list[BindingType]:
    """The app's BINDINGS, one per action, each with its id (so a keymap can rebind it)."""
    return [
        Binding(a.keys, a.target, a.label, show=a.show, priority=a.priority, id=a.id)
        for a in (BY_ID[name] for name in _BINDING_ORDER)
    ]


def palette() -> list[Action]:
    """The actions the command palette lists, in the order it lists them."""
    return [a for a in ACTIONS if a.palette]


def blocked_under_modal() -> frozenset[str]:
    """Action names (without namespace) that do nothing while a dialog is open."""
    return frozenset(action_name(a.target) for a in ACTIONS if not a.modal)


def action_name(target: str) -> str:
    """ "jobs.export" → "export"; "main.show_tab('chat')" → "show_tab"."""
    return target.split("(", 1)[0].rsplit(".", 1)[-1]
