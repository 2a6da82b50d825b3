"""Media rendering speed: images downscaled for the page, sound waveforms and spectrograms.

Generates files in memory (a 12-megapixel camera JPEG, a large PNG, WAV sounds of several
lengths), then times a cold render (source read + decode + encode; median of a few) and a
cached HTTP answer (``MediaService.response``: ETag, byte ranges), as the labeling backend serves
them. Targets: a camera photo under 300 ms cold and 1 ms cached; a one-minute sound's waveform +
spectrogram under 1.5 s cold. Times vary with the machine's load: compare rows, not runs.

Usage: ``python benchmarks/bench_media.py [--quick]`` (quick: fewer repeats, shorter sounds).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time

import numpy as np
from flask import Flask

_APP = Flask(__name__)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-lib"))


class _Source:
    def __init__(self, files):
        self.files = files

    def open(self, item_id):
        return io.BytesIO(self.files[item_id])


def _photo(width: int, height: int) -> bytes:
    from PIL import Image

    rng = np.random.default_rng(0)
    # Smooth gradients plus noise compress like a photo, unlike pure noise.
    x = np.linspace(0, 255, width, dtype=np.float32)
    y = np.linspace(0, 255, height, dtype=np.float32)[:, None]
    base = np.stack([x + 0 * y, y + 0 * x, (x + y) / 2], axis=2)
    pixels = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=90)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 120, 200, 128)).save(out, format="PNG")
    return out.getvalue()


def _wav(seconds: float, rate: int = 44100) -> bytes:
    import soundfile

    t = np.arange(int(seconds * rate)) / rate
    signal = 0.4 * np.sin(2 * np.pi * 440 * t) * (1 + np.sin(2 * np.pi * 0.5 * t)) / 2
    out = io.BytesIO()
    soundfile.write(out, signal.astype(np.float32), rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def _answer(media, item: str, what: str, headers=None):
    """The HTTP answer as the route gives it (ETag, ranges), from the cache once warm."""
    from flask import request

    with _APP.test_request_context(headers=headers or {}):
        return media.response(item, what, request)


def _time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args(argv).quick
    repeats = 2 if quick else 5
    from active_labeling.media import MediaService
    from active_labeling.media import sounds as sound_module

    sound_module.warm_up()  # the one-off import cost is not what is measured here
    rows = []
    images = {"/photo-12mp.jpg": _photo(4000, 3000), "/scan-3000x2000.png": _png(3000, 2000)}
    for item, data in images.items():
        cold = _time(lambda item=item: MediaService(_Source(images), "image").render(item), repeats)
        media = MediaService(_Source(images), "image")
        body, kind = media.render(item)
        warm = _time(lambda media=media, item=item: _answer(media, item, "media"), repeats * 20)
        rows.append((item, f"{len(data) / 1e6:.1f} MB", "image 1024 px", f"{cold * 1000:.0f}",
                     f"{warm * 1e6:.0f}", f"{len(body) / 1e3:.0f} kB {kind}"))
    lengths = (5, 30) if quick else (5, 60, 300)
    for seconds in lengths:
        item = f"/clip-{seconds}s.wav"
        files = {item: _wav(seconds)}
        for what in ("media", "waveform", "spectrogram"):
            def cold_render(item=item, what=what, files=files):
                return MediaService(_Source(files), "sound").render(item, what)

            cold = _time(cold_render, repeats)
            media = MediaService(_Source(files), "sound")
            body, kind = media.render(item, what)
            ranged = {"Range": "bytes=65536-131071"} if what == "media" else None

            def cached(media=media, item=item, what=what, ranged=ranged):
                return _answer(media, item, what, ranged)

            warm = _time(cached, repeats * 20)
            label = "media, 64 kB range" if ranged else what
            rows.append((item, f"{len(files[item]) / 1e6:.1f} MB", label, f"{cold * 1000:.0f}",
                         f"{warm * 1e6:.0f}", f"{len(body) / 1e3:.0f} kB {kind}"))
    header = ("file", "size", "what", "cold ms", "cached µs", "answer")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
