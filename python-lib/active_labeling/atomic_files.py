"""Replacing a file so that a reader never sees it half-written, and a crash never loses the old one."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from typing import Any, Callable, Union


def write_atomically(path: Union[str, Path], write: Callable[[Any], None], durable: bool = True,
                     text: bool = False) -> Path:
    """Replace ``path`` with what ``write`` writes to a stream; returns ``path``.

    The bytes go to a hidden partial file beside it, reach the disk (fsync; ``durable=False``
    skips it, for a cache that can be rebuilt), then take its name in one rename. Each call has
    its own partial file, so two writers of one path never mix their bytes (the last rename
    wins); a failed write leaves the old file and no partial one. The stream is binary, or with
    ``text=True`` UTF-8 text that keeps line ends as written (what ``DataFrame.to_csv`` streams
    into). Raises OSError, or what ``write`` raises.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.partial")
    try:
        with (open(partial, "x", encoding="utf-8", newline="") if text else open(partial, "xb")) as stream:
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


def write_text_atomically(path: Union[str, Path], text: str, durable: bool = True) -> Path:
    """:func:`write_atomically` for a text, in UTF-8, its line ends as they are."""
    return write_atomically(path, lambda stream: stream.write(text), durable, text=True)
