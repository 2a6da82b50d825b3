"""Sounds decoded for display: waveform peaks and a mel-spectrogram picture."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import warnings
from typing import Any, Dict, Tuple

import numpy as np
from PIL import Image

from active_labeling.media.colormap import apply_colormap
from active_labeling.media.errors import MediaError

PEAK_BUCKETS = 800
N_MELS = 128
MAX_FRAMES = 1200  # spectrogram width: enough for a screen, bounded for long sounds


def warm_up() -> None:
    """Import librosa's spectral features now: the first import takes seconds (scipy, numba)."""
    # A broken install shows on the first real use instead.
    with contextlib.suppress(Exception):
        import librosa

        librosa.feature.melspectrogram  # noqa: B018 - librosa loads lazily: touching it loads it


def decode(data: bytes, suffix: str = "") -> Tuple[np.ndarray, int]:
    """Decode a sound file to mono float32 samples at its own sample rate.

    soundfile reads WAV, FLAC, OGG (and MP3 with libsndfile ≥ 1.1) from memory; other formats go
    through librosa from a temporary file, which lets it fall back on audioread.

    Raises
    ------
    MediaError
        When neither can decode the file, or it holds no samples.
    """
    import soundfile

    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except Exception as first:  # noqa: BLE001 - soundfile raises RuntimeError/LibsndfileError/...
        samples, rate = _decode_with_librosa(data, suffix, first)
    else:
        samples = samples.mean(axis=1)
    if samples.size == 0 or not rate:
        raise MediaError("sound", "it holds no samples")
    return np.ascontiguousarray(samples, dtype=np.float32), int(rate)


def _decode_with_librosa(data: bytes, suffix: str, first: Exception) -> Tuple[np.ndarray, int]:
    import librosa

    handle, path = tempfile.mkstemp(suffix=suffix or ".bin")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        with warnings.catch_warnings():
            # librosa warns that it falls back on audioread: expected here, not news to the user.
            warnings.simplefilter("ignore")
            samples, rate = librosa.load(path, sr=None, mono=True)
    except Exception:  # noqa: BLE001 - audioread and soundfile raise many kinds
        raise MediaError("sound", f"{type(first).__name__}: {first}") from None
    finally:
        os.unlink(path)
    return np.asarray(samples, dtype=np.float32), int(rate)


def waveform(samples: np.ndarray, rate: int, buckets: int = PEAK_BUCKETS) -> Dict[str, Any]:
    """Min and max of the samples in ``buckets`` equal slices of the sound.

    Returns
    -------
    dict
        ``{"duration": seconds, "sample_rate": rate, "peaks": [[min, max], ...]}`` with exactly
        ``buckets`` pairs (a sound shorter than that repeats samples).
    """
    count = len(samples)
    starts = np.minimum((np.arange(buckets) * count) // buckets, count - 1)
    # reduceat over slice starts: one pass over the samples, no Python loop.
    lows = np.minimum.reduceat(samples, starts)
    highs = np.maximum.reduceat(samples, starts)
    peaks = np.round(np.stack([lows, highs], axis=1).astype(np.float64), 4).tolist()
    return {"duration": round(count / float(rate), 4), "sample_rate": int(rate), "peaks": peaks}


def spectrogram_png(samples: np.ndarray, rate: int, n_mels: int = N_MELS) -> bytes:
    """A mel-spectrogram in decibels as a PNG: time left to right, low frequencies at the bottom.

    Rows are mel bands from 0 Hz to ``rate / 2`` (``librosa.mel_frequencies(n_mels, fmax=rate/2)``
    reversed); loudness is mapped to a colour scale whose brightness grows with the level.
    """
    import librosa

    n_fft = 2048 if len(samples) >= 2048 else 1 << max(int(np.log2(max(len(samples), 2))), 1)
    hop = max(n_fft // 4, int(np.ceil(len(samples) / MAX_FRAMES)))
    power = librosa.feature.melspectrogram(y=samples, sr=rate, n_fft=n_fft, hop_length=hop,
                                           n_mels=n_mels, fmax=rate / 2.0)
    decibels = librosa.power_to_db(power, ref=np.max, top_db=80.0)
    level = (decibels + 80.0) / 80.0  # 0 (80 dB below the loudest) to 1 (the loudest)
    rgb = apply_colormap(level[::-1])  # row 0 of a picture is its top: highest band first
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format="PNG")
    return out.getvalue()
