"""The Stopping criteria scenario step, run as DSS runs it after each retrain (DSS stand-in)."""

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from active_labeling.dss.stopping_step import STOPPING_VARIABLE

FEATURES = ["x1", "x2"]
STEP = "stopping-criteria"


def _pool(n=300, seed=0):
    rng = np.random.default_rng(seed)
    pool = pd.DataFrame(rng.normal(size=(n, 2)), columns=FEATURES)
    pool["truth"] = np.where(pool["x1"] + pool["x2"] > 0, "yes", "no")
    return pool


def _fit(rows):
    return LogisticRegression().fit(rows[FEATURES], rows["truth"])


def _config(**overrides):
    config = {"model": "clf", "pool_kind": "dataset", "pool_dataset": "pool", "labels_dataset": "labels",
              "label_column": "label", "sample_size": 100, "window": 2}
    config.update(overrides)
    return config


def _label(dss, pool, rows, wrong=0):
    """Append labels (the true class, except for ``wrong`` of them) as the webapp would."""
    labels = pool.iloc[rows][FEATURES].copy()
    labels["label"] = pool.iloc[rows]["truth"].to_numpy()
    if wrong:
        labels.iloc[:wrong, labels.columns.get_loc("label")] = "maybe"  # answers no model predicts
    if not dss.dataset_exists("labels"):
        dss.create_dataset("labels", labels)
        return
    dataset = dss.dataset("labels")
    dataset.spec_item["appendMode"] = True
    with dataset.get_writer() as writer:
        writer.write_dataframe(labels)


def _entry(dss):
    return dss.get_variables()["local"][STOPPING_VARIABLE]["clf"]


def test_the_step_says_stable_once_retrains_stop_changing_the_model(dss):
    pool = _pool()
    dss.create_dataset("pool", pool[FEATURES])
    dss.create_dataset("history")  # created empty by the user; the step sets its schema
    # Labels well beyond what a linear boundary needs: every retrain gives the same predictions.
    _label(dss, pool, range(0, 150))
    dss.create_saved_model("clf", _fit(pool.iloc[:150]), FEATURES)
    dss.run_step(STEP, _config(history_dataset="history")).check()
    first = _entry(dss)["report"]
    assert not first["stable"] and first["sentence"].startswith("Keep labeling")
    for end in (170, 190):
        _label(dss, pool, range(end - 20, end))
        dss.add_model_version("clf", _fit(pool.iloc[:end]))
        run = dss.run_step(STEP, _config(history_dataset="history"))
        run.check()
    report = _entry(dss)["report"]
    figures = {c["name"]: c["value"] for c in report["criteria"]}
    assert report["stable"], report["sentence"]
    assert figures["agreement"] >= 0.99 and figures["contradiction"] <= 0.1
    assert "Stopping criteria (stable)" in run.stdout
    history = dss.read_dataset("history")
    assert history["stable"].tolist() == [False, False, True]
    assert history["labels"].tolist() == [150, 170, 190]


def test_annotators_contradicting_the_model_keep_it_unstable(dss):
    pool = _pool()
    dss.create_dataset("pool", pool[FEATURES])
    _label(dss, pool, range(0, 150))
    dss.create_saved_model("clf", _fit(pool.iloc[:150]), FEATURES)
    dss.run_step(STEP, _config()).check()
    for end in (170, 190):
        _label(dss, pool, range(end - 20, end), wrong=8)
        dss.add_model_version("clf", _fit(pool.iloc[:end]))
        dss.run_step(STEP, _config()).check()
    report = _entry(dss)["report"]
    assert not report["stable"]
    figures = {c["name"]: c["value"] for c in report["criteria"]}
    assert figures["contradiction"] >= 16 / 40  # the 16 wrong answers, maybe a true label missed too
    assert "of the last 40 labels contradicted the model (needs ≤ 10%)" in report["sentence"]


def test_rerunning_without_a_new_model_version_does_not_count_as_agreement(dss):
    pool = _pool()
    dss.create_dataset("pool", pool[FEATURES])
    _label(dss, pool, range(0, 150))
    dss.create_saved_model("clf", _fit(pool.iloc[:150]), FEATURES)
    for _ in range(3):
        dss.run_step(STEP, _config()).check()
    entry = _entry(dss)
    assert entry["state"]["retrains"] == 1 and not entry["report"]["stable"]


def test_a_missing_parameter_fails_the_step_with_its_label(dss):
    run = dss.run_step(STEP, _config(labels_dataset=None))
    assert run.returncode != 0 and "'Labels dataset' (labels_dataset)" in run.stderr


def _png(level):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (level, level, level)).save(buffer, format="PNG")
    return buffer.getvalue()


def _path_model():
    """Tells cats from dogs by the word in the file's path; DSS image models name the path as they like."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.pipeline import make_pipeline

    paths = [f"/cats/c{i}.png" for i in range(10)] + [f"/dogs/d{i}.png" for i in range(10)]
    words = ColumnTransformer([("words", CountVectorizer(token_pattern=r"[a-z]{3,}"), "image")])
    return make_pipeline(words, LogisticRegression()).fit(pd.DataFrame({"image": paths}),
                                                          ["cat"] * 10 + ["dog"] * 10)


def test_the_step_works_on_a_folder_of_images(dss):
    files = {f"/{kind}s/{kind[0]}{i}.png": _png(7 * i) for kind in ("cat", "dog") for i in range(15)}
    dss.create_folder("images", files)
    paths = sorted(files)
    dss.create_dataset("labels", pd.DataFrame({"path": paths[:4], "label": [p[1:4] for p in paths[:4]]}))
    dss.create_saved_model("clf", _path_model(), {"image": "TEXT"})
    config = _config(pool_kind="folder", pool_folder="images", pool_dataset=None, window=1)
    dss.run_step(STEP, config).check()
    dataset = dss.dataset("labels")
    dataset.spec_item["appendMode"] = True
    with dataset.get_writer() as writer:
        writer.write_dataframe(pd.DataFrame({"path": paths[10:22], "label": [p[1:4] for p in paths[10:22]]}))
    dss.add_model_version("clf", _path_model())
    dss.run_step(STEP, config).check()
    report = _entry(dss)["report"]
    figures = {c["name"]: c["value"] for c in report["criteria"]}
    assert figures["contradiction"] == 0 and figures["agreement"] == 1.0
    assert report["stable"], report["sentence"]


def test_the_step_checks_a_visual_ml_model_with_category_and_text_features(dss, mixed_rows,
                                                                           mixed_features):
    """Its input columns come from the model's design, not from get_features() (dummy:city:Paris...)."""
    rows = mixed_rows(160)
    dss.create_dataset("pool", rows.drop(columns=["label"]))
    dss.create_dataset("labels", rows.iloc[:80].assign(label_id=range(1, 81)))
    dss.train_saved_model("clf", "labels", "label", mixed_features)
    dss.run_step(STEP, _config()).check()
    dss.train_saved_model("clf", "labels", "label", mixed_features)
    run = dss.run_step(STEP, _config())
    run.check()
    entry = _entry(dss)
    assert entry["model_version"] == "v2" and entry["state"]["retrains"] == 2
    assert "Stopping criteria" in run.stdout
