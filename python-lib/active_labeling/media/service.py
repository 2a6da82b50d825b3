"""HTTP answers for the media of image and sound items, built from a MediaSource."""

from __future__ import annotations

import json
import mimetypes
import posixpath
import threading
from pathlib import Path
from typing import Dict, Optional, Tuple, Union

from flask import Response

from active_labeling.media import images, sounds
from active_labeling.media.cache import Entry, MediaCache
from active_labeling.media.errors import MediaError
from active_labeling.media.ranges import UnsatisfiableRange, parse_range
from active_labeling.storage.base import MediaSource

WHATS = {"image": ("media", "size"), "sound": ("media", "waveform", "spectrogram")}
_SOUND_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".oga": "audio/ogg",
                ".flac": "audio/flac", ".m4a": "audio/mp4", ".aac": "audio/aac", ".webm": "audio/webm",
                ".opus": "audio/ogg", ".aif": "audio/aiff", ".aiff": "audio/aiff"}
CACHE_CONTROL = "private, max-age=3600"
_READ_CHUNK = 1 << 20


class MediaService:
    """Media of one pool's items, rendered once and cached.

    Parameters
    ----------
    source : MediaSource
        Opens an item's file; raises ``KeyError`` for an unknown item. When it also answers
        ``item_id in source`` (the pool's items), nothing else is served, not even from the cache
        (a file removed from the pool, a rendering kept on disk from an earlier run).
    kind : str
        "image" or "sound".
    cache_dir : str or Path, optional
        Also keep rendered media on disk there (survives a backend restart).
    max_side : int
        Longest side of images as served, in pixels.
    memory_bytes : int, optional
        Budget of the in-memory cache (default 64 MB for images, 256 MB for sounds, whose stored
        bytes are kept so that an audio player's many range requests don't re-read the file).
    """

    def __init__(self, source: MediaSource, kind: str, cache_dir: Optional[Union[str, Path]] = None,
                 max_side: int = 1024, memory_bytes: Optional[int] = None):
        if kind not in WHATS:
            raise ValueError(f"media kind should be 'image' or 'sound', got {kind!r}")
        self.source = source
        self.kind = kind
        self.max_side = int(max_side)
        if memory_bytes is None:
            memory_bytes = (256 if kind == "sound" else 64) * 1024 * 1024
        self.cache = MediaCache(memory_bytes, cache_dir)
        self._errors: Dict[str, str] = {}
        self._decoded: Tuple[Optional[str], object] = (None, None)
        self._lock = threading.Lock()
        if kind == "sound":
            # In the background, so the first spectrogram an annotator asks for comes quickly.
            threading.Thread(target=sounds.warm_up, name="librosa-warm-up", daemon=True).start()

    def error_for(self, item_id: str) -> Optional[str]:
        """The message of an earlier failure to read ``item_id``'s file, if there was one."""
        return self._errors.get(item_id)

    def response(self, item_id: str, what: str, request) -> Response:
        """The HTTP answer for ``GET /api/items/<item_id>/<what>``.

        Parameters
        ----------
        item_id : str
            The item (a folder path).
        what : str
            "media"; for images also "size" (JSON ``{"width", "height"}`` of the original image,
            EXIF orientation applied), for sounds "waveform" or "spectrogram".
        request : flask.Request
            For ``Range``, ``If-Range`` and ``If-None-Match``.

        Raises
        ------
        KeyError
            For an unknown item or a ``what`` this kind doesn't have.
        MediaError
            When the file can't be decoded.
        """
        if what not in WHATS[self.kind]:
            raise KeyError(f"{self.kind} items have no {what!r}")
        body, content_type, etag = self._entry(item_id, what)
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": f'"{etag}"'}
        if self.kind == "sound" and what == "media":
            headers["Accept-Ranges"] = "bytes"
        if request.if_none_match.contains(etag):
            return Response(status=304, headers=headers)
        if self.kind == "sound" and what == "media":
            return _ranged(body, content_type, headers, request, etag)
        return Response(body, status=200, headers=headers, content_type=content_type)

    def image_size(self, item_id: str) -> Tuple[int, int]:
        """``(width, height)`` of an image item as the page shows it (full size, EXIF orientation applied).

        Raises
        ------
        KeyError
            For an unknown item.
        MediaError
            When the file can't be decoded.
        """
        size = json.loads(self._entry(item_id, "size")[0])
        return int(size["width"]), int(size["height"])

    def render(self, item_id: str, what: str = "media") -> Tuple[bytes, str]:
        """``(body, content_type)`` of an item's media, from the cache when it is there."""
        return self._entry(item_id, what)[:2]

    def _entry(self, item_id: str, what: str) -> Entry:
        if hasattr(self.source, "__contains__") and item_id not in self.source:
            raise KeyError(item_id)
        key = f"{what}:{self.max_side if self.kind == 'image' else ''}:{item_id}"
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            if self.kind == "image":
                data = self._raw(item_id)
                # Both from one read of the file: the page asks for the size with the image.
                width, height = images.original_size(data)
                size = self.cache.put(f"size:{self.max_side}:{item_id}", _size_json(width, height),
                                      "application/json")
                if what == "size":
                    return size
                body, content_type = images.render_image(data, self.max_side)
            elif what == "media":
                return self._raw_entry(item_id)
            elif what == "waveform":
                samples, rate = self._samples(item_id)
                body = json.dumps(sounds.waveform(samples, rate), separators=(",", ":")).encode()
                content_type = "application/json"
            else:
                samples, rate = self._samples(item_id)
                body, content_type = sounds.spectrogram_png(samples, rate), "image/png"
        except MediaError as error:
            self._errors[item_id] = str(error)
            raise
        return self.cache.put(key, body, content_type)

    def _raw_entry(self, item_id: str) -> Entry:
        key = f"raw::{item_id}"
        cached = self.cache.get(key)
        if cached is None:
            cached = self.cache.put(key, self._read(item_id), _sound_type(item_id))
        return cached

    def _raw(self, item_id: str) -> bytes:
        # Images are only read to be rendered: the rendered result is what gets cached.
        return self._raw_entry(item_id)[0] if self.kind == "sound" else self._read(item_id)

    def _read(self, item_id: str) -> bytes:
        # DSS folder streams can't seek and may return short reads: read to the end in chunks.
        chunks = []
        with self.source.open(item_id) as stream:
            while True:
                chunk = stream.read(_READ_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)

    def _samples(self, item_id: str):
        with self._lock:
            if self._decoded[0] == item_id:
                return self._decoded[1]
        # Waveform and spectrogram of one sound are asked for together: decode it once.
        decoded = sounds.decode(self._raw(item_id), posixpath.splitext(item_id)[1].lower())
        with self._lock:
            self._decoded = (item_id, decoded)
        return decoded


def _size_json(width: int, height: int) -> bytes:
    return json.dumps({"width": width, "height": height}).encode()


def _sound_type(item_id: str) -> str:
    extension = posixpath.splitext(item_id)[1].lower()
    return _SOUND_TYPES.get(extension) or mimetypes.guess_type(item_id)[0] or "application/octet-stream"


def _ranged(body: bytes, content_type: str, headers: Dict[str, str], request, etag: str) -> Response:
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if header and if_range and if_range.strip().strip('"').lstrip("W/").strip('"') != etag:
        header = None  # the client's copy is outdated: send everything
    try:
        span = parse_range(header, len(body))
    except UnsatisfiableRange:
        headers["Content-Range"] = f"bytes */{len(body)}"
        return Response(json.dumps({"error": f"Range {header!r} is outside the file's {len(body)} bytes."}),
                        status=416, headers=headers, content_type="application/json")
    if span is None:
        return Response(body, status=200, headers=headers, content_type=content_type)
    start, end = span
    headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(body)}"
    return Response(body[start:end], status=206, headers=headers, content_type=content_type)
