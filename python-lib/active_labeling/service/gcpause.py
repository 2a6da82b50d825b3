"""Pause Python's cyclic garbage collector while building large indexes.

Building a million-entry dict or list of small objects triggers the collector again and again,
each pass walking everything built so far: at start that is most of the time spent. The
structures built here hold no reference cycles, so nothing is lost by collecting later.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def paused_gc(freeze: bool = False) -> Iterator[None]:
    """Disable the collector inside the block; restore its state after.

    Parameters
    ----------
    freeze : bool
        Also move every object alive at the end into the permanent generation, so that later
        collections (during requests) do not walk the big index again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()
