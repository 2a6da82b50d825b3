"""Generated media files and a MediaSource over them that counts reads and can't seek."""

from __future__ import annotations

import io
from typing import Dict

import numpy as np
import pytest
import soundfile
from PIL import Image


class OneWayStream(io.RawIOBase):
    """A stream like DSS's folder downloads: readable once, not seekable."""

    def __init__(self, data: bytes):
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def seek(self, *args):
        raise io.UnsupportedOperation("not seekable")

    def tell(self):
        raise io.UnsupportedOperation("not seekable")

    def readinto(self, buffer) -> int:
        # Short reads, as network streams do.
        chunk = self._data.read(min(len(buffer), 4096))
        buffer[:len(chunk)] = chunk
        return len(chunk)


class CountingSource:
    """A MediaSource over in-memory files that counts how often each is opened."""

    def __init__(self, files: Dict[str, bytes]):
        self.files = dict(files)
        self.opened: Dict[str, int] = {}

    def open(self, item_id: str):
        if item_id not in self.files:
            raise KeyError(item_id)
        self.opened[item_id] = self.opened.get(item_id, 0) + 1
        return OneWayStream(self.files[item_id])


def sine_wav(frequency: float, seconds: float, rate: int = 22050, amplitude: float = 0.5) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    out = io.BytesIO()
    soundfile.write(out, (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32), rate,
                    format="WAV", subtype="PCM_16")
    return out.getvalue()


def rotated_jpeg(width: int, height: int) -> bytes:
    """A landscape JPEG, top half red and bottom half blue, tagged 'rotate 90° clockwise'."""
    image = Image.new("RGB", (width, height), (220, 20, 20))
    image.paste((20, 20, 220), (0, height // 2, width, height))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the viewer must turn it 90° clockwise
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def png(width: int, height: int, alpha: bool) -> bytes:
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 255, size=(height, width, 4 if alpha else 3), dtype=np.uint8)
    if alpha:
        pixels[: height // 2, :, 3] = 0  # top half fully transparent
        pixels[height // 2:, :, 3] = 255
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="session")
def media_files() -> Dict[str, bytes]:
    return {
        "/photos/rotated.jpg": rotated_jpeg(2400, 1600),
        "/photos/big.png": png(3000, 1000, alpha=False),
        "/photos/alpha.png": png(2000, 500, alpha=True),
        "/photos/small.png": png(40, 30, alpha=False),
        "/photos/broken.jpg": rotated_jpeg(64, 64)[:200],
        "/photos/text.png": b"this is not an image at all",
        "/sounds/sine440.wav": sine_wav(440.0, 1.5),
        "/sounds/sine2k.wav": sine_wav(2000.0, 1.0),
        "/sounds/broken.wav": b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk",
        "/sounds/empty.wav": sine_wav(440.0, 0.0),
    }


@pytest.fixture
def source(media_files) -> CountingSource:
    return CountingSource(media_files)


@pytest.fixture
def make_source():
    """Build a counting source over the given files."""
    return CountingSource


@pytest.fixture
def get_media():
    """Ask a MediaService for one item inside a Flask request: ``get_media(media, item_id, what)``."""
    from flask import Flask, request

    app = Flask(__name__)

    def get(media, item_id, what="media", headers=None):
        with app.test_request_context(headers=headers or {}):
            return media.response(item_id, what, request)

    return get
