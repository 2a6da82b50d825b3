"""Features of images (pillow) and sounds (librosa), as scikit-learn transformers on a ``path`` column."""

from __future__ import annotations

import io
import logging
from typing import Dict, Optional

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from active_labeling.learning.files import Reader, read_bytes

LOG = logging.getLogger(__name__)
PATH_COLUMN = "path"


class _FileFeatures(BaseEstimator, TransformerMixin):
    """Shared part: one feature vector per file, cached by path, zeros for a file that can't be read.

    The cache is not pickled: a saved model stays small and recomputes on first use.
    """

    reader: Optional[Reader]

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        paths = X[PATH_COLUMN] if isinstance(X, pd.DataFrame) else pd.Series(np.asarray(X).ravel())
        cache = self.__dict__.setdefault("_cache", {})
        rows = []
        for path in paths.astype(str):
            vector = cache.get(path)
            if vector is None:
                try:
                    vector = self._features(read_bytes(self.reader or _open, path))
                except Exception as error:  # a broken file must not stop the round
                    LOG.warning("cannot compute features of %s: %s", path, error)
                    vector = np.zeros(self._size(), dtype=np.float64)
                cache[path] = vector
            rows.append(vector)
        return np.vstack(rows) if rows else np.zeros((0, self._size()))

    def __getstate__(self) -> Dict:
        state = dict(self.__dict__)
        state.pop("_cache", None)
        return state

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


def _open(path: str):
    return open(path, "rb")  # noqa: SIM115 - closed by read_bytes
