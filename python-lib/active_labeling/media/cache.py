"""A bounded cache of rendered media: in memory (LRU by total bytes), optionally also on disk.

Rendering an image or a spectrogram costs tens of milliseconds and reading a DSS folder file is a
network round trip, while annotators step back and forth over the same few items: keeping the
results makes those steps instant.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Tuple, Union

from active_labeling.atomic_files import write_atomically

Entry = Tuple[bytes, str, str]  # (body, content type, ETag)


def etag_of(body: bytes) -> str:
    """A strong validator of ``body`` (CRC-32 and length), computed once per cached entry."""
    return f"{zlib.crc32(body):08x}-{len(body):x}"


class MediaCache:
    """Rendered bodies with their content type, keyed by text.

    Parameters
    ----------
    max_bytes : int
        Memory budget; the least recently used entries go first. A body larger than half the
        budget is not kept in memory (it would evict everything else), only on disk.
    cache_dir : str or Path, optional
        When set, bodies are also written there (one file each) and found again after a restart.
    """

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, cache_dir: Optional[Union[str, Path]] = None):
        self.max_bytes = int(max_bytes)
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._dir = Path(cache_dir) if cache_dir else None
        if self._dir is not None:
            self._dir.mkdir(parents=True, exist_ok=True)

    def get(self, key: str) -> Optional[Entry]:
        """The cached entry for ``key``, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry
        entry = self._read_file(key)
        if entry is not None:
            self._remember(key, entry)
        return entry

    def put(self, key: str, body: bytes, content_type: str) -> Entry:
        """Keep ``body`` under ``key``; return the entry (with its ETag)."""
        entry = (bytes(body), content_type, etag_of(body))
        self._remember(key, entry)
        self._write_file(key, entry)
        return entry

    def _remember(self, key: str, entry: Entry) -> None:
        size = len(entry[0])
        if size > self.max_bytes // 2:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._entries[key] = entry
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped[0])

    def _path(self, key: str) -> Path:
        return self._dir / hashlib.sha256(key.encode("utf-8")).hexdigest()

    def _read_file(self, key: str) -> Optional[Entry]:
        if self._dir is None:
            return None
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        content_type, sep, body = raw.partition(b"\n")
        return (body, content_type.decode("ascii"), etag_of(body)) if sep else None

    def _write_file(self, key: str, entry: Entry) -> None:
        if self._dir is None:
            return
        path = self._path(key)
        data = entry[1].encode("ascii") + b"\n" + entry[0]
        # A full disk only costs a re-render later.
        with contextlib.suppress(OSError):
            write_atomically(path, lambda out: out.write(data), durable=False)
