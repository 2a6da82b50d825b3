"""Folders read as pools through streams: readable images and sounds only, the others counted."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile
from PIL import Image

from active_labeling.sampling.errors import SamplerError
from active_labeling.sampling.folder_rows import FolderRows


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def wav():
    buffer = io.BytesIO()
    soundfile.write(buffer, np.sin(np.linspace(0, 100, 800)), 8000, format="WAV")
    return buffer.getvalue()


def rows_of(files, chunk_size=2):
    # Streams only: the way a DSS folder on cloud storage is read.
    rows = FolderRows(files.keys(), lambda path: io.BytesIO(files[path]), chunk_size)
    chunks = list(rows)
    return rows, [path for chunk in chunks for path in chunk["path"]], chunks


def test_readable_images_and_sounds_become_path_rows_in_a_stable_order():
    files = {"/z/b.png": png(), "/a.WAV": wav(), "/c.jpg": b"\xff\xd8 truncated", "/d.txt": b"x",
             "/e.flac": b"fLaC garbage", "/f.png": png()}
    rows, paths, chunks = rows_of(files)
    assert paths == ["/a.WAV", "/f.png", "/z/b.png"]
    assert [len(c) for c in chunks] == [2, 1]
    assert rows.unreadable == 2 and rows.media_files == 5


def test_a_file_that_cannot_be_opened_is_unreadable():
    def opener(path):
        if path == "/gone.png":
            raise Exception(f"Path {path} does not exist in managed folder")
        return io.BytesIO(png())

    rows = FolderRows(["/gone.png", "/here.png"], opener, 10)
    assert [p for chunk in rows for p in chunk["path"]] == ["/here.png"] and rows.unreadable == 1


def test_no_readable_file_is_an_error_saying_why():
    with pytest.raises(SamplerError, match="none of the 1 image or sound files"):
        rows_of({"/a.png": b"nope", "/b.csv": b"1,2"})
    with pytest.raises(SamplerError, match="no image or sound file"):
        rows_of({"/b.csv": b"1,2"})
