"""The Query Sampler recipe run like DSS runs it, through the DSS stand-in."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline

from active_labeling.generation import read_generation
from active_labeling.items import ids_from_hashes, row_hashes
from active_labeling.sampling.uncertainty import margin

RECIPE = "query-sampler"
ROLES = {"model": ["clf"], "unlabeled": ["pool"]}
OUT = {"queries": ["queries"]}


def make_pool(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(size=n).round(3), "b": rng.normal(size=n).round(3),
                         "note": [f"row {i % 50}" for i in range(n)]})


def classifier(pool):
    return LogisticRegression().fit(pool[["a", "b"]], np.where(pool.a + 0.5 * pool.b > 0, "yes", "no"))


@pytest.fixture
def tabular(dss):
    pool = make_pool()
    dss.create_dataset("pool", pool)
    estimator = classifier(pool)
    dss.create_saved_model("clf", estimator, ["a", "b"], prediction_type="BINARY_CLASSIFICATION")
    return pool, estimator


def expected_order(estimator, pool):
    scores = margin(estimator.predict_proba(pool[["a", "b"]]))
    return scores, np.argsort(-scores, kind="stable")


def test_dataset_pool_gives_ranked_queries_and_bumps_the_generation(dss, tabular):
    pool, estimator = tabular
    run = dss.run_recipe(RECIPE, ROLES, OUT, {"strategy": "margin", "n_queries": 20, "chunk_size": 100})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert list(queries.columns) == ["a", "b", "note", "score", "rank", "strategy", "model_version",
                                     "prediction", "probabilities"]
    scores, order = expected_order(estimator, pool)
    np.testing.assert_allclose(queries["score"], np.sort(scores)[::-1][:20])
    best = pool.iloc[order[:20]]
    assert set(zip(queries.a, queries.b)) == set(zip(best.a, best.b))
    # The saved model's guess on each query, for the labeling page to offer.
    proba = estimator.predict_proba(queries[["a", "b"]])
    classes = [str(c) for c in estimator.classes_]
    assert queries["prediction"].astype(str).tolist() == [classes[i] for i in proba.argmax(axis=1)]
    first = json.loads(queries["probabilities"][0])
    assert list(first) == sorted(classes, key=lambda c: -proba[0][classes.index(c)])
    assert first[classes[proba[0].argmax()]] == pytest.approx(proba[0].max(), abs=1e-4)
    assert queries["rank"].tolist() == list(range(1, 21))
    assert set(queries["strategy"]) == {"margin"} and set(queries["model_version"]) == {"v1"}
    assert read_generation(dss.get_variables(), "PROJ.queries") == 1
    assert "rows read: 300" in run.stdout + run.stderr
    dss.run_recipe(RECIPE, ROLES, OUT, {"n_queries": 20}).check()
    assert read_generation(dss.get_variables(), "PROJ.queries") == 2


def test_labeled_items_of_the_metadata_are_left_out(dss, tabular):
    pool, estimator = tabular
    _, order = expected_order(estimator, pool)
    ids = ids_from_hashes(row_hashes(pool))
    labeled = [ids[i] for i in order[:3]]
    skipped = ids[order[3]]
    dss.create_dataset("meta", pd.DataFrame({
        "label_id": [1, 2, 3, 4], "item_id": labeled + [skipped], "annotator": ["ann"] * 4,
        "status": ["labeled", "labeled", "labeled", "skipped"], "date": ["2026-11-22T10:00:00Z"] * 4}))
    run = dss.run_recipe(RECIPE, {**ROLES, "metadata": ["meta"]}, OUT, {"strategy": "margin", "n_queries": 5})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    kept = set(ids_from_hashes(row_hashes(queries, ["a", "b", "note"])))
    assert kept.isdisjoint(labeled) and skipped in kept and len(queries) == 5
    assert "rows excluded as already labeled: 3" in run.stdout + run.stderr


def test_rows_the_model_drops_are_counted(dss):
    pool = make_pool()
    estimator = classifier(pool)
    pool.loc[[5, 17, 230], "b"] = np.nan
    dss.create_dataset("pool", pool)
    dss.create_saved_model("clf", estimator, ["a", "b"], prediction_type="BINARY_CLASSIFICATION")
    run = dss.run_recipe(RECIPE, ROLES, OUT, {"strategy": "margin", "n_queries": 0, "chunk_size": 100})
    run.check()
    assert "rows dropped by the model's preprocessing: 3" in run.stdout + run.stderr
    assert "WARNING Query Sampler recipe: 3 of 300 rows were dropped" in run.stdout + run.stderr
    assert len(dss.read_dataset("queries", infer_with_pandas=True)) == 297


def png(level):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (level, level, level)).save(buffer, format="PNG")
    return buffer.getvalue()


def path_model():
    """Tells cats from dogs by the folder name in the file's path (enough to rank a generated folder)."""
    paths = [f"/cats/c{i}.png" for i in range(10)] + [f"/dogs/d{i}.png" for i in range(10)]
    features = ColumnTransformer([("words", CountVectorizer(token_pattern=r"[a-z]{3,}"), "image")])
    return make_pipeline(features, LogisticRegression()).fit(
        pd.DataFrame({"image": paths}), ["cat"] * 10 + ["dog"] * 10)


def test_folder_pool_of_generated_images(dss):
    files = {f"/cats/c{i}.png": png(10 * i) for i in range(4)}
    files.update({f"/dogs/d{i}.png": png(200 - 10 * i) for i in range(4)})
    files.update({"/other/x1.png": png(128), "/other/x2.png": png(129), "/other/x3.png": png(130),
                  "/broken.png": b"not an image", "/readme.txt": b"notes"})
    dss.create_folder("images", files)
    dss.create_dataset("meta", pd.DataFrame({"item_id": ["/other/x3.png"], "status": ["labeled"]}))
    # DSS image models name their path feature as they like: here "image".
    dss.create_saved_model("clf", path_model(), {"image": "TEXT"}, prediction_type="MULTICLASS")
    run = dss.run_recipe(RECIPE, {"model": ["clf"], "unlabeled": ["images"], "metadata": ["meta"]}, OUT,
                         {"strategy": "entropy", "n_queries": 5})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert list(queries.columns) == ["path", "score", "rank", "strategy", "model_version", "prediction",
                                     "probabilities"]
    assert set(queries["path"][:2]) == {"/other/x1.png", "/other/x2.png"}
    assert len(queries) == 5 and not {"/broken.png", "/other/x3.png"} & set(queries["path"])
    log = run.stdout + run.stderr
    assert "unreadable files skipped: 1" in log and "rows excluded as already labeled: 1" in log


def failure(run):
    assert run.returncode != 0, run.stdout
    return run.stderr.strip().splitlines()[-1]


def test_regression_model_is_refused(dss):
    pool = make_pool()
    dss.create_dataset("pool", pool)
    regressor = LinearRegression().fit(pool[["a"]], pool.b)
    dss.create_saved_model("clf", regressor, ["a"], prediction_type="REGRESSION")
    message = failure(dss.run_recipe(RECIPE, ROLES, OUT, {}))
    assert "regression model" in message and "classification model" in message


def test_missing_features_are_named(dss):
    pool = make_pool()
    dss.create_dataset("pool", pool.drop(columns=["b"]))
    dss.create_saved_model("clf", classifier(pool), ["a", "b"])
    message = failure(dss.run_recipe(RECIPE, ROLES, OUT, {}))
    assert "lacks the model's input column(s) b" in message and "retrain" in message


def test_empty_pool_is_refused(dss):
    pool = make_pool()
    dss.create_dataset("pool", schema=[{"name": "a", "type": "double"}, {"name": "b", "type": "double"}])
    dss.create_saved_model("clf", classifier(pool), ["a", "b"])
    message = failure(dss.run_recipe(RECIPE, ROLES, OUT, {}))
    assert "empty" in message
    assert read_generation(dss.get_variables(), "PROJ.queries") == 0


def test_folder_without_readable_file_is_refused(dss):
    dss.create_folder("images", {"/a.png": b"garbage", "/b.wav": b"RIFF....", "/c.txt": b"text"})
    dss.create_saved_model("clf", path_model(), {"image": "TEXT"})
    message = failure(dss.run_recipe(RECIPE, {"model": ["clf"], "unlabeled": ["images"]}, OUT, {}))
    assert "none of the 2 image or sound files" in message


def test_balanced_is_the_default_and_counts_the_labeled_items(dss, tabular):
    pool, _ = tabular
    ids = ids_from_hashes(row_hashes(pool))
    dss.create_dataset("meta", pd.DataFrame({"item_id": ids[:60], "status": ["labeled"] * 60}))
    run = dss.run_recipe(RECIPE, {**ROLES, "metadata": ["meta"]}, OUT, {"n_queries": 20, "chunk_size": 100})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    explored = queries["strategy"] == "balanced:explore"
    # 60 labels of 2 classes: 0.5 × 10 / 60 of the batch is random exploration, spread through the ranks.
    assert len(queries) == 20 and explored.sum() == 2 and set(queries["strategy"][~explored]) == {"balanced"}
    assert explored.iloc[:10].sum() == 1 and explored.iloc[10:].sum() == 1
    kept = set(ids_from_hashes(row_hashes(queries, ["a", "b", "note"])))
    assert kept.isdisjoint(ids[:60])
    assert "random exploration picks among them: 2 (60 labels so far, 2 classes)" in run.stdout + run.stderr
    again = dss.run_recipe(RECIPE, {**ROLES, "metadata": ["meta"]}, OUT, {"n_queries": 20, "chunk_size": 130})
    again.check()
    pd.testing.assert_frame_equal(dss.read_dataset("queries", infer_with_pandas=True), queries)


def test_a_visual_ml_model_with_categorical_and_text_features_ranks_the_pool(dss, mixed_rows, mixed_features):
    """``get_features()`` says dummy:city:Paris, tfidfvec:review:...: the pool is checked against the
    model's input columns instead."""
    pool = mixed_rows()
    dss.create_dataset("train", pool.iloc[:60])
    dss.train_saved_model("clf", "train", "label", mixed_features)
    dss.create_dataset("pool", pool.iloc[60:].drop(columns=["label"]))
    run = dss.run_recipe(RECIPE, ROLES, OUT, {"strategy": "margin", "n_queries": 10})
    run.check()
    queries = dss.read_dataset("queries", infer_with_pandas=True)
    assert len(queries) == 10 and queries["rank"].tolist() == list(range(1, 11))
    assert {"price", "city", "review"} <= set(queries.columns)
    # The queries keep the pool's column types.
    types = {c["name"]: c["type"] for c in dss.dataset_schema("queries")}
    assert types["price"] == "double" and types["city"] == "string" and types["score"] == "double"


def test_a_pool_missing_an_input_column_is_named_not_a_generated_feature(dss, mixed_rows, mixed_features):
    pool = mixed_rows()
    dss.create_dataset("train", pool.iloc[:60])
    dss.train_saved_model("clf", "train", "label", mixed_features)
    dss.create_dataset("pool", pool.iloc[60:].drop(columns=["label", "city"]))
    message = failure(dss.run_recipe(RECIPE, ROLES, OUT, {}))
    assert "lacks the model's input column(s) city" in message and "dummy:" not in message


def test_a_model_the_code_env_cannot_load_says_which_scikit_learn_it_needs(dss, monkeypatch):
    import sys
    import types

    import sklearn
    import sklearn.base

    pool = make_pool()
    dss.create_dataset("pool", pool)
    # A pickle made by another scikit-learn, with an estimator from a package this env lacks.
    monkeypatch.setattr(sklearn.base, "__version__", "0.23.2")
    gone = types.ModuleType("booster_not_installed")
    gone.Booster = type("Booster", (), {"__module__": "booster_not_installed"})
    monkeypatch.setitem(sys.modules, "booster_not_installed", gone)
    dss.create_saved_model("clf", [classifier(pool), gone.Booster()], ["a", "b"])
    path = dss.root / "projects" / dss.project_key / "models" / "clf" / "versions" / "v1" / "estimator.pkl"
    assert b"0.23.2" in path.read_bytes()  # the recipe runs in a fresh process: it can't load it
    message = failure(dss.run_recipe(RECIPE, ROLES, OUT, {}))
    assert "could not be loaded in the plugin's code env" in message and "booster_not_installed" in message
    assert f"scikit-learn {sklearn.__version__}" in message and "trained with scikit-learn 0.23.2" in message
    assert "major.minor" in message and "Code env" in message


# Right where it was sure: the evidence floor, 3% of 40; wrong: the schedule, a sixth of 40. Either is
# rounded up or down at random (seeded by the seed and the labels so far).
@pytest.mark.parametrize("annotators_agree, picks_next", [(True, (1, 2)), (False, (6, 7))])
def test_balanced_explores_less_once_its_exploration_picks_prove_the_model_right(
        dss, tabular, annotators_agree, picks_next):
    pool, _ = tabular
    ids = ids_from_hashes(row_hashes(pool))
    labels = {"label_id": list(range(1, 21)), "item_id": ids[:20], "annotator": ["ann"] * 20,
              "status": ["labeled"] * 20, "label": ["yes", "no"] * 10}
    dss.create_dataset("meta", pd.DataFrame(labels))
    first = dss.run_recipe(RECIPE, {**ROLES, "metadata": ["meta"]}, OUT, {"n_queries": 40})
    first.check()
    assert "no labeled exploration picks yet" in first.stdout + first.stderr
    queries = dss.read_dataset("queries")
    picks = queries[queries["strategy"] == "balanced:explore"]
    assert len(picks) == 10  # 20 labels of 2 classes: a quarter of the batch
    # The annotators label the exploration picks: as the model predicted, or all the other way.
    given = picks["prediction"] if annotators_agree else picks["prediction"].map({"yes": "no", "no": "yes"})
    picked_ids = ids_from_hashes(row_hashes(picks, ["a", "b", "note"]))
    dss.create_dataset("meta2", pd.DataFrame({
        key: values + extra for (key, values), extra in zip(labels.items(), (
            list(range(21, 31)), picked_ids, ["ann"] * 10, ["labeled"] * 10, given.tolist()))}))
    second = dss.run_recipe(RECIPE, {**ROLES, "metadata": ["meta2"]}, OUT, {"n_queries": 40})
    second.check()
    queries = dss.read_dataset("queries")
    # 30 labels: the schedule asks for a sixth of the batch; a model right where it was sure gets the floor.
    explored = int((queries["strategy"] == "balanced:explore").sum())
    assert explored in picks_next
    assert "surprise of the last 10 labeled exploration picks" in second.stdout + second.stderr
    stored = dss.get_variables()["local"]["active_labeling_exploration"]["PROJ.queries"]
    assert len(stored["outcomes"]) == 10 and len(stored["pending"]) == explored
    assert all(right == int(annotators_agree) for _, right in stored["outcomes"])
