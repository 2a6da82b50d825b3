"""HTTP byte ranges (RFC 9110 §14), so that audio players can seek in a sound."""

from __future__ import annotations

import re
from typing import Optional, Tuple

_SINGLE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class UnsatisfiableRange(ValueError):
    """The Range header asks for bytes the body doesn't have (HTTP 416)."""


def parse_range(header: Optional[str], length: int) -> Optional[Tuple[int, int]]:
    """The ``(start, end)`` (end exclusive) a ``Range`` header asks for, or None for the whole body.

    Only single ranges are honoured: a multi-range request gets the whole body, which the RFC
    allows and which audio players never need. A header in another unit is ignored likewise.

    Raises
    ------
    UnsatisfiableRange
        For a well-formed byte range that lies outside the body, or an inverted one.
    """
    if not header:
        return None
    match = _SINGLE.match(header)
    if match is None:
        if header.strip().lower().startswith("bytes") and "," not in header:
            raise UnsatisfiableRange(header)
        return None
    first, last = match.groups()
    if first == "" and last == "":
        raise UnsatisfiableRange(header)
    if first == "":  # suffix range: the last N bytes
        count = int(last)
        if count == 0 or length == 0:
            raise UnsatisfiableRange(header)
        return max(length - count, 0), length
    start = int(first)
    end = length if last == "" else min(int(last) + 1, length)
    if start >= length or (last != "" and int(last) < start):
        raise UnsatisfiableRange(header)
    return start, end
