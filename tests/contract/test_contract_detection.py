"""Contract of an object detection saved model's predictor (README, "Object detection")."""

from __future__ import annotations

import json

import dataiku
import pandas as pd
import pytest
from standin_detection import FixedDetector

SEEN = {"/a.jpg": [{"bbox": [1.5, 2, 30, 40], "category": "cat", "confidence": 0.9},
                   {"bbox": [50, 60, 10, 10], "category": "dog", "confidence": 0.2}]}


@pytest.fixture
def detector(dss):
    dss.create_detection_model("od1", FixedDetector(SEEN, ["cat", "dog"]), path_column="image", threshold=0.5)
    return dataiku.Model("od1").get_predictor()


def test_prediction_is_json_text_of_boxes_with_category_and_confidence(detector):
    out = detector.predict(pd.DataFrame({"image": ["/a.jpg", "/b.jpg"]}, index=[7, 9]))
    assert out.columns.tolist() == ["prediction"] and out.index.tolist() == [7, 9]
    assert all(isinstance(cell, str) for cell in out["prediction"])
    assert json.loads(out["prediction"][7]) == [{"bbox": [1.5, 2, 30, 40], "category": "cat",
                                                 "confidence": 0.9}]
    assert json.loads(out["prediction"][9]) == []


def test_boxes_under_the_confidence_score_threshold_are_left_out(detector):
    answer = json.loads(detector.predict(pd.DataFrame({"image": ["/a.jpg"]}))["prediction"][0])
    assert [box["category"] for box in answer] == ["cat"]   # the dog box (0.2 < 0.5) is filtered


def test_the_image_column_is_the_models_input_and_a_missing_one_raises(detector):
    per_feature = detector.params.preprocessing_params["per_feature"]
    assert [c for c, spec in per_feature.items() if spec["role"] == "INPUT"] == ["image"]
    with pytest.raises(KeyError):
        detector.predict(pd.DataFrame({"path": ["/a.jpg"]}))
