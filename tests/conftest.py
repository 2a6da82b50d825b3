"""Shared test setup: the plugin's python-lib is importable even without `pip install -e .`."""

import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PYTHON_LIB = REPO_ROOT / "python-lib"
if str(PYTHON_LIB) not in sys.path:
    sys.path.insert(0, str(PYTHON_LIB))

# The file-backed DSS stand-in (tests/dss_standin): `import dataiku` gets it, and the `dss` fixture.
STANDIN_DIR = REPO_ROOT / "tests" / "dss_standin"
if str(STANDIN_DIR) not in sys.path:
    sys.path.insert(0, str(STANDIN_DIR))
from fixtures import dss  # noqa: E402, F401

try:  # The browser tests need Playwright, which the oldest-versions environment doesn't install.
    import playwright  # noqa: F401
except ImportError:
    collect_ignore = ["browser"]


def _eventually(check, seconds: float = 10.0) -> bool:
    """True once ``check()`` is, trying again every 20 ms for up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def eventually():
    """``eventually(check, seconds=10)``: for what a background thread does a little later."""
    return _eventually


# The input columns of a DSS visual ML model with numeric, categorical and text features.
MIXED_FEATURES = {"price": "NUMERIC", "city": "CATEGORY", "review": "TEXT"}


@pytest.fixture
def mixed_features():
    """The input columns of a DSS visual ML model with numeric, categorical and text features."""
    return dict(MIXED_FEATURES)


@pytest.fixture
def mixed_rows():
    """Numbers, a category and a text, each with blanks, and a ``label``: ``mixed_rows(n)``."""
    import numpy as np
    import pandas as pd

    def make(n: int = 120):
        rng = np.random.default_rng(3)
        good = np.arange(n) % 2 == 1
        rows = pd.DataFrame({
            "price": np.where(good, 10.0, 30.0) + rng.normal(size=n),
            "city": np.where(np.arange(n) % 3 == 0, "Paris", "Lyon"),
            "review": np.where(good, "great value, would buy", "broke in a week"),
            "label": np.where(good, "buy", "skip")})
        rows.loc[::11, "price"] = np.nan
        rows.loc[::7, "city"] = None
        rows.loc[::13, "review"] = None
        return rows
    return make
