"""The stand-in's column-restricted reads (what the trigger asks for) answer what a full pandas read does.

The trigger reads ``status`` and ``date`` of a metadata dataset that may hold a million rows; the
stand-in then reads only those columns, like DSS's storage. These tests pin that the fast read
returns the very values, types, missing cells and row order that pandas's reader gives.
"""

from __future__ import annotations

import dataiku
import pandas as pd
import pytest

# The metadata's columns before suggestions were recorded: datasets made then are still read.
from active_labeling.dss.schemas import METADATA_COLUMNS_BEFORE_SUGGESTIONS as METADATA_COLUMNS

TRICKY = ["plain", "a, comma", 'a "quote"', "two\nlines", "crlf\r\nend", "é 日本", "NA", "null", "None",
          "", None, "  spaced  ", "#N/A"]


def _rows(texts, first_id):
    return pd.DataFrame({
        "item_id": [f"item{i}" for i in range(len(texts))],
        "annotator": ["alice"] * len(texts),
        "date": [f"2026-11-22T10:00:{i:02d}.000Z" if i % 5 else None for i in range(len(texts))],
        "status": ["labeled" if i % 3 else "skipped" for i in range(len(texts))],
        "label": texts,
        "comment": list(reversed(texts)),
        "session": ["s1"] * len(texts),
        "label_id": range(first_id, first_id + len(texts)),
    })


def _pandas_read(dataset, **kwargs):
    """The stand-in's pandas reader, chunk by chunk."""
    chunks = list(dataset.iter_dataframes(chunksize=7, **kwargs))
    return pd.concat(chunks, ignore_index=True)


@pytest.fixture
def metadata(dss):
    dss.create_dataset("meta", schema=METADATA_COLUMNS)
    dataset = dataiku.Dataset("meta")
    dataset.spec_item["appendMode"] = True
    # Two write sessions: one file with quoted values, one without.
    for first_id, texts in ((1, TRICKY), (100, ["quiet", "rows", None, "here"])):
        with dataset.get_writer() as writer:
            writer.write_dataframe(_rows(texts, first_id))
    return dataset


def _cells(frame):
    # repr tells NaN (what pandas gives for a missing cell) from None.
    return {name: [repr(value) for value in frame[name]] for name in frame.columns}


@pytest.mark.parametrize("columns", [["status", "date"], ["comment", "label", "date"], None])
def test_a_column_restricted_read_gives_what_pandas_reads(metadata, columns, monkeypatch):
    if columns is None:
        columns = [c["name"] for c in METADATA_COLUMNS if c["name"] != "label_id"]
    slow = _pandas_read(metadata, columns=columns, infer_with_pandas=False, parse_dates=False)
    # The columnar read answers alone: pandas's parser is not asked.
    monkeypatch.setattr(dataiku._tables.pd, "read_csv", None)
    fast = metadata.get_dataframe(columns=columns, infer_with_pandas=False, parse_dates=False)
    assert list(fast.index) == list(range(len(TRICKY) + 4))
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow)
    assert _cells(fast) == _cells(slow)
    assert fast["date"].isna().sum() > 0


def test_limit_spans_sessions_and_dates_parse_the_same(dss):
    schema = [{"name": "when", "type": "date"}, {"name": "what", "type": "string"}]
    dss.create_dataset("events", schema=schema)
    dataset = dataiku.Dataset("events")
    dataset.spec_item["appendMode"] = True
    for day in (1, 2):
        with dataset.get_writer() as writer:
            writer.write_dataframe(pd.DataFrame({"when": pd.to_datetime([f"2026-01-0{day}", None]),
                                                 "what": [f"day {day}", "no date"]}))
    fast = dataset.get_dataframe(infer_with_pandas=False, limit=3)
    slow = _pandas_read(dataset, infer_with_pandas=False, limit=3)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["when"].tolist()[:1] == [pd.Timestamp("2026-01-01", tz="UTC")] and len(fast) == 3

