"""Text spans in DSS, through the stand-in: the Text span labeling webapp from its real entry point,
pre-annotations from a queries dataset's ``prediction`` column, spans stored as JSON in the labels."""

from __future__ import annotations

import json

import pandas as pd
import pytest

WEBAPP = "text-span-labeling"
CATEGORIES = [{"from": "PER", "to": "A person"}, {"from": "LOC", "to": "A place"}]
TEXTS = {"a": "Ana Lopez lives in Paris.", "b": "שלום דנה מתל אביב", "c": "Zoé 👩‍💻 left Lyon!",
         "d": "Nothing."}


def _span(text, part, category):
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part, "category": category}


@pytest.fixture
def texts(dss):
    dss.create_dataset("texts", pd.DataFrame({"id": list(TEXTS), "body": list(TEXTS.values())}))
    model = [_span(TEXTS["a"], "Ana Lopez", "PER"), dict(_span(TEXTS["a"], "Paris", "LOC"), confidence=0.4)]
    dss.create_dataset("queries", pd.DataFrame({"id": ["c", "a"], "body": [TEXTS["c"], TEXTS["a"]],
                                                "rank": [1, 2], "prediction": ["[]", json.dumps(model)]}))
    for name in ("labels", "labels_metadata"):
        dss.create_dataset(name)
    return model


def config(**changes):
    return {"input_dataset": "texts", "text_column": "body", "id_column": "id", "categories": CATEGORIES,
            "labels_dataset": "labels", "metadata_dataset": "labels_metadata", "queries_dataset": "queries",
            **changes}


def test_spans_are_served_with_pre_annotations_and_stored_as_json(dss, texts, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, config()), "alice")
    settings = alice.get("/api/config").get_json()
    assert (settings["task"], settings["kind"], settings["overlapping_spans"]) == ("spans", "text", False)
    items = alice.get("/api/batch?size=10").get_json()["items"]
    assert [i["id"] for i in items[:2]] == ["c", "a"]
    assert items[0]["suggestion"] is None and items[1]["suggestion"] == texts
    accepted = [{k: s[k] for k in ("start", "end", "text", "category")} for s in texts]
    emoji = [_span(TEXTS["c"], "Zoé", "PER"), _span(TEXTS["c"], "Lyon", "LOC")]
    assert emoji[1]["start"] == 13   # Python indices: the emoji sequence is 3 code points (UTF-16: 5)
    hebrew = [_span(TEXTS["b"], "דנה", "PER")]
    for item_id, label in (("a", accepted), ("c", emoji), ("b", hebrew), ("d", [])):
        response = alice.post("/api/label", json={"id": item_id, "label": label})
        assert response.status_code == 200, response.get_json()
    labels = dss.read_dataset("labels")
    assert labels.columns.tolist() == ["id", "body", "label", "annotator", "date", "label_id",
                                      "final_label", "final_status"]
    stored = {i: json.loads(v) for i, v in zip(labels["id"], labels["label"])}
    assert stored["a"] == accepted and stored["c"] == emoji and stored["d"] == []
    for item_id, spans in stored.items():
        assert all(TEXTS[item_id][s["start"]:s["end"]] == s["text"] for s in spans)
    assert json.loads(dss.read_dataset("labels_metadata")["label"].iloc[0]) == accepted


@pytest.mark.parametrize("label, says", [
    ([{"start": 0, "end": 99, "text": "x", "category": "PER"}],
     "goes outside the text, which has 25 characters"),
    ([{"start": 0, "end": 3, "text": "Ann", "category": "PER"}], "is not what the offsets 0-3 hold"),
    ([{"start": 0, "end": 9, "text": "Ana Lopez", "category": "PER"},
      {"start": 4, "end": 9, "text": "Lopez", "category": "LOC"}], "overlap, and this webapp's spans don't"),
    ([{"start": 19, "end": 24, "text": "Paris", "category": "CITY"}], "unknown category 'CITY'"),
])
def test_bad_spans_are_refused_and_nothing_is_written(dss, texts, client_for, label, says):
    alice = client_for(dss.load_webapp(WEBAPP, config()), "alice")
    alice.get("/api/batch?size=10")
    response = alice.post("/api/label", json={"id": "a", "label": label})
    assert response.status_code == 400 and says in response.get_json()["error"]
    assert dss.read_dataset("labels_metadata").empty and dss.read_dataset("labels").empty


def test_the_overlapping_switch_takes_nested_spans(dss, texts, client_for):
    alice = client_for(dss.load_webapp(WEBAPP, config(overlapping_spans=True)), "alice")
    assert alice.get("/api/config").get_json()["overlapping_spans"] is True
    alice.get("/api/batch?size=10")
    nested = [{"start": 0, "end": 9, "text": "Ana Lopez", "category": "PER"},
              {"start": 4, "end": 9, "text": "Lopez", "category": "LOC"}]
    assert alice.post("/api/label", json={"id": "a", "label": nested}).status_code == 200


def test_the_span_query_sampler_learns_the_marked_spans_and_the_webapp_serves_its_queries(dss, client_for):
    from active_labeling.analysis.span_corpus import make_span_corpus
    from active_labeling.generation import read_generation

    corpus = make_span_corpus(300, seed=6)
    truth = {f"t{i}": c["spans"] for i, c in enumerate(corpus)}
    dss.create_dataset("corpus", pd.DataFrame({"id": list(truth), "text": [c["text"] for c in corpus]}))
    for name in ("labels", "labels_metadata", "queries"):
        dss.create_dataset(name)
    settings = config(input_dataset="corpus", text_column="text", categories=[
        {"from": "PER", "to": ""}, {"from": "ORG", "to": ""}, {"from": "LOC", "to": ""}])
    alice = client_for(dss.load_webapp(WEBAPP, settings), "alice")
    marked = []
    for item in alice.get("/api/batch?size=40").get_json()["items"]:
        answer = alice.post("/api/label", json={"id": item["id"], "label": truth[item["id"]]})
        assert answer.status_code == 200
        marked.append(item["id"])
    alice.post("/api/release", json={})

    run = dss.run_recipe("span-query-sampler", {"texts": ["corpus"], "labels": ["labels"]},
                         {"queries": ["queries"]},
                         {"text_column": "text", "id_column": "id", "n_queries": 50})
    run.check()
    assert "40 marked texts, held-out entity F1" in run.stdout + run.stderr
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert queries.columns.tolist() == ["id", "text", "prediction", "score", "rank"]
    assert len(queries) == 50 and not set(queries["id"]) & set(marked)
    assert queries["score"].iloc[0] == queries["score"].max()
    assert queries["rank"].tolist() == list(range(1, 51))
    assert read_generation(dss.get_variables(), "PROJ.queries") == 1
    # The tagger's spans are right on most texts, and come as the webapp's suggestions.
    spans = [json.loads(cell) for cell in queries["prediction"]]
    exact = sum([{k: s[k] for k in ("start", "end", "text", "category")} for s in found] == truth[i]
                for i, found in zip(queries["id"], spans))
    assert exact >= 25
    items = alice.get("/api/batch?size=5").get_json()["items"]
    assert [i["id"] for i in items] == queries["id"].head(5).tolist()
    assert [i["suggestion"] or [] for i in items] == spans[:5]


def test_the_span_query_sampler_says_what_to_change(dss):
    dss.create_dataset("corpus", pd.DataFrame({"id": ["a"], "text": ["Ana Lopez"]}))
    dss.create_dataset("labels", pd.DataFrame({"id": ["a"], "text": ["Ana Lopez"], "label": ["[]"]}))
    run = dss.run_recipe("span-query-sampler", {"texts": ["corpus"], "labels": ["labels"]},
                         {"queries": ["queries"]}, {"text_column": "text", "id_column": "id"})
    assert run.returncode != 0 and "none with a span: the tagger needs spans to learn from" in run.stderr
    run = dss.run_recipe("span-query-sampler", {"texts": ["corpus"], "labels": ["labels"]},
                         {"queries": ["queries"]}, {"text_column": "text", "label_column": "spans"})
    assert run.returncode != 0 and "the labels dataset" in run.stderr and "has no column spans" in run.stderr
