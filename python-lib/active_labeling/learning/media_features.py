"""Features of images (pillow) and sounds (librosa), as scikit-learn transformers on a ``path`` column."""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from collections import OrderedDict
from typing import Hashable, Optional

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from active_labeling.learning.files import Reader, read_bytes

LOG = logging.getLogger(__name__)
PATH_COLUMN = "path"


class _FileFeatures(BaseEstimator, TransformerMixin):
    """Shared part: one feature vector per file, zeros for a file that can't be read.

    Vectors are cached by file content and settings in one process-wide cache: cross-validation
    clones the transformer for every fold and each retrain round builds a new one, and decoding
    the same images or sounds again each time would cost far more than reading their bytes.
    """

    reader: Optional[Reader]

    def fit(self, X: pd.DataFrame, y=None) -> _FileFeatures:
        """Nothing to learn: features are computed file by file."""
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        """One row of features per ``path``."""
        paths = X[PATH_COLUMN] if isinstance(X, pd.DataFrame) else pd.Series(np.asarray(X).ravel())
        settings = (type(self).__name__, tuple(sorted((k, v) for k, v in self.get_params().items()
                                                      if k != "reader")))
        rows = []
        for path in paths.astype(str):
            try:
                content = read_bytes(self.reader or _open, path)
                key = (settings, hashlib.blake2b(content, digest_size=16).digest())
                vector = _CACHE.get(key)
                if vector is None:
                    vector = _CACHE.put(key, self._features(content))
            except Exception as error:  # a broken file must not stop the round
                LOG.warning("cannot compute features of %s: %s", path, error)
                vector = np.zeros(self._size(), dtype=np.float64)
            rows.append(vector)
        return np.vstack(rows) if rows else np.zeros((0, self._size()))

    def _features(self, content: bytes) -> np.ndarray:
        raise NotImplementedError

    def _size(self) -> int:
        raise NotImplementedError


class ImageFeatures(_FileFeatures):
    """Downscaled RGB pixels plus a histogram per color channel.

    Parameters
    ----------
    reader : callable, optional
        Path → binary stream or bytes; default: open the path on disk.
    side : int
        Images are shrunk to ``side × side`` pixels.
    bins : int
        Histogram bins per channel.
    """

    def __init__(self, reader: Optional[Reader] = None, side: int = 8, bins: int = 8):
        self.reader = reader
        self.side = side
        self.bins = bins

    def _features(self, content: bytes) -> np.ndarray:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            rgb = image.convert("RGB")
        pixels = np.asarray(rgb.resize((self.side, self.side)), dtype=np.float64).ravel() / 255.0
        histograms = []
        values = np.asarray(rgb, dtype=np.uint8).reshape(-1, 3)
        for channel in range(3):
            counts, _ = np.histogram(values[:, channel], bins=self.bins, range=(0, 256))
            histograms.append(counts / max(len(values), 1))
        return np.concatenate([pixels] + histograms)

    def _size(self) -> int:
        return self.side * self.side * 3 + 3 * self.bins


class SoundFeatures(_FileFeatures):
    """Mean and standard deviation of each MFCC over the sound.

    Parameters
    ----------
    reader : callable, optional
        Path → binary stream or bytes; default: open the path on disk.
    n_mfcc : int
        Number of coefficients.
    sample_rate : int
        Sounds are resampled to this rate.
    max_seconds : float
        Only the start of long sounds is read.
    """

    def __init__(self, reader: Optional[Reader] = None, n_mfcc: int = 13, sample_rate: int = 16000,
                 max_seconds: float = 30.0):
        self.reader = reader
        self.n_mfcc = n_mfcc
        self.sample_rate = sample_rate
        self.max_seconds = max_seconds

    def _features(self, content: bytes) -> np.ndarray:
        import librosa

        signal, rate = librosa.load(io.BytesIO(content), sr=self.sample_rate, mono=True,
                                    duration=self.max_seconds)
        if not len(signal):
            raise ValueError("empty sound")
        mfcc = librosa.feature.mfcc(y=signal, sr=rate, n_mfcc=self.n_mfcc)
        return np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]).astype(np.float64)

    def _size(self) -> int:
        return 2 * self.n_mfcc


class _BoundedCache:
    """A thread-safe dict that forgets its oldest entries beyond ``size``."""

    def __init__(self, size: int):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Optional[np.ndarray]:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, value: np.ndarray) -> np.ndarray:
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value


_CACHE = _BoundedCache(50_000)  # image vectors are 1.7 kB: under 100 MB


def _open(path: str):
    return open(path, "rb")  # noqa: SIM115 - closed by read_bytes
