"""The timeline pane: the one-line summary, the draft drawn to scale, and the draft as a
Tree (draft → tracks → segments) updated in place so expanded nodes and the cursor survive.

To scale means pictures (``tui.ui.timeline``: thumbnails, waveforms, words in their span, a
ruler and a playhead, details of the chosen segment) once ``set_pictures`` gives a source
(the embedded engine), else one proportional bar per track and a one-line hint saying why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.widgets import Tree
    from textual.widgets.tree import TreeNode

EMPTY_HINT = "No timeline yet: paste a video URL in the chat or upload a file (ctrl+u)."
BAR_STYLES = {"Video": "cyan", "Audio": "magenta", "Text": "yellow", "Other": "white"}


def draft_label(draft: Any) -> str:
    from tui.core.timeline import format_ms

    meta = getattr(draft, "meta", None) or {}
    if not isinstance(meta, dict):
        meta = getattr(meta, "__dict__", {}) or {}
    title = meta.get("title") or "Draft"
    parts = [str(title), format_ms(getattr(draft, "duration_ms", 0) or 0)]
    if meta.get("width") and meta.get("height"):
        parts.append(f"{meta['width']}×{meta['height']}")
    if meta.get("mute"):
        parts.append("source muted")
    return " · ".join(parts)


def track_label(track: Any) -> str:
    kind = getattr(track, "kind", "Other")
    name = getattr(track, "name", "") or kind
    count = len(getattr(track, "segments", []) or [])
    plural = "segment" if count == 1 else "segments"
    title = kind if name == kind else f"{kind}: {name}"
    return f"{title} ({count} {plural})"


def segment_label(segment: Any, text_track: bool = False) -> str:
    """``"Urban Dreams"  0:00–0:03`` for a title, ``clip.mp4  0:00–0:10  vol 80%`` for a clip:
    the words from ``Segment.title`` / ``Segment.clip_name`` (never an internal id)."""
    from tui.core.timeline import format_span

    start = getattr(segment, "start_ms", 0) or 0
    duration = getattr(segment, "duration_ms", 0) or 0
    if text_track or getattr(segment, "text", None):
        label = str(getattr(segment, "title", None) or "a title")
    else:
        label = str(getattr(segment, "clip_name", None) or "a clip")
    label += f"  {format_span(start, start + duration)}"
    volume = getattr(segment, "volume", None)
    if volume is not None:
        label += "  muted" if volume == 0 else f"  vol {volume:g}%"
    return label


def _keys(items: list[Any]) -> list[str]:
    """A stable key per item: its id, or its position; duplicates made unique."""
    keys: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        key = str(getattr(item, "id", None) or f"#{index}")
        if key in seen:
            key = f"{key}#{index}"
        seen.add(key)
        keys.append(key)
    return keys


_TREE_CLASS: Any = None


def timeline_tree_class() -> Any:
    """The Tree subclass of the timeline, defined on first use: the Tree appears with the
    first draft, so its module is not loaded before the first paint."""
    global _TREE_CLASS
    if _TREE_CLASS is None:
        from textual.widgets import Tree

        class TimelineTree(Tree[Any]):
            DEFAULT_CSS = """
            TimelineTree { height: 1fr; background: $surface; }
            """

            def process_label(self, label: Any) -> Text:
                # Titles, names and texts come from the user and the server: shown as they
                # are, never read as Rich markup ("[/]" would crash, "[b]" would style).
                text = Text(label) if isinstance(label, str) else label
                return text.split()[0]

        _TREE_CLASS = TimelineTree
    return _TREE_CLASS


class TimelineView(Vertical):
    """``show_draft(draft)``: draft is a ``tui.api.models.Draft`` (or None before the first state)."""

    DEFAULT_CSS = """
    TimelineView { height: 1fr; }
    TimelineView > #timeline-summary { height: auto; max-height: 4; padding: 0 1; color: $text; }
    TimelineView > #timeline-bars { height: auto; padding: 0 1; }
    TimelineView > #timeline-hint { height: auto; padding: 0 1; color: $text-muted; display: none; }
    """

    def __init__(self, bars: Callable[[Any, int], list[tuple[str, str]]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._bars_fn = bars
        self.draft: Any = None
        self._track_nodes: dict[str, TreeNode[Any]] = {}
        self._segment_nodes: dict[str, dict[str, TreeNode[Any]]] = {}
        self.summary_text = EMPTY_HINT
        self.pictures: Any = None  # a tui.ui.timeline.pictures.PictureSource, once known
        self.picture_mode = "halfcell"
        self.hint = ""

    def compose(self) -> ComposeResult:
        yield Static(EMPTY_HINT, id="timeline-summary", markup=False)
        yield Static("", id="timeline-bars", markup=False)
        yield Static("", id="timeline-hint", markup=False)
        # the Tree is mounted with the first draft (before that the hint above says it all)

    @property
    def tree(self) -> Tree[Any]:  # type: ignore[override]  # (DOMNode.tree is a debug view)
        """The draft as a Tree (mounted on first use)."""
        from textual.widgets import Tree

        for found in self.query("#timeline-tree").results(Tree):
            return found
        tree: Tree[Any] = timeline_tree_class()("Draft", id="timeline-tree")
        tree.show_root = True
        tree.root.expand()
        self.mount(tree)
        return tree

    # ---- data in -------------------------------------------------------------------
    def show_draft(self, draft: Any) -> None:
        self.draft = draft
        tracks = list(getattr(draft, "tracks", None) or []) if draft is not None else []
        if draft is None or not tracks:
            self.summary_text = EMPTY_HINT
        else:
            try:
                self.summary_text = draft.summary()
            except Exception:
                self.summary_text = f"Timeline ({len(tracks)} tracks)"
        self.query_one("#timeline-summary", Static).update(self.summary_text)
        self._update_tree(draft, tracks)
        self._draw_bars()
        self._draw_pictures()

    # ---- pictures ------------------------------------------------------------------------
    def set_pictures(self, source: Any, mode: str) -> None:
        """Draw with pictures from ``source`` (a PictureSource) in ``mode`` (graphics.picture_mode)."""
        self.pictures, self.picture_mode = source, mode
        self.set_hint("")
        self._draw_bars()
        self._draw_pictures()

    def set_hint(self, hint: str) -> None:
        """One line under the bars (why there are no pictures), shown with the bars; "" none."""
        self.hint = hint
        self.query_one("#timeline-hint", Static).update(hint)
        self._draw_bars()

    @property
    def showing_pictures(self) -> bool:
        return self.pictures is not None and self.picture_mode != "off"

    def _draw_pictures(self) -> None:
        tracks = list(getattr(self.draft, "tracks", None) or []) if self.draft is not None else []
        if not self.showing_pictures or not tracks:
            for canvas in self.query("#timeline-canvas"):
                canvas.display = False
            return
        from tui.ui.timeline.canvas import TimelineCanvas
        from tui.ui.timeline.details import SegmentDetails

        found = list(self.query("#timeline-canvas").results(TimelineCanvas))
        if found:
            canvas = found[0]
        else:
            canvas = TimelineCanvas(id="timeline-canvas")
            self.mount(canvas, after="#timeline-hint")
            self.mount(SegmentDetails(id="timeline-details"), after=canvas)
        canvas.display = True
        canvas.show(self.draft, self.pictures, self.picture_mode == "shades")

    def on_timeline_canvas_picked(self, message: Any) -> None:
        from tui.ui.timeline.details import SegmentDetails
        from tui.ui.timeline.layout import aspect_of

        for details in self.query("#timeline-details").results(SegmentDetails):
            details.show(message.track, message.segment, self.pictures, self.picture_mode, aspect_of(self.draft))

    def on_tree_node_highlighted(self, event: Any) -> None:
        """The tree's cursor on a segment puts the timeline's playhead at its start."""
        data = getattr(event.node, "data", None)
        if not (isinstance(data, tuple) and data[0] == "segment") or not self.showing_pictures:
            return
        for index, nodes in enumerate(self._segment_nodes.values()):
            if nodes.get(data[1]) is event.node:
                segments = list(getattr(self.draft.tracks[index], "segments", None) or [])
                position = list(nodes).index(data[1])
                if position < len(segments):
                    for canvas in self.query("#timeline-canvas"):
                        canvas.select(index, segments[position].start_ms)  # type: ignore[attr-defined]
                return

    def on_resize(self) -> None:
        self._draw_bars()

    # ---- bars ----------------------------------------------------------------------
    def _draw_bars(self) -> None:
        bars_widget = self.query_one("#timeline-bars", Static)
        tracks = list(getattr(self.draft, "tracks", None) or []) if self.draft is not None else []
        hint = self.query_one("#timeline-hint", Static)
        hint.display = bool(tracks) and bool(self.hint) and not self.showing_pictures
        if not tracks or self.showing_pictures:
            bars_widget.update("")
            bars_widget.display = False
            return
        bars_widget.display = True
        width = max(10, (self.size.width or 40) - 2)
        rows = self._bars(width)
        label_width = min(12, max((len(label) for label, _ in rows), default=0))
        bar_width = max(4, width - label_width - 3)
        if bar_width != width:
            rows = self._bars(bar_width)
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (label, bar) in enumerate(rows):
            kind = getattr(tracks[index], "kind", "Other") if index < len(tracks) else "Other"
            if index:
                text.append("\n")
            text.append(f"{label[:label_width]:<{label_width}} ", style="bold")
            text.append("▕", style="dim")
            text.append(bar[:bar_width], style=BAR_STYLES.get(kind, "white"))
            text.append("▏", style="dim")
        from tui.core.timeline import ruler

        text.append("\n" + " " * (label_width + 2) + ruler(self.draft, bar_width), style="dim")
        bars_widget.update(text)

    def _bars(self, width: int) -> list[tuple[str, str]]:
        fn = self._bars_fn
        if fn is None:
            from tui.core.timeline import track_bars

            fn = track_bars
        try:
            return list(fn(self.draft, width))
        except Exception:
            return []

    # ---- tree, updated in place -------------------------------------------------------
    def _update_tree(self, draft: Any, tracks: list[Any]) -> None:
        tree = self.tree
        root = tree.root
        root.set_label(draft_label(draft) if draft is not None else "Draft (not loaded)")
        keys = _keys(tracks)
        # Drop tracks that are gone.
        for key in list(self._track_nodes):
            if key not in keys:
                self._track_nodes.pop(key).remove()
                self._segment_nodes.pop(key, None)
        existing_order = [k for k in self._track_nodes]
        if [k for k in keys if k in self._track_nodes] != existing_order:
            # The order changed: rebuild the level, keeping which tracks were expanded.
            expanded = {k for k, n in self._track_nodes.items() if n.is_expanded}
            for node in self._track_nodes.values():
                node.remove()
            self._track_nodes.clear()
            self._segment_nodes.clear()
        else:
            expanded = None
        for index, (track, key) in enumerate(zip(tracks, keys, strict=True)):
            found = self._track_nodes.get(key)
            if found is None:
                position = index if index < len(root.children) else None
                node = root.add(track_label(track), data=("track", key), before=position)
                if expanded is None or key in expanded:
                    node.expand()
                self._track_nodes[key] = node
                self._segment_nodes[key] = {}
            else:
                node = found
                node.set_label(track_label(track))
            self._update_segments(
                node,
                self._segment_nodes[key],
                list(getattr(track, "segments", None) or []),
                getattr(track, "kind", "") == "Text",
            )
        self._track_nodes = {k: self._track_nodes[k] for k in keys}
        if not root.is_expanded:
            root.expand()

    def _update_segments(
        self, parent: TreeNode[Any], nodes: dict[str, TreeNode[Any]], segments: list[Any], text_track: bool = False
    ) -> None:
        keys = _keys(segments)
        for key in list(nodes):
            if key not in keys:
                nodes.pop(key).remove()
        if [k for k in keys if k in nodes] != list(nodes):
            for node in nodes.values():
                node.remove()
            nodes.clear()
        for index, (segment, key) in enumerate(zip(segments, keys, strict=True)):
            leaf = nodes.get(key)
            if leaf is None:
                position = index if index < len(parent.children) else None
                nodes[key] = parent.add_leaf(segment_label(segment, text_track), data=("segment", key), before=position)
            else:
                leaf.set_label(segment_label(segment, text_track))
        ordered = {k: nodes[k] for k in keys}
        nodes.clear()
        nodes.update(ordered)
