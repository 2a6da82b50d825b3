"""Seeded tie-break keys: a 64-bit hash of each row's position in the pool.

Keys depend only on the seed and the row's global position (its order of reading), never on how
the pool is cut into chunks, so equal scores are ordered the same way on every run with the
same seed, and differently with another seed.
"""

from __future__ import annotations

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)


def position_keys(positions: np.ndarray, seed: int) -> np.ndarray:
    """The splitmix64 hash of ``seed`` and each global row position.

    Parameters
    ----------
    positions : array of int
        0-based positions of rows in the pool, in reading order.
    seed : int
        The user's random seed.

    Returns
    -------
    keys : ndarray of uint64
    """
    # The seed is mixed on its own first: adding it to the positions would only shift the sequence.
    seed_mix = np.uint64(_mix_scalar(int(seed)))
    with np.errstate(over="ignore"):
        # Wrapping uint64 arithmetic is the point of the hash.
        z = (np.asarray(positions, dtype=np.uint64) * _GOLDEN) ^ seed_mix
        z = (z ^ (z >> np.uint64(30))) * _MIX_1
        z = (z ^ (z >> np.uint64(27))) * _MIX_2
        return z ^ (z >> np.uint64(31))


def _mix_scalar(value: int) -> int:
    mask = 0xFFFFFFFFFFFFFFFF
    z = (value * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


def uniform_from_keys(keys: np.ndarray) -> np.ndarray:
    """Map keys to floats in [0, 1), keeping their order (53 significant bits)."""
    return (np.asarray(keys, dtype=np.uint64) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
