"""RowStore: rows come back with their values and dtypes, whether kept as matrices or DataFrames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from active_labeling.sampling.row_store import RowStore


def gather(chunks, every=3):
    """Add every ``every``-th row of each chunk, then take them back in reverse order."""
    store, refs = RowStore(), []
    for chunk in chunks:
        refs.append(store.add(chunk, np.arange(0, len(chunk), every)))
    refs = np.concatenate(refs)[::-1]
    expected = pd.concat([c.iloc[::every] for c in chunks], ignore_index=True).iloc[::-1]
    return store.take(refs), expected.reset_index(drop=True)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool"])
def test_numeric_pools_keep_values_dtypes_and_column_names(dtype):
    rng = np.random.default_rng(0)
    chunks = [pd.DataFrame(rng.integers(0, 2, size=(10, 3)).astype(dtype), columns=["a", 7, "c"])
              for _ in range(4)]
    rows, expected = gather(chunks)
    pd.testing.assert_frame_equal(rows, expected)


def test_a_later_chunk_with_other_dtypes_gives_what_pandas_would():
    ints = pd.DataFrame({"a": np.arange(12), "b": np.arange(12) * 2})
    with_missing = pd.DataFrame({"a": [1.5, np.nan, 3.0], "b": [1, 2, 3]})  # a becomes float
    with_text = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", None]})  # b becomes text
    for later in (with_missing, with_text):
        rows, expected = gather([ints, later, ints], every=2)
        pd.testing.assert_frame_equal(rows, expected)


def test_other_columns_in_a_later_chunk_are_kept_apart():
    first = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    swapped = pd.DataFrame({"b": [5.0, 6.0], "a": [7.0, 8.0]})
    rows, expected = gather([first, swapped], every=1)
    pd.testing.assert_frame_equal(rows, expected)
    assert rows["a"].tolist() == [8.0, 7.0, 2.0, 1.0]


def test_compaction_keeps_only_the_given_rows():
    store = RowStore()
    store.add(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
    store.add(pd.DataFrame({"a": [4.0, 5.0]}), np.array([1]))
    kept = store.compact(np.array([3, 0]))
    assert store.size == 2 and kept["a"].tolist() == [5.0, 1.0]
    assert store.take(np.array([0, 1]))["a"].tolist() == [5.0, 1.0]
