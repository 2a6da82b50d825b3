"""The Query Strategy Analysis recipe run as DSS runs it, against the DSS stand-in."""

import io

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.datasets import make_classification

from active_labeling.dss.analysis_config import parse_analysis_config
from active_labeling.params import ParamError

RECIPE = "query-strategy-analysis"
OUT = {"curves": ["curves"], "summary": ["summary"], "plots": ["plots"]}
SMALL = {"batch_size": 10, "initial_labels": 10, "budget": 50, "repetitions": 2,
         "strategies": ["random", "margin", "balanced"]}


def _labeled_table():
    X, y = make_classification(n_samples=200, n_features=5, n_informative=3, n_classes=3, random_state=1)
    table = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    table["species"] = np.array(["ant", "bee", "cicada"])[y]
    return table


def test_recipe_writes_curves_summary_and_plots(dss):
    dss.create_dataset("labeled", _labeled_table())
    dss.create_folder("plots")
    run = dss.run_recipe(RECIPE, {"labeled": ["labeled"]}, OUT, dict(SMALL, target_column="species"))
    run.check()
    curves = dss.read_dataset("curves")
    assert list(curves.columns) == ["strategy", "repetition", "labels", "accuracy", "macro_f1",
                                    "balanced_accuracy", "fewest_labels_per_class", "full_data_accuracy",
                                    "full_data_macro_f1", "full_data_balanced_accuracy"]
    assert set(curves["strategy"]) == {"random", "margin", "balanced"}
    assert curves["labels"].max() == 50
    # Each repetition's full-data accuracy is written, one value per repetition.
    assert curves.groupby("repetition")["full_data_accuracy"].nunique().eq(1).all()
    summary = dss.read_dataset("summary")
    assert len(summary) == 3 and {"aulc_accuracy", "labels_to_95", "labels_to_99", "labels_to_95_macro_f1",
                                  "labels_to_5_per_class", "majority_share"} <= set(summary.columns)
    pngs = dss.folder_files("plots")
    assert sorted(pngs) == ["/learning_curves_accuracy.png", "/learning_curves_balanced_accuracy.png",
                            "/learning_curves_macro_f1.png"]
    assert Image.open(io.BytesIO(pngs["/learning_curves_accuracy.png"])).format == "PNG"
    # Progress is logged per round, with the figures; the summary comes with its reading notes.
    log = run.stderr + run.stdout
    assert "margin, repetition 2: 50 labels, accuracy" in log
    assert "full-data scores per repetition: #1 accuracy" in log


def test_recipe_on_a_folder_of_images_with_a_labels_dataset(dss):
    rng = np.random.default_rng(0)
    files, rows = {}, []
    for label, colour in (("red", (220, 30, 30)), ("blue", (30, 30, 220))):
        for i in range(20):
            pixels = np.clip(np.array(colour) + rng.normal(0, 40, (10, 10, 3)), 0, 255).astype("uint8")
            buffer = io.BytesIO()
            Image.fromarray(pixels).save(buffer, format="PNG")
            files[f"/{i}_{label}.png"] = buffer.getvalue()
            rows.append({"path": f"/{i}_{label}.png", "colour": label})
    dss.create_folder("images", files=files)
    dss.create_dataset("image_labels", pd.DataFrame(rows))
    config = dict(SMALL, target_column="colour", initial_labels=4, budget=16, batch_size=4, repetitions=1)
    dss.run_recipe(RECIPE, {"labeled": ["images"], "labels": ["image_labels"]},
                   {"curves": ["curves"], "summary": ["summary"]}, config).check()
    curves = dss.read_dataset("curves")
    assert curves.groupby("strategy")["accuracy"].last().min() > 0.9


def test_a_missing_label_column_fails_with_a_message_naming_it(dss):
    dss.create_dataset("labeled", _labeled_table())
    run = dss.run_recipe(RECIPE, {"labeled": ["labeled"]}, {"curves": ["curves"], "summary": ["summary"]},
                         dict(SMALL, target_column="label"))
    assert run.returncode != 0 and "target column 'label' is not in the data" in run.stderr


def test_a_budget_below_the_initial_labels_is_refused_by_the_settings():
    with pytest.raises(ParamError, match=r"'Label budget'.*initial labels \(50\)"):
        parse_analysis_config({"target_column": "y", "initial_labels": 50, "budget": 40})


def test_labels_spelled_like_missing_values_and_blank_integers_are_read_as_they_are(dss):
    """A class named "NA" is a class (pandas's default read would drop it); a blank int is no error."""
    table = _labeled_table()
    table["species"] = table["species"].replace({"ant": "NA", "bee": "None"})
    table["count"] = pd.array(np.where(np.arange(200) % 9 == 0, None, np.arange(200)), dtype="Int64")
    schema = [{"name": f"f{i}", "type": "double"} for i in range(5)] + [
        {"name": "species", "type": "string"}, {"name": "count", "type": "bigint"}]
    dss.create_dataset("labeled", table, schema=schema)
    dss.create_folder("plots")
    run = dss.run_recipe(RECIPE, {"labeled": ["labeled"]}, OUT, dict(SMALL, target_column="species"))
    run.check()
    # Every row has a label: none of "NA"/"None" was taken for a missing one and dropped.
    assert "on 200 rows" in run.stdout + run.stderr
