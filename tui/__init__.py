"""nemo-tui: drive the NemoVideo AI video agent from a terminal."""

__version__ = "0.1.0"
