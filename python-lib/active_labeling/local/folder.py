"""Folder pools (images or sounds) and their media source.

An item id is the file's path inside the folder, with a leading ``/`` as DSS managed folders
name them. Only the pool's items are opened: not another file of the folder (``.env``, notes,
hidden files), and, once resolved, nothing outside the folder (``..``, absolute paths, symbolic
links leading out).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable, Dict, List, Optional, Union

import pandas as pd

from active_labeling.local.folder_contents import why_no_items

EXTENSIONS = {
    "image": (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"),
    "sound": (".wav", ".flac", ".ogg", ".mp3"),
}


def list_files(root: Path, kind: str) -> List[str]:
    """Ids of the folder's files of that kind, sorted."""
    found = []
    for directory, subdirs, files in os.walk(root):
        subdirs.sort()
        relative = Path(directory).relative_to(root)
        for name in files:
            if name.lower().endswith(EXTENSIONS[kind]) and not name.startswith("."):
                found.append("/" + (relative / name).as_posix())
    return sorted(found)


class LocalMediaSource:
    """Bytes of the files of a local folder, by item id.

    Parameters
    ----------
    root : str or Path
    is_item : callable, optional
        ``is_item(item_id)`` is True for the pool's items; others are a ``KeyError``. Without it,
        any file inside the folder is opened.
    """

    def __init__(self, root: Union[str, Path], is_item: Optional[Callable[[str], bool]] = None):
        self.root = Path(root).resolve()
        self._is_item = is_item

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and (self._is_item is None or self._is_item(item_id))

    def path(self, item_id: str) -> Path:
        """The file's real path; ``KeyError`` when it is not an item's file inside the folder."""
        if item_id not in self or "\x00" in item_id:
            raise KeyError(item_id)
        candidate = (self.root / item_id.lstrip("/")).resolve()
        if candidate != self.root and self.root not in candidate.parents:
            raise KeyError(item_id)
        if not candidate.is_file():
            raise KeyError(item_id)
        return candidate

    def open(self, item_id: str) -> BinaryIO:
        """A binary stream of the item's file."""
        return open(self.path(item_id), "rb")


class FolderPool:
    """The image or sound files of a folder (recursively).

    Parameters
    ----------
    root : str or Path
    kind : str
        "image" or "sound".
    """

    def __init__(self, root: Union[str, Path], kind: str):
        if kind not in EXTENSIONS:
            raise ValueError(f"a folder pool holds images or sounds, not {kind!r}")
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"{root} is not a folder")
        self.kind = kind
        self.media = LocalMediaSource(self.root, self.__contains__)
        self._ids: List[str] = []
        self._known: set = set()
        self._next_walk = 0.0
        self._walk()

    def _walk(self) -> bool:
        started = time.monotonic()
        ids = list_files(self.root, self.kind)
        # A big folder takes a while to list: list it again only after 50 times as long.
        self._next_walk = time.monotonic() + 50 * (time.monotonic() - started)
        if ids == self._ids:
            return False
        self._ids, self._known = ids, set(ids)
        return True

    def item_ids(self) -> List[str]:
        """Every file's id, sorted."""
        return self._ids

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self._known

    def empty_reason(self) -> Optional[str]:
        """Why the pool has no items, for the console and the page; None when it has some."""
        return None if self._ids else why_no_items(self.root, self.kind, EXTENSIONS)

    def values(self, item_id: str) -> Dict[str, Any]:
        """``{"path": id}``: what the labels dataset stores."""
        return {"path": item_id}

    display = values

    def item_error(self, item_id: str) -> Optional[str]:
        """A message when the file can't be read (gone, outside the folder, empty), else None."""
        try:
            path = self.media.path(item_id)
            if path.stat().st_size == 0:
                return "the file is empty"
            if not os.access(path, os.R_OK):
                return "the file is not readable"
        except KeyError:
            return "the file is missing or outside the folder"
        except OSError as error:
            return f"the file can't be read: {error.strerror}"
        return None

    def ids_for_rows(self, rows: pd.DataFrame) -> List[Optional[str]]:
        """Item ids of rows of a queries table with a ``path`` column.

        A path may be the file's place in the folder (``/a/b.png`` or ``a/b.png``) or its full path
        on disk under the folder (a detector's predictions file often holds those).
        """
        if "path" not in rows.columns:
            raise ValueError("queries of a folder need a 'path' column")
        root = str(self.root) + os.sep
        inside = (str(p)[len(root):] if str(p).startswith(root) else str(p) for p in rows["path"].tolist())
        ids = ["/" + p.lstrip("/").replace(os.sep, "/") for p in inside]
        return [i if i in self._known else None for i in ids]

    def refresh(self) -> bool:
        """List the folder again (not too often); True when files were added or removed."""
        if time.monotonic() < self._next_walk:
            return False
        return self._walk()
