"""`serve --retrain-every` on texts: your own text pipelines and the default text model retrain
round after round, and a model given the other form says what it received and what fits."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time

import pytest
from retrain_helpers import REPO, Server, label_batches, uncertainties, wait_for_generation, wait_for_round
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from text_corpus import headlines

from active_labeling.learning.model_input import texts
from active_labeling.local.text_pool import TextFilePool

pytestmark = pytest.mark.e2e


@pytest.fixture
def pool(tmp_path):
    """120 headlines (right-to-left ones, a fifth missing), their source, and the truth by item id."""
    table = headlines(120, rtl=0.1, missing=0.2)
    path = tmp_path / "pool.csv"
    table[["headline", "source"]].to_csv(path, index=False)
    ids = TextFilePool(path, "headline").item_ids()
    return path, table, ids, dict(zip(ids, table["label"]))


def pickled(tmp_path, model, name="model.pkl"):
    path = tmp_path / name
    path.write_bytes(pickle.dumps(model))
    return str(path)


def serve(tmp_path, path, *extra):
    return Server(["--data", str(path), "--categories", "news,clickbait", "--annotator", "tester", *extra],
                  tmp_path / "ws")


def wait_for_entry(tmp_path, server, timeout=120):
    """The first round's entry, whatever its status."""
    log = tmp_path / "ws" / "retrain" / "rounds.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().strip():
            return json.loads(log.read_text().splitlines()[0])
        time.sleep(0.3)
    raise AssertionError(f"no round in time\n{server.log()}")


def test_a_tfidf_pipeline_retrains_on_the_texts_of_a_text_pool(tmp_path, pool):
    path, table, ids, truth = pool
    model = pickled(tmp_path, make_pipeline(TfidfVectorizer(), LogisticRegression()))
    server = serve(tmp_path, path, "--kind", "text", "--text-column", "headline", "--retrain-every", "10",
                   "--model", model)
    try:
        labeled = label_batches(server, 10, lambda item: truth[item["id"]])
        entry = wait_for_round(tmp_path / "ws", 1, server)
        assert entry["features"] == ("your model (Pipeline) receives the texts of column 'headline' as a "
                                     "1-D array of strings (a missing text is '')")
        by_id = dict(zip(ids, texts(table["headline"])))
        # The next batch: the unlabeled texts the round's model is least sure of, as it scores them
        # (missing ones as empty texts, which tie: compare scores, not the order of ties).
        wait_for_generation(server, 1)
        batch = server.call("GET", "/api/batch?size=5")["items"]
        unlabeled = [i for i in ids if i not in set(labeled)]
        scores = dict(zip(unlabeled, uncertainties(entry["model"], [by_id[i] for i in unlabeled])))
        assert [item["al"]["score"] for item in batch] == pytest.approx(sorted(scores.values())[::-1][:5])
        shown = [item["al"]["score"] for item in batch]
        assert shown == pytest.approx([scores[item["id"]] for item in batch])
        assert ("Retraining every 10 labelings in the background; your model receives the texts of column "
                "'headline' as a 1-D array of strings") in server.log()
    finally:
        server.close()


def test_a_column_transformer_retrains_on_a_tabular_pool_with_missing_headlines(tmp_path, pool):
    path, table, ids, truth = pool
    by_row = dict(zip(map(tuple, table[["headline", "source"]].fillna("").to_numpy()), table["label"]))
    model = pickled(tmp_path, make_pipeline(
        ColumnTransformer([("headline", TfidfVectorizer(), "headline"),
                           ("source", OneHotEncoder(handle_unknown="ignore"), ["source"])]),
        LogisticRegression()))
    server = serve(tmp_path, path, "--retrain-every", "10", "--model", model)
    try:
        label_batches(server, 10,
                      lambda item: by_row[(item["data"]["headline"] or "", item["data"]["source"])])
        entry = wait_for_round(tmp_path / "ws", 1, server)
        assert entry["queries"] == 110 and entry["features"].startswith(
            "your model (Pipeline) receives a DataFrame of the item columns")
    finally:
        server.close()


def test_the_default_text_model_says_which_column_it_uses_and_how(tmp_path, pool):
    path, _, _, truth = pool
    server = serve(tmp_path, path, "--kind", "text", "--retrain-every", "20", "--text-column", "headline")
    try:
        label_batches(server, 20, lambda item: truth[item["id"]])
        entry = wait_for_round(tmp_path / "ws", 1, server)
    finally:
        server.close()
    assert entry["accuracy"] is not None and entry["accuracy"] >= 0.8
    status = subprocess.run([sys.executable, "-m", "active_labeling.cli", "status", "--workspace",
                             str(tmp_path / "ws")], capture_output=True, text=True,
                            env={"PYTHONPATH": str(REPO / "python-lib"), "PATH": ""})
    assert ("Model of round 1: default model: headline: word 1-2-grams and character 2-4-grams within words, "
            "TF-IDF (vocabulary of the labeled texts); logistic regression") in status.stdout


def test_a_text_pipeline_on_a_tabular_pool_says_what_it_got_and_what_fits(tmp_path, pool):
    path, _, _, truth = pool
    model = pickled(tmp_path, make_pipeline(TfidfVectorizer(), LogisticRegression()))
    server = serve(tmp_path, path, "--retrain-every", "6", "--model", model)
    try:
        label_batches(server, 6, lambda item: truth[item["id"]])
        entry = wait_for_entry(tmp_path, server)
        log = server.log()
    finally:
        server.close()
    assert entry["status"] == "failed"
    error = entry["error"]
    assert error.startswith("ModelInputError: the model (Pipeline: TfidfVectorizer → LogisticRegression) "
                            "failed in fit on what it received: a pandas DataFrame of ")
    assert "× 2 columns (headline, source)" in error
    assert "Found input variables with inconsistent numbers of samples" in error
    assert "serve --kind text --text-column COLUMN" in error
    assert 'make_pipeline(ColumnTransformer([("headline", TfidfVectorizer(), "headline"), ' in error
    assert "failed in fit on what it received" in log  # the server's console says it too
