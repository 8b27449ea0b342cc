"""Uploads and exports: the panel, its workers."""
