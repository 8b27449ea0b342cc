"""The formats dialog's place in the jobs feature (issue 17): which link it opens for, how it
reads the link, and where its pick goes.

- ``formats_link(panel)``: the link the ``formats`` key acts on — the one in the chat input
  (a pasted link), else the last download job's;
- ``open_formats(panel, url)``: pushes ``FormatsScreen``; it reads the link through the local
  ``formats`` extension (``tui.api.link_info``) or, when the backend does not list it (the
  cloud), says that the service picks; a pick becomes a download job through the panel's
  ``download`` (the same path as a typed "download <link>").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from tui.ui import messages as m

if TYPE_CHECKING:
    from tui.api.link_info import LinkInfo
    from tui.core.download_intent import DownloadRequest
    from tui.ui.connection import Connection


class FormatsHost(Protocol):
    """The jobs panel as the formats key uses it (no import of the panel: no cycle)."""

    last_download_url: str | None

    @property
    def conn(self) -> Connection: ...

    @property
    def app(self) -> Any: ...

    @property
    def screen(self) -> Any: ...

    def post_message(self, message: Any) -> bool: ...

    def need_connection(self) -> bool: ...

    def download(self, request: DownloadRequest) -> None: ...


def formats_link(panel: FormatsHost) -> str | None:
    """The link in the chat input, else the last download job's link, else None."""
    from textual.widgets import Input

    from tui.core.router import extract_urls

    for box in panel.screen.query("#chat-input").results(Input):
        urls = extract_urls(box.value)
        if urls:
            return urls[0]
    return panel.last_download_url


def open_formats(panel: FormatsHost, url: str | None) -> None:
    """The formats dialog for ``url`` (a note in the chat when there is no link)."""
    from tui.ui.screens.formats import FormatsScreen

    if not url:
        panel.post_message(
            m.ChatNote("Paste a link in the input first: the formats key lists what that link offers.", "warning")
        )
        return
    if not panel.need_connection():
        return
    conn = panel.conn

    async def load() -> LinkInfo | None:
        from tui.api.ingest import capabilities
        from tui.api.link_info import link_info

        client, session_id = conn.client, conn.session_id
        if client is None or session_id is None:
            raise RuntimeError("Not connected.")
        if "formats" not in await capabilities(client):
            return None  # the cloud: the service picks the format
        return await link_info(client, session_id, url)

    def chosen(request: DownloadRequest | None) -> None:
        if request is not None and request.urls and panel.need_connection():
            panel.download(request)

    panel.app.push_screen(FormatsScreen(url, load), chosen)


__all__ = ["formats_link", "open_formats"]
