"""Why a folder gives no items: what it holds instead, said to the console and the page."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Mapping, Sequence

MAX_FILES = 10000  # a page load asks: count no further in a huge folder
NOUNS = {"image": "images", "sound": "sounds"}


def why_no_items(root: Path, kind: str, extensions: Mapping[str, Sequence[str]]) -> str:
    """Why the folder ``root`` holds no item of ``kind`` (``extensions``: kind -> its suffixes)."""
    wanted = ", ".join(extensions[kind])
    ignored: Counter = Counter()
    for _, _, files in os.walk(root):
        for name in files:
            ignored["hidden" if name.startswith(".") else Path(name).suffix.lower() or "no extension"] += 1
        if sum(ignored.values()) >= MAX_FILES:
            break
    total = sum(ignored.values())
    if not total:
        return (f"{root} holds no files. Add {kind} files ({wanted}) to it: files added while serving "
                "are picked up.")
    # Most frequent first; then extensions by name, "hidden" and "no extension" after them.
    ranked = sorted(ignored.items(), key=lambda pair: (-pair[1], not pair[0].startswith("."), pair[0]))
    shown = ", ".join(f"{count} {suffix}" for suffix, count in ranked[:8])
    more = ", ..." if len(ignored) > 8 else ""
    counted = f"{'at least ' if total >= MAX_FILES else ''}{total} file{'s' if total > 1 else ''}"
    reason = (f"No {kind} files in {root} ({kind} items are {wanted} files, not hidden): "
              f"{counted} ignored ({shown}{more}).")
    for other, suffixes in extensions.items():
        matching = sum(ignored[suffix] for suffix in suffixes)
        if other != kind and matching:
            reason += f" {matching} of them are {NOUNS.get(other, other)}: serve with --kind {other}."
    return reason
