"""Fonts shipped with the engine (DejaVu Sans for titles; see LICENSE.txt)."""
