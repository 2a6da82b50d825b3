"""`active-labeling sample`: the Query Sampler on local files with a pickled scikit-learn model."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from active_labeling.cli import main
from active_labeling.items import ids_from_hashes, row_hashes
from active_labeling.sampling.uncertainty import least_confidence


@pytest.fixture
def pool():
    rng = np.random.default_rng(1)
    return pd.DataFrame({"a": rng.normal(size=400).round(4), "b": rng.normal(size=400).round(4),
                         "city": rng.choice(["Lyon", "Oslo"], size=400)})


def pickled(tmp_path, estimator, name="model.pkl"):
    path = tmp_path / name
    path.write_bytes(pickle.dumps(estimator))
    return str(path)


@pytest.fixture
def model(tmp_path, pool):
    estimator = make_pipeline(StandardScaler(), LogisticRegression())
    estimator.fit(pool[["a", "b"]], np.where(pool.a - pool.b > 0.3, "up", "down"))
    return estimator, pickled(tmp_path, estimator)


def test_csv_and_parquet_pools_give_the_same_queries(tmp_path, pool, model, capsys):
    estimator, model_path = model
    pool.to_csv(tmp_path / "pool.csv", index=False)
    pool.to_parquet(tmp_path / "pool.parquet", index=False)
    common = ["--model", model_path, "--strategy", "least_confidence", "--n", "25", "--chunk-size", "60"]
    csv_args = ["sample", "--data", str(tmp_path / "pool.csv"), "--out", str(tmp_path / "q.csv")]
    assert main([*csv_args, *common]) == 0
    assert "rows read: 400" in capsys.readouterr().out
    assert main(["sample", "--data", str(tmp_path / "pool.parquet"), "--out", str(tmp_path / "q.parquet"),
                 *common]) == 0
    from_csv, from_parquet = pd.read_csv(tmp_path / "q.csv"), pd.read_parquet(tmp_path / "q.parquet")
    pd.testing.assert_frame_equal(from_csv, from_parquet)
    expected = np.sort(least_confidence(estimator.predict_proba(pool[["a", "b"]])))[::-1][:25]
    np.testing.assert_allclose(from_csv["score"], expected)
    assert from_csv["model_version"].iloc[0].startswith("model.pkl@")


def test_labeled_items_are_left_out(tmp_path, pool, model, capsys):
    _, model_path = model
    pool.to_csv(tmp_path / "pool.csv", index=False)
    args = ["sample", "--model", model_path, "--data", str(tmp_path / "pool.csv"), "--n", "10",
            "--strategy", "margin"]  # a plain ranking: the second run is the first minus the labeled
    main([*args, "--out", str(tmp_path / "first.csv")])
    first = pd.read_csv(tmp_path / "first.csv")
    labeled = ids_from_hashes(row_hashes(first, ["a", "b", "city"]))[:4]
    pd.DataFrame({"item_id": labeled, "status": "labeled"}).to_csv(tmp_path / "meta.csv", index=False)
    main([*args, "--out", str(tmp_path / "second.csv"), "--labeled", str(tmp_path / "meta.csv")])
    second = pd.read_csv(tmp_path / "second.csv")
    pd.testing.assert_frame_equal(second.iloc[:6, :3], first.iloc[4:, :3].reset_index(drop=True))
    assert "rows excluded as already labeled: 4" in capsys.readouterr().out


def test_balanced_is_the_default_and_the_labeled_count_sets_its_exploration(tmp_path, pool, model, capsys):
    _, model_path = model
    pool.to_csv(tmp_path / "pool.csv", index=False)
    labeled = ids_from_hashes(row_hashes(pool, ["a", "b", "city"]))[:100]
    pd.DataFrame({"item_id": labeled, "status": "labeled"}).to_csv(tmp_path / "meta.csv", index=False)
    args = ["sample", "--model", model_path, "--data", str(tmp_path / "pool.csv"), "--n", "20"]
    main([*args, "--out", str(tmp_path / "cold.csv")])
    main([*args, "--out", str(tmp_path / "warm.csv"), "--labeled", str(tmp_path / "meta.csv")])
    cold, warm = pd.read_csv(tmp_path / "cold.csv"), pd.read_csv(tmp_path / "warm.csv")
    assert set(cold["strategy"]) == {"balanced", "balanced:explore"}
    # No labels: half the batch explores; 100 labels of 2 classes: 0.5 × 10 / 100 → the 10% floor.
    assert (cold["strategy"] == "balanced:explore").sum() == 10
    assert (warm["strategy"] == "balanced:explore").sum() == 2
    assert "random exploration picks among them: 2 (100 labels so far, 2 classes)" in capsys.readouterr().out


def brightness(frame):
    """The mean grey level of each image file named in the ``path`` column."""
    return np.array([[np.asarray(Image.open(p).convert("L")).mean()] for p in frame["path"]])


def test_folder_of_images_with_a_model_that_opens_the_files(tmp_path, capsys):
    folder = tmp_path / "images"
    (folder / "sub").mkdir(parents=True)
    for level in (0, 60, 120, 130, 200, 250):
        Image.new("L", (6, 6), level).save(folder / "sub" / f"g{level:03d}.png")
    (folder / "broken.png").write_bytes(b"no")
    training = pd.DataFrame({"path": [str(folder / "sub" / f"g{v:03d}.png") for v in (0, 60, 200, 250)]})
    estimator = make_pipeline(FunctionTransformer(brightness), LogisticRegression(C=100))
    estimator.fit(training, ["dark", "dark", "light", "light"])
    out = tmp_path / "q.csv"
    assert main(["sample", "--model", pickled(tmp_path, estimator), "--data", str(folder), "--out", str(out),
                 "--strategy", "margin", "--n", "2"]) == 0
    queries = pd.read_csv(out)
    assert queries["path"].tolist() == ["/sub/g130.png", "/sub/g120.png"]
    assert "unreadable files skipped: 1" in capsys.readouterr().out


def failure(capsys, argv):
    assert main(argv) == 2
    return capsys.readouterr().err


def test_user_mistakes_say_what_to_do(tmp_path, pool, model, capsys):
    _, model_path = model
    pool.to_csv(tmp_path / "pool.csv", index=False)
    data, out = str(tmp_path / "pool.csv"), str(tmp_path / "q.csv")
    regressor = pickled(tmp_path, LinearRegression().fit(pool[["a"]], pool.b), "regressor.pkl")
    message = failure(capsys, ["sample", "--model", regressor, "--data", data, "--out", out])
    assert "not a classifier" in message
    pool[["a", "city"]].to_csv(tmp_path / "narrow.csv", index=False)
    message = failure(capsys, ["sample", "--model", model_path, "--data", str(tmp_path / "narrow.csv"),
                               "--out", out])
    assert "lacks 1 of the model's features: b" in message
    (tmp_path / "empty.csv").write_text("")
    assert "empty" in failure(capsys, ["sample", "--model", model_path, "--data", str(tmp_path / "empty.csv"),
                                       "--out", out])
    assert ".csv or .parquet" in failure(capsys, ["sample", "--model", model_path, "--data", data,
                                                  "--out", str(tmp_path / "q.xlsx")])
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    message = failure(capsys, ["sample", "--model", model_path, "--data", str(tmp_path / "bad.parquet"),
                               "--out", out])
    assert "bad.parquet can't be read as Parquet" in message and "name it .csv" in message
    assert "no such file" in failure(capsys, ["sample", "--model", model_path, "--data", data, "--out", out,
                                              "--labeled", str(tmp_path / "missing.csv")])


def test_exploration_state_carries_the_picks_outcomes_to_the_next_run(tmp_path, pool, model, capsys):
    _, model_path = model
    pool.to_csv(tmp_path / "pool.csv", index=False)
    ids = ids_from_hashes(row_hashes(pool, ["a", "b", "city"]))
    first = pd.DataFrame({"label_id": range(1, 21), "item_id": ids[:20], "status": "labeled",
                          "label": ["up", "down"] * 10})
    first.to_csv(tmp_path / "meta.csv", index=False)
    state = tmp_path / "state.json"
    args = ["sample", "--model", model_path, "--data", str(tmp_path / "pool.csv"), "--n", "40",
            "--out", str(tmp_path / "q.csv"), "--labeled", str(tmp_path / "meta.csv"),
            "--exploration-state", str(state)]
    assert main(args) == 0
    assert "no labeled exploration picks yet" in capsys.readouterr().out
    queries = pd.read_csv(tmp_path / "q.csv")
    picks = queries[queries["strategy"] == "balanced:explore"]
    assert len(picks) == 10 and len(json.loads(state.read_text())["pending"]) == 10
    # Labeled as the model predicted: it was right where it was sure, so it explores at the floor.
    picked = ids_from_hashes(row_hashes(picks, ["a", "b", "city"]))
    pd.concat([first, pd.DataFrame({"label_id": range(21, 31), "item_id": picked, "status": "labeled",
                                    "label": picks["prediction"].tolist()})]).to_csv(tmp_path / "meta.csv",
                                                                                    index=False)
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "surprise of the last 10 labeled exploration picks: -" in out
    # 3% of 40 queries, rounded up or down at random (seeded): 1 or 2, where the schedule gave 10.
    assert ((pd.read_csv(tmp_path / "q.csv")["strategy"] == "balanced:explore").sum()) in (1, 2)
    state.write_text("{not json")
    message = failure(capsys, args)
    assert "--exploration-state" in message and "delete it to start over" in message
