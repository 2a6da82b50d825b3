import numpy as np
import pandas as pd
import pytest

from active_labeling.items import hash_id, ids_from_column, ids_from_hashes, row_hashes


def test_duplicate_rows_stay_distinct_and_ids_are_stable():
    frame = pd.DataFrame({"text": ["a", "b", "a", "a"], "n": [1, 2, 1, 1]})
    ids = ids_from_hashes(row_hashes(frame))
    assert len(set(ids)) == 4
    assert ids[2] == ids[0] + "-2" and ids[3] == ids[0] + "-3"
    assert ids_from_hashes(row_hashes(frame.copy())) == ids


def test_ids_keep_their_written_form():
    # Ids are stored in workspaces and metadata datasets: the form of an id must never change.
    hashes = np.array([0, 1, 0xABCDEF, 2**64 - 1, 0xABCDEF], dtype=np.uint64)
    assert ids_from_hashes(hashes) == ["0000000000000000", "0000000000000001", "0000000000abcdef",
                                       "ffffffffffffffff", "0000000000abcdef-2"]
    assert [hash_id(h) for h in hashes[:4].tolist()] == ids_from_hashes(hashes)[:4]


def test_same_row_read_as_int_or_float_or_with_extra_columns_has_same_id():
    as_int = pd.DataFrame({"text": ["x", None], "n": [3, 4]})
    as_float = pd.DataFrame({"text": ["x", np.nan], "n": [3.0, 4.0], "score": [0.9, 0.1]})
    np.testing.assert_array_equal(row_hashes(as_int), row_hashes(as_float, columns=["text", "n"]))


def test_different_content_gives_different_ids():
    frame = pd.DataFrame({"text": ["a", "b"], "n": [1, 1]})
    hashes = row_hashes(frame)
    assert hashes[0] != hashes[1]


def test_id_column_must_be_unique_and_present():
    assert ids_from_column(pd.Series([3, 1, 2]), "id") == ["3", "1", "2"]
    with pytest.raises(ValueError, match="'id' has repeated values"):
        ids_from_column(pd.Series(["a", "a"]), "id")
    with pytest.raises(ValueError, match="1 empty value"):
        ids_from_column(pd.Series(["a", None]), "id")
