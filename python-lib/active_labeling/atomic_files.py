"""Replacing a file so that a reader never sees it half-written, and a crash never loses the old one."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Union


def write_atomically(path: Union[str, Path], write: Callable[[Any], None], durable: bool = True) -> Path:
    """Replace ``path`` with what ``write`` writes to a binary stream; returns ``path``.

    The bytes go to a hidden partial file beside it, reach the disk (fsync; ``durable=False``
    skips it, for a cache that can be rebuilt), then take its name in one rename. Each call has
    its own partial file, so two writers of one path never mix their bytes (the last rename
    wins); a failed write leaves the old file and no partial one.
    Raises OSError, or what ``write`` raises.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.partial")
    try:
        with open(partial, "xb") as stream:
            write(stream)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return path


def write_text_atomically(path: Union[str, Path], text: str) -> Path:
    """:func:`write_atomically` for a text, in UTF-8, its line ends as they are."""
    data = text.encode("utf-8")
    return write_atomically(path, lambda stream: stream.write(data))
