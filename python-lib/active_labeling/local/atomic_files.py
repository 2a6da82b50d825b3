"""Replacing a file so that a reader never sees it half-written, and a crash never loses the old one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable


def write_atomically(path: Path, write: Callable[[Any], None]) -> Path:
    """Replace ``path`` with what ``write`` writes to a binary stream; returns ``path``.

    The bytes go to a hidden partial file beside it, reach the disk (fsync), then take its name
    in one rename. Raises OSError.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "wb") as stream:
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(partial, path)
    return path
