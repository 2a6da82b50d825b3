"""Contract of ``dataiku.Model`` and its predictor (shared/dss-runtime.md, section Model)."""

from __future__ import annotations

import dataiku
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

FEATURES = ["x1", "x2"]


def training_frame(n_classes: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 2))
    y = np.arange(90) % n_classes
    X[:, 0] += 3 * y
    return pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "y": y})


def multiclass_model(dss, model_id: str = "m1") -> LogisticRegression:
    df = training_frame()
    clf = LogisticRegression().fit(df[FEATURES], df["y"])
    dss.create_saved_model(model_id, clf, FEATURES, prediction_type="MULTICLASS", metrics={"accuracy": 0.9})
    return clf


def test_predictor_has_predict_but_no_predict_proba(dss):
    multiclass_model(dss)
    predictor = dataiku.Model("m1").get_predictor()
    assert not hasattr(predictor, "predict_proba")
    df = pd.DataFrame({"x1": [0.0, 6.0], "x2": [0.0, 0.0], "extra": ["a", "b"]}, index=[10, 20])
    out = predictor.predict(df)
    assert list(out.columns) == ["prediction", "proba_0", "proba_1", "proba_2"]
    assert out.index.tolist() == [10, 20]
    assert out["prediction"].tolist() == ["0", "2"]
    assert np.allclose(out[["proba_0", "proba_1", "proba_2"]].sum(axis=1), 1.0)


def test_predict_flags_choose_columns(dss):
    multiclass_model(dss)
    predictor = dataiku.Model("m1").get_predictor()
    df = pd.DataFrame({"x1": [0.0], "x2": [0.0]})
    assert list(predictor.predict(df, with_probas=False).columns) == ["prediction"]
    assert list(predictor.predict(df, with_input_cols=True).columns)[:2] == ["x1", "x2"]


def test_classes_are_strings(dss):
    df = training_frame(2)
    clf = LogisticRegression().fit(df[FEATURES], df["y"].map({0: "no", 1: "yes"}))
    dss.create_saved_model("bin", clf, FEATURES, prediction_type="BINARY_CLASSIFICATION")
    predictor = dataiku.Model("bin").get_predictor()
    assert predictor.classes == ["no", "yes"] == predictor.get_classes()
    multiclass_model(dss, "multi")
    assert dataiku.Model("multi").get_predictor().classes == ["0", "1", "2"]


def test_regression_model_has_no_classes(dss):
    df = training_frame()
    dss.create_saved_model("reg", LinearRegression().fit(df[FEATURES], df["y"]), FEATURES,
                           prediction_type="REGRESSION")
    predictor = dataiku.Model("reg").get_predictor()
    assert predictor.classes is None and predictor.get_classes() is None
    assert list(predictor.predict(df[FEATURES].head(2)).columns) == ["prediction"]


def test_rows_with_missing_features_are_dropped(dss):
    multiclass_model(dss)
    df = pd.DataFrame({"x1": [0.0, np.nan, 6.0], "x2": [0.0, 1.0, np.nan]}, index=["a", "b", "c"])
    full = pd.DataFrame({"x1": [0.0, 1.0], "x2": [0.0, 1.0]}, index=["a", "d"])
    assert dataiku.Model("m1").get_predictor().predict(df).index.tolist() == ["a"]
    assert dataiku.Model("m1").get_predictor().predict(full).index.tolist() == ["a", "d"]


def test_missing_feature_column_raises_naming_it(dss):
    multiclass_model(dss)
    with pytest.raises(KeyError, match="x2"):
        dataiku.Model("m1").get_predictor().predict(pd.DataFrame({"x1": [0.0]}))


def test_versions_and_active_predictor(dss):
    multiclass_model(dss)
    df = training_frame(2)
    dss.add_model_version("m1", LogisticRegression().fit(df[FEATURES], df["y"]), version_id="v2",
                          metrics={"accuracy": 0.5})
    versions = dataiku.Model("m1").list_versions()
    assert [(v["versionId"], v["active"]) for v in versions] == [("v1", False), ("v2", True)]
    assert {"trainDate", "trainInfo", "accuracy"} <= set(versions[0]["snippet"])
    assert dataiku.Model("m1").get_predictor().classes == ["0", "1"]
    assert dataiku.Model("m1").get_predictor("v1").classes == ["0", "1", "2"]


# -- what DSS's visual ML writes: input columns vs generated features (core/saved_model.py) --------
MIXED_TYPES = {"size": "NUMERIC", "city": "CATEGORY", "review": "TEXT"}


def _mixed_frame(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    city = np.where(np.arange(n) % 3 == 0, "Paris", np.where(np.arange(n) % 3 == 1, "Lyon", None))
    size = rng.normal(size=n) + (np.arange(n) % 2) * 3
    size[::7] = np.nan
    text = [("great fun" if i % 2 else "dull boring") + f" w{i % 5}" for i in range(n)]
    text[3] = None
    return pd.DataFrame({"size": size, "city": city, "review": text,
                         "label": np.where(np.arange(n) % 2, "pos", "neg")})


def test_trained_model_names_generated_features_and_lists_inputs_in_per_feature(dss):
    dss.create_dataset("train", _mixed_frame())
    dss.train_saved_model("mixed", "train", "label", MIXED_TYPES)
    predictor = dataiku.Model("mixed").get_predictor()
    features = predictor.get_features()
    assert "size" in features and "dummy:city:Paris" in features and "dummy:city:N/A" in features
    assert any(f.startswith("tfidfvec:review:") and f.endswith(":fun") for f in features)
    assert "city" not in features and "review" not in features  # never the input columns themselves
    per_feature = predictor.params.preprocessing_params["per_feature"]
    assert {c for c, s in per_feature.items() if s["role"] == "INPUT"} == {"size", "city", "review"}
    assert per_feature["label"]["role"] == "TARGET"
    assert predictor.params.core_params["prediction_type"] == "BINARY_CLASSIFICATION"


def test_predict_casts_text_cells_to_the_training_types(dss):
    """DSS's predict() casts numbers to float64 and categories to objects before preprocessing."""
    dss.create_dataset("train", _mixed_frame())
    dss.train_saved_model("mixed", "train", "label", MIXED_TYPES)
    text = pd.DataFrame({"size": ["3.5", None], "city": ["Paris", None], "review": ["great fun", None]})
    out = dataiku.Model("mixed").get_predictor().predict(text)
    assert out.index.tolist() == [0, 1] and list(out.columns) == ["prediction", "proba_neg", "proba_pos"]
    with pytest.raises(ValueError):
        dataiku.Model("mixed").get_predictor().predict(text.assign(size=["not a number", "1"]))


def test_binary_prediction_follows_the_active_threshold(dss):
    df = training_frame(2)
    clf = LogisticRegression().fit(df[FEATURES], df["y"].map({0: "no", 1: "yes"}))
    dss.create_saved_model("bin", clf, FEATURES, prediction_type="BINARY_CLASSIFICATION", threshold=0.9)
    predictor = dataiku.Model("bin").get_predictor()
    assert predictor.params.user_meta["activeClassifierThreshold"] == 0.9
    out = predictor.predict(df[FEATURES])
    assert ((out["proba_yes"] > 0.9) == (out["prediction"] == "yes")).all()
    assert ((out["proba_yes"] > 0.5) & (out["prediction"] == "no")).any()


def test_all_rows_dropped_gives_missing_predictions_on_every_row(dss):
    multiclass_model(dss)
    rows = pd.DataFrame({"x1": [np.nan], "x2": [1.0]}, index=[7])
    out = dataiku.Model("m1").get_predictor().predict(rows)
    assert out.index.tolist() == [7] and list(out.columns) == ["prediction"]
    assert out["prediction"].isna().all()
