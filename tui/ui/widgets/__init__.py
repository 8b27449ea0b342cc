"""Widgets of the main screen. Each takes plain data (or the api models) and never does I/O."""
