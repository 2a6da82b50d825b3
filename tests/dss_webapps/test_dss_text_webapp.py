"""The text labeling webapp in DSS (through the stand-in): texts labeled into the same metadata and
labels datasets as rows, a visual ML model trained on their TEXT feature, the Query Sampler scoring
the text pool with it, and the webapp following its queries."""

from __future__ import annotations

import pandas as pd
import pytest
from text_corpus import headlines

from active_labeling.dss.webapp_config import parse_text_config
from active_labeling.params import ParamError

WEBAPP = "text-labeling"
CATEGORIES = [{"from": "news", "to": "Reports a fact"}, {"from": "clickbait", "to": "Teases a click"}]


@pytest.fixture
def pool(dss):
    table = headlines(80, rtl=0.1, long=0.05, long_chars=3000, missing=0.05)
    dss.create_dataset("headlines", table[["headline", "source"]])
    for name in ("labels", "labels_metadata", "queries"):
        dss.create_dataset(name)  # created empty with the webapp, as its settings page offers
    return table


def config(**changes):
    return {"input_dataset": "headlines", "text_column": "headline", "context_columns": ["source"],
            "categories": CATEGORIES, "labels_dataset": "labels", "metadata_dataset": "labels_metadata",
            "queries_dataset": "queries", **changes}


def truth_of(table):
    by_text = dict(zip(table["headline"].fillna(""), table["label"]))
    return lambda item: by_text.get(item["data"]["headline"] or "", "news")


def test_texts_are_labeled_scored_by_a_text_model_and_served_in_its_order(dss, pool, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, config()), "alice")
    settings = alice.get("/api/config").get_json()
    assert (settings["kind"], settings["text_column"], settings["columns"]) == (
        "text", "headline", ["headline", "source"])
    truth = truth_of(pool)
    labeled = []
    while len(labeled) < 30:
        for item in alice.get("/api/batch?size=10").get_json()["items"][:30 - len(labeled)]:
            assert set(item["data"]) == {"headline", "source"} and item["media"] is None
            assert alice.post("/api/label", json={"id": item["id"], "label": truth(item)}).status_code == 200
            labeled.append(item)
    alice.post("/api/release", json={})

    # The labels dataset: every column of the row, the texts exactly as stored (long, right-to-left).
    labels = dss.read_dataset("labels")
    assert labels.columns.tolist() == ["headline", "source", "label", "annotator", "date", "label_id",
                                      "final_label", "final_status"]
    shown = {item["id"]: item["data"]["headline"] for item in labeled}
    assert sorted(labels["headline"].fillna("")) == sorted(text or "" for text in shown.values())
    assert dss.read_dataset("labels_metadata")["item_id"].tolist() == [item["id"] for item in labeled]

    # A visual ML model on the TEXT feature, then the Query Sampler on the text pool.
    dss.train_saved_model("clf", "labels", "label", {"headline": "TEXT"})
    run = dss.run_recipe("query-sampler", inputs={"model": ["clf"], "unlabeled": ["headlines"],
                                                  "metadata": ["labels_metadata"]},
                         outputs={"queries": ["queries"]}, config={"n_queries": 0, "strategy": "margin"})
    run.check()
    assert "reads the input columns headline (text)" in run.stdout + run.stderr
    queries = dss.read_dataset("queries", infer_with_pandas=False)
    # Every unlabeled text is scored, a missing one too (DSS's text features read it as empty).
    missing_left = pool["headline"].isna().sum() - sum(item["data"]["headline"] is None for item in labeled)
    assert len(queries) == 80 - 30 and queries["headline"].isna().sum() == missing_left > 0
    batch = alice.get("/api/batch?size=5").get_json()
    assert batch["generation"] == 1
    assert [item["al"]["rank"] for item in batch["items"]] == [1, 2, 3, 4, 5]
    assert [item["data"]["headline"] or "" for item in batch["items"]] == \
        queries["headline"].fillna("").head(5).tolist()
    assert not {item["id"] for item in batch["items"]} & {item["id"] for item in labeled}


@pytest.mark.parametrize("changes, words", [
    ({"text_column": "title"}, "'Text column' 'title' is not a column of 'headlines'"),
    ({"context_columns": ["author"]}, "'Context columns' names author, not in 'headlines'"),
])
def test_a_text_column_the_dataset_lacks_stops_the_start_with_what_to_change(dss, pool, changes, words):
    with pytest.raises(Exception) as refused:
        dss.load_webapp(WEBAPP, config(**changes))
    assert words in str(refused.value) and "headline, source" in str(refused.value)


@pytest.mark.parametrize("changes, words", [
    ({"text_column": ""}, "'Text column'"),
    ({"id_column": "headline"}, "'Text column' and 'Item id column' are both 'headline'"),
    ({"label_column": "headline"}, "'Label column' ('headline') is also the 'Text column'"),
    ({"label_column": "source"}, "is also one of the 'Context columns'"),
    ({"input_dataset": ""}, "'Texts to label'"),
])
def test_text_settings_mistakes_name_the_field(changes, words):
    with pytest.raises(ParamError) as error:
        parse_text_config(config(**changes))
    assert words in str(error.value) and str(error.value).startswith("Text labeling webapp")


def test_the_text_column_is_not_repeated_in_the_context():
    parsed = parse_text_config(config(context_columns=["headline", "source"]))
    assert (parsed.text_column, parsed.columns) == ("headline", ("source",))


def test_a_missing_text_is_served_as_null_and_labeled_like_any_other(dss, client_for):
    dss.create_dataset("headlines", pd.DataFrame({"headline": ["Parliament approves the budget", None],
                                                  "source": ["wire", "blog"]}))
    for name in ("labels", "labels_metadata"):
        dss.create_dataset(name)
    alice = client_for(dss.load_webapp(WEBAPP, config(queries_dataset=None)), "alice")
    items = alice.get("/api/batch?size=2").get_json()["items"]
    empty = next(item for item in items if item["data"]["headline"] is None)
    assert alice.post("/api/label", json={"id": empty["id"], "label": "news"}).status_code == 200
    assert dss.read_dataset("labels")[["source", "label"]].values.tolist() == [["blog", "news"]]
