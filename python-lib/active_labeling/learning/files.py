"""Readers: how a feature extractor gets a file's bytes from its path."""

from __future__ import annotations

import os
from typing import Any, Callable

Reader = Callable[[str], Any]
"""Path → binary stream (closed after reading) or bytes, e.g. ``Folder(...).get_download_stream``."""


def read_bytes(reader: Reader, path: str) -> bytes:
    """The whole content of ``path`` through ``reader``."""
    got = reader(path)
    if isinstance(got, (bytes, bytearray)):
        return bytes(got)
    with got as stream:
        return stream.read()


class FolderReader:
    """Reads pool paths (``/sub/file.png``, as the labeling app names them) under a local folder.

    A class rather than a closure so that a fitted pipeline holding it can be pickled.
    """

    def __init__(self, root: str):
        self.root = os.path.abspath(root)

    def __call__(self, path: str):
        full = os.path.abspath(os.path.join(self.root, path.lstrip("/")))
        if os.path.commonpath([full, self.root]) != self.root:
            raise ValueError(f"{path} is outside the folder {self.root}")
        return open(full, "rb")  # noqa: SIM115 - closed by read_bytes
