"""One reply of the agent as Markdown (its own module: Markdown loads only when a reply comes)."""

from __future__ import annotations

from textual.widgets import Markdown


class AgentMessage(Markdown):
    """One reply of the agent, streamed as Markdown."""

    DEFAULT_CSS = """
    AgentMessage {
        margin: 1 4 0 0;
        padding: 0 1;
        background: $boost;
        border-left: outer $success;
    }
    /* No :last-child rule here: an order-dependent rule makes Textual restyle every block
       of the reply each time a streamed paragraph is mounted (quadratic on long replies). */
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(text, **kwargs)
        self.text = text
