"""`serve --retrain-every` refuses option mixes it can't honour, before serving anything."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from active_labeling.cli import main


@pytest.fixture
def pool(tmp_path):
    path = tmp_path / "pool.csv"
    pd.DataFrame({"x": [1, 2, 3]}).to_csv(path, index=False)
    return path


def serve(tmp_path, pool, *extra):
    return main(["serve", "--data", str(pool), "--categories", "a,b", "--workspace", str(tmp_path / "ws"),
                 "--port", "0", *extra])


@pytest.mark.parametrize("extra, message", [
    (["--model", "m.pkl"], "give --retrain-every"),
    (["--retrain-every", "0"], "--retrain-every should be 1 or more"),
    (["--retrain-every", "5", "--queries", "q.csv"], "drop --queries"),
    (["--retrain-every", "5", "--multi-label"], "single-label"),
    (["--retrain-every", "5", "--model", "missing.pkl"], "--model missing.pkl"),
])
def test_refused_mixes(tmp_path, pool, capsys, extra, message):
    assert serve(tmp_path, pool, *extra) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()  # nothing was created


def test_a_model_that_is_not_a_classifier_is_refused(tmp_path, pool, capsys):
    model = tmp_path / "model.pkl"
    model.write_bytes(pickle.dumps({"not": "a model"}))
    assert serve(tmp_path, pool, "--retrain-every", "5", "--model", str(model)) == 2
    assert "not a scikit-learn classifier" in capsys.readouterr().err
