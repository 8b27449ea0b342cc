"""The upload file picker (ctrl+u): a folder tree that shows only the accepted file types,
a path box, space to mark several files, enter to upload; Escape cancels.

It returns the chosen paths, already checked (type, size, readable) with the same checks
the client makes before sending (tui.api.upload.check_file), so a refusal is a plain line
in the picker, not a failed upload.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode

from tui.contract import ACCEPTED_EXTENSIONS, LOCAL_EXTENSIONS
from tui.ui.screens.modals import MODAL_CSS


def tilde(path: Path) -> str:
    """``/home/me/Videos`` -> ``~/Videos`` (shorter, and the same on every machine for tests)."""
    home = Path.home()
    try:
        rest = Path(path).relative_to(home)
    except ValueError:
        return str(path)
    return "~" if str(rest) == "." else f"~/{rest}"


def extensions_for(backend: str) -> frozenset[str]:
    """The file types a backend takes: the documented set, or the local engine's wider one."""
    return LOCAL_EXTENSIONS if backend == "local" else ACCEPTED_EXTENSIONS


def check_paths(
    paths: Iterable[Path], extensions: frozenset[str] = ACCEPTED_EXTENSIONS
) -> tuple[list[Path], str | None]:
    """Each path checked as the client will check it: (paths, None) or ([], plain message)."""
    from tui.api.errors import ApiError
    from tui.api.upload import check_file

    checked: list[Path] = []
    for path in paths:
        try:
            check_file(Path(path).expanduser(), extensions)
        except ApiError as error:
            return [], f"{error.message} {error.next_step or ''}".strip()
        checked.append(Path(path).expanduser())
    if not checked:
        return [], "Choose a file first (space marks several)."
    return checked, None


class MediaTree(DirectoryTree):
    """A DirectoryTree showing folders and accepted media only; space marks a file."""

    BINDINGS = [
        Binding("space", "mark", "Mark", id="picker_mark"),
        Binding("backspace", "parent", "Up a folder", id="picker_parent"),
        Binding("tab", "path_box", "Path box", show=False, id="picker_path_box"),
    ]

    def __init__(self, path: Path, extensions: frozenset[str] = ACCEPTED_EXTENSIONS, **kwargs: Any) -> None:
        self.marked: list[Path] = []
        self.extensions = extensions
        super().__init__(path, **kwargs)

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        shown = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir() or path.suffix.lower().lstrip(".") in self.extensions:
                    shown.append(path)
            except OSError:
                continue
        return shown

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        if node is self.root:
            return Text(tilde(Path(self.path)) + "/", style=style + Style(bold=True))
        label = super().render_label(node, base_style, style)
        entry = node.data
        if entry is not None and not node.allow_expand:
            mark = "[x] " if entry.path in self.marked else "[ ] "
            label = Text.assemble((mark, base_style), label)
        return label

    def cursor_path(self) -> Path | None:
        node = self.cursor_node
        return node.data.path if node is not None and node.data is not None else None

    def action_mark(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        if node.allow_expand:
            node.toggle()
            return
        path = node.data.path
        if path in self.marked:
            self.marked.remove(path)
        else:
            self.marked.append(path)
        self.refresh()
        self.post_message(FilePickerScreen.MarksChanged())
        self.action_cursor_down()

    def action_path_box(self) -> None:
        """Tab: to the path box, as the hint says (what was typed there is kept)."""
        self.screen.query_one("#picker-path", Input).focus()

    def action_parent(self) -> None:
        parent = Path(self.path).resolve().parent
        if parent != Path(self.path).resolve():
            self.screen.go_to(parent)  # type: ignore[attr-defined]


class FilePickerScreen(ModalScreen[list[Path] | None]):
    """``FilePickerScreen(start_folder)`` -> the checked list of paths, or None (Escape)."""

    SCOPED_CSS = False  # the shared modal rules name ModalScreen, not this class
    DEFAULT_CSS = (
        MODAL_CSS
        + """
    FilePickerScreen > Vertical.dialog { height: 90%; max-height: 34; }
    FilePickerScreen MediaTree { height: 1fr; min-height: 5; border: round $panel-lighten-2; }
    FilePickerScreen MediaTree:focus { border: round $primary; }
    FilePickerScreen #picker-marked { height: auto; max-height: 3; }
    FilePickerScreen #picker-error { color: $error; height: auto; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker_cancel"),
        Binding("ctrl+g", "upload", "Upload marked", id="picker_upload"),
    ]

    class MarksChanged(Message):
        """The set of marked files changed (the tree posts it)."""

    def __init__(self, folder: Path | None = None, extensions: frozenset[str] = ACCEPTED_EXTENSIONS) -> None:
        super().__init__(id="file-picker")
        self.extensions = extensions
        folder = Path(folder).expanduser() if folder else Path.home()
        self.folder = folder if folder.is_dir() else Path.home()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Upload files", classes="title")
            yield Input(
                value=tilde(self.folder) + "/",
                placeholder="a folder to browse, or file paths (quote names with spaces)",
                id="picker-path",
            )
            yield MediaTree(self.folder, self.extensions, id="picker-tree")
            yield Static("", id="picker-marked", markup=False)
            yield Static("", id="picker-error", markup=False)
            yield Static(
                "space marks · enter uploads · backspace: up a folder · tab: path box · Esc cancels",
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Upload", variant="primary", id="picker-ok")
                yield Button("Cancel", id="picker-cancel")

    def on_mount(self) -> None:
        self._error("")
        self.tree.focus()
        self._show_marks()

    @property
    def tree(self) -> MediaTree:  # type: ignore[override]  # (DOMNode.tree is a debug view)
        return self.query_one(MediaTree)

    def go_to(self, folder: Path) -> None:
        self.folder = folder
        self.tree.path = folder
        self.query_one("#picker-path", Input).value = tilde(folder) + "/"
        self._error("")

    def _error(self, text: str) -> None:
        line = self.query_one("#picker-error", Static)
        line.update(text)
        line.display = bool(text)

    def _show_marks(self) -> None:
        marked = self.tree.marked
        if not marked:
            text = "Nothing marked: space marks a file, enter uploads the file under the cursor."
        else:
            size = 0
            for path in marked:
                try:
                    size += path.stat().st_size
                except OSError:
                    pass
            from tui.core.files import human_bytes

            names = ", ".join(p.name for p in marked)
            text = f"Marked {len(marked)} file{'s' if len(marked) > 1 else ''} ({human_bytes(size)}): {names}"
        self.query_one("#picker-marked", Static).update(text)

    def on_file_picker_screen_marks_changed(self, _message: FilePickerScreen.MarksChanged) -> None:
        self._show_marks()

    def _finish(self, paths: list[Path]) -> None:
        checked, error = check_paths(paths, self.extensions)
        if error:
            self._error(error)
            return
        self.dismiss(checked)

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        marked = list(self.tree.marked)
        if event.path not in marked and not marked:
            marked = [event.path]
        self._finish(marked)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        import shlex

        value = event.value.strip()
        if not value:
            self._error("Type a folder or a file path, or press Esc to cancel.")
            return
        try:
            words = shlex.split(value)
        except ValueError:
            words = [value]
        paths = [Path(os.path.expanduser(w)) for w in words]
        if len(paths) == 1 and paths[0].is_dir():
            self.go_to(paths[0].resolve())
            self.tree.focus()
            return
        self._finish(paths)

    def action_upload(self) -> None:
        marked = list(self.tree.marked)
        if not marked:
            path = self.tree.cursor_path()
            marked = [path] if path is not None and path.is_file() else []
        self._finish(marked)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "picker-ok":
            self.action_upload()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
