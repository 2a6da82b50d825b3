"""A folder of images or sounds read as a pool: one ``path`` row per readable file.

Files are opened through a stream callable (a DSS folder's ``get_download_stream``, or ``open``
locally), never through a local path of the folder, because a DSS folder may live in cloud
storage and the recipe may run in a container. A file is kept when its extension is an image or
sound type and pillow or soundfile can read its bytes; the others are counted, not silently lost.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO, Callable, Iterable, Iterator, List

import pandas as pd

from active_labeling.sampling.errors import SamplerError

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"})
SOUND_EXTENSIONS = frozenset({".wav", ".flac", ".ogg", ".mp3", ".aiff", ".aif"})
PATH_COLUMN = "path"


def media_kind(path: str) -> str:
    """``"image"``, ``"sound"``, or ``""`` for other files, from the extension."""
    extension = os.path.splitext(path)[1].lower()
    if extension in IMAGE_EXTENSIONS:
        return "image"
    if extension in SOUND_EXTENSIONS:
        return "sound"
    return ""


def is_readable(path: str, data: bytes) -> bool:
    """Whether the bytes of ``path`` decode as the image or sound its extension says."""
    kind = media_kind(path)
    try:
        if kind == "image":
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            return True
        if kind == "sound":
            import soundfile

            info = soundfile.info(io.BytesIO(data))
            return info.frames > 0 or info.duration > 0
    except Exception:  # any decoder failure means "not readable", whatever the library raises
        return False
    return False


class FolderRows:
    """Iterates a folder's readable media files as DataFrame chunks with one ``path`` column.

    Parameters
    ----------
    paths : iterable of str
        The folder's file paths, with their leading "/".
    open_stream : callable
        ``path → readable binary stream`` (usable in ``with``).
    chunk_size : int
        Rows per chunk.
    """

    def __init__(self, paths: Iterable[str], open_stream: Callable[[str], BinaryIO], chunk_size: int):
        self.paths = paths
        self.open_stream = open_stream
        self.chunk_size = chunk_size
        self.media_files = 0
        self.unreadable = 0

    def _readable(self, path: str) -> bool:
        try:
            with self.open_stream(path) as stream:
                data = stream.read()
        except Exception:  # a missing or unreachable file is unreadable; DSS raises plain Exceptions
            return False
        return is_readable(path, data)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        batch: List[str] = []
        kept = 0
        for path in sorted(self.paths):  # a stable pool order, whatever the storage lists first
            if not media_kind(path):
                continue
            self.media_files += 1
            if not self._readable(path):
                self.unreadable += 1
                continue
            batch.append(path)
            kept += 1
            if len(batch) >= self.chunk_size:
                yield pd.DataFrame({PATH_COLUMN: batch})
                batch = []
        if batch:
            yield pd.DataFrame({PATH_COLUMN: batch})
        if not kept:
            types = ", ".join(sorted(IMAGE_EXTENSIONS | SOUND_EXTENSIONS))
            if self.media_files:
                raise SamplerError(f"none of the {self.media_files} image or sound files of the folder could "
                                   "be read (corrupt or unsupported content): check the files")
            raise SamplerError(f"the folder has no image or sound file (expected extensions: {types}): "
                               "choose the folder of the labeling webapp, or add files to it")
