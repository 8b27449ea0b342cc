"""A full disk, for download tests: an ``open`` whose binary writes fail with ENOSPC."""

from __future__ import annotations

import builtins
import errno


class FullDisk:
    """A file whose writes fail with ENOSPC once ``limit`` bytes are written."""

    def __init__(self, fh, limit: int) -> None:
        self.fh, self.limit, self.written = fh, limit, 0

    def write(self, data):
        if self.written + len(data) > self.limit:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(data)
        return self.fh.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


def full_disk_open(limit: int):
    """An ``open`` to patch into a module: binary writes fill up after ``limit`` bytes."""

    def opener(path, mode="r", *args, **kwargs):
        fh = builtins.open(path, mode, *args, **kwargs)
        return FullDisk(fh, limit) if "b" in mode and ("w" in mode or "a" in mode) else fh

    return opener
