"""What the tabular webapp reads and writes back comes back exactly, through a stand-in that reads like DSS.

DSS's own reads bite here: ``infer_with_pandas=False`` raises on an int, bigint or boolean column
with a blank and reads ``float`` as float32; pandas's default NA spellings turn a label ``NA`` or
a comment ``None`` into a missing value; a ``Dataset`` handle keeps the schema it first read.
"""

from __future__ import annotations

import pandas as pd
import pytest

WEBAPP = "tabular-labeling"
SCHEMA = [{"name": "n_int", "type": "int"}, {"name": "n_big", "type": "bigint"},
          {"name": "flag", "type": "boolean"}, {"name": "f32", "type": "float"},
          {"name": "f64", "type": "double"}, {"name": "when", "type": "date"},
          {"name": "word", "type": "string"}]
# Categories and comments a careless read would take for missing values.
TRICKY = ["NA", "None", "null", "nan", "N/A"]


def stored_text(dss, name: str) -> pd.DataFrame:
    """A dataset's cells as DSS stores them: only an empty cell is missing."""
    dataset = dss.dataset(name)
    names = [c["name"] for c in dataset.read_schema()]
    chunks = list(dataset.iter_dataframes_forced_types(names, {n: object for n in names}, False,
                                                       keep_default_na=False, na_values=[""]))
    return pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame(columns=names)


@pytest.fixture
def blanks(dss, users):
    """A pool whose every typed column has a blank, with precise floats and words like "NA"."""
    pool = pd.DataFrame({
        "n_int": pd.array([7, None, -3, 12], dtype="Int64"),
        "n_big": pd.array([2**53 + 1, -(2**62), None, 5], dtype="Int64"),
        "flag": [True, False, None, True],
        "f32": [1234567.891, None, 0.1, 3.0],
        "f64": [0.1 + 0.2, 1e-310, None, 123456789.123456789],
        "when": pd.to_datetime(["2024-02-29 23:59:59.123", None, "1970-01-01 00:00:00.000",
                                "2031-12-31 08:00:00.500"]),
        "word": ["NA", "None", None, "null"]})
    dss.create_dataset("pool", pool, schema=SCHEMA)
    dss.create_dataset("labels")
    dss.create_dataset("labels_metadata")
    return {"input_dataset": "pool", "labels_dataset": "labels", "metadata_dataset": "labels_metadata",
            "categories": [{"from": name, "to": ""} for name in TRICKY]}


def test_a_compaction_round_trip_gives_back_every_value_and_word(dss, blanks, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, blanks), "alice")
    items = alice.get("/api/batch?size=4").get_json()["items"]
    for item, label in zip(items, TRICKY):
        answer = alice.post("/api/label", json={"id": item["id"], "label": label, "comment": label})
        assert answer.status_code == 200, answer.get_json()
    changed = alice.post("/api/label", json={"id": items[0]["id"], "label": "N/A", "comment": "None"})
    assert changed.status_code == 200  # a superseded labels row: the next start compacts
    pool = stored_text(dss, "pool")

    restarted = client_for(dss.load_webapp(WEBAPP, blanks), "alice")
    assert restarted.get("/api/stats").get_json()["labeled"] == 4

    labels = stored_text(dss, "labels").sort_values("label_id")
    assert len(dss.dataset_data_files("labels")) == 1  # compacted at start
    # Every item cell exactly as the pool stores it, blanks included, words that look missing too.
    expected = pool.set_index(pool["word"].fillna("<blank>") + pool["n_int"].fillna("<blank>"))
    got = labels.set_index(labels["word"].fillna("<blank>") + labels["n_int"].fillna("<blank>"))
    item_columns = [c["name"] for c in SCHEMA]
    pd.testing.assert_frame_equal(got[item_columns].sort_index(), expected.loc[got.index, item_columns]
                                  .sort_index())
    assert "1234567.891" in set(labels["f32"]) and str(2**53 + 1) in set(labels["n_big"])
    assert sorted(labels["label"]) == sorted(["N/A", "None", "null", "nan"])
    metadata = stored_text(dss, "labels_metadata")
    assert metadata["comment"].tolist() == TRICKY[:4] + ["None"]
    assert metadata["label"].tolist() == TRICKY[:4] + ["N/A"]
    # What the annotator sees after the restart is what they chose (the item keeps its first place).
    label_ids = [int(v) for v in metadata["label_id"]]
    entry = restarted.get(f"/api/history?before={label_ids[1]}").get_json()["entry"]
    assert (entry["id"], entry["label"], entry["comment"]) == (items[0]["id"], "N/A", "None")


def test_a_label_changed_while_running_is_compacted_without_losing_a_cell(dss, blanks, client_for,
                                                                          monkeypatch):
    from active_labeling.dss import decision_store

    monkeypatch.setattr(decision_store, "COMPACT_MINIMUM", 0)  # compact at the first change
    alice = client_for(dss.load_webapp(WEBAPP, blanks), "alice")
    items = alice.get("/api/batch?size=4").get_json()["items"]
    for item in items:
        assert alice.post("/api/label", json={"id": item["id"], "label": "NA"}).status_code == 200
    answer = alice.post("/api/label", json={"id": items[1]["id"], "label": "null"})
    assert answer.status_code == 200, answer.get_json()  # the compaction ran in this request
    assert alice.post("/api/label", json={"id": items[2]["id"], "label": "nan"}).status_code == 200
    labels = stored_text(dss, "labels")
    assert len(labels) == 4 and labels["label"].value_counts().to_dict() == {"NA": 2, "null": 1, "nan": 1}
    assert set(labels["n_int"].dropna()) == {"7", "-3", "12"} and labels["n_int"].isna().sum() == 1
    assert set(labels["flag"].dropna()) == {"true", "false"}


def test_queries_written_after_the_start_are_followed_at_the_next_batch(dss, tabular, client_for):
    """The normal first round: the webapp starts before the Query Sampler ever wrote its dataset."""
    from active_labeling.generation import with_generation_bumped

    dss.create_dataset("queries")  # no schema yet
    alice = client_for(dss.load_webapp(WEBAPP, dict(tabular, queries_dataset="queries")), "alice")
    first = alice.get("/api/batch?size=2").get_json()
    assert first["generation"] == 0 and all(item["al"] is None or item["al"].get("rank") is None
                                            for item in first["items"])
    alice.post("/api/release", json={})

    rows = dss.read_dataset("reviews", infer_with_pandas=True)
    picked = rows.iloc[[9, 3, 11]].reset_index(drop=True)
    queries = picked.assign(score=[0.9, 0.8, 0.7], rank=[1, 2, 3])
    dataiku_queries = dss.dataset("queries")
    dataiku_queries.write_with_schema(queries)  # what the recipe writes, from another process
    variables, _ = with_generation_bumped(dss.get_variables(), f"{dss.project_key}.queries")
    dss.set_variables(variables)

    batch = alice.get("/api/batch?size=3").get_json()
    assert batch["generation"] == 1
    assert [item["data"]["text"] for item in batch["items"]] == picked["text"].tolist()
    assert [item["al"]["rank"] for item in batch["items"]] == [1, 2, 3]


def test_a_pool_whose_schema_changes_is_read_with_its_new_columns(dss, tabular, client_for, monkeypatch,
                                                                  eventually):
    from active_labeling.dss import pools

    monkeypatch.setattr(pools, "TABLE_RECHECK_SECONDS", 0.0)
    alice = client_for(dss.load_webapp(WEBAPP, tabular), "alice")
    assert alice.get("/api/config").get_json()["columns"] == ["text", "stars"]
    grown = dss.read_dataset("reviews", infer_with_pandas=True).assign(lang="en")
    dss.dataset("reviews").write_with_schema(grown)  # a recipe rebuilt the input with a new column

    def shows_the_new_column():
        items = alice.get("/api/batch?size=1").get_json()["items"]
        alice.post("/api/release", json={})
        return items and items[0]["data"].get("lang") == "en"

    assert eventually(shows_the_new_column), "the new column never reached the page"
