"""The chat: pane, reply, driver, recovery."""
