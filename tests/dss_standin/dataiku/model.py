"""``dataiku.Model``: a saved model under ``<root>/projects/<KEY>/models/<id>/``.

``model.json`` holds the prediction type and the versions (``versionId``, ``active``, ``snippet``);
``versions/<versionId>/`` holds ``version.json`` and the pickled fitted scikit-learn estimator or
pipeline (``estimator.pkl``), which is given a DataFrame of the model's input columns.

``version.json`` carries what DSS's ``ModelParams`` carry (``core/saved_model.py``): the
preprocessing's ``per_feature`` (role ``INPUT``/``REJECT``/``TARGET``, type ``NUMERIC``/``CATEGORY``/
``TEXT``, ``missing_handling``), the training data's ``schema``, the ``activeClassifierThreshold``
of a binary model, and the feature names the preprocessing generates (``get_features()``):
``dummy:<column>:<value>`` and ``dummy:<column>:N/A`` for a dummified category, ``tfidfvec:<column>:
<idf>:<word>`` for a TF-IDF text, the column's own name only for a plain number.
"""

from __future__ import annotations

import json
import pickle
from types import SimpleNamespace
from typing import List, Optional

import numpy as np
import pandas as pd

from ._base import check_declared, read_json, split_name, standin_root

# What DSS's predict() casts each schema type to before preprocessing (core/saved_model.py).
OBJECT_DETECTION = "DEEP_HUB_IMAGE_OBJECT_DETECTION"
_CAST = {"tinyint": np.float64, "smallint": np.float64, "int": np.float64, "bigint": np.float64,
         "float": np.float64, "double": np.float64, "boolean": object, "string": object}


def find_model(project_key: str, lookup: str) -> str:
    base = standin_root() / "projects" / project_key / "models"
    if (base / lookup / "model.json").exists():
        return lookup
    for conf in sorted(base.glob("*/model.json")):
        if read_json(conf, {}).get("name") == lookup:
            return conf.parent.name
    raise Exception(f"Saved model {lookup} does not exist in project {project_key}")


class Model:
    def __init__(self, lookup: str, project_key: Optional[str] = None, ignore_flow: bool = False):
        self.project_key, short = split_name(lookup, project_key)
        self.model_id = find_model(self.project_key, short)
        self.full_name = f"{self.project_key}.{self.model_id}"
        check_declared("Saved model", self.full_name, ignore_flow)
        self._dir = standin_root() / "projects" / self.project_key / "models" / self.model_id

    def _meta(self) -> dict:
        return read_json(self._dir / "model.json")

    def get_id(self) -> str:
        return self.model_id

    def get_name(self) -> str:
        return self._meta().get("name", self.model_id)

    def get_type(self) -> str:
        return "PREDICTION"

    def list_versions(self) -> List[dict]:
        return [{"versionId": v["versionId"], "active": v["active"], "snippet": dict(v["snippet"])}
                for v in self._meta()["versions"]]

    def get_predictor(self, version_id: Optional[str] = None) -> Predictor:
        meta = self._meta()
        versions = meta["versions"]
        if version_id is None:
            # DSS: [x for x in self.list_versions() if x["active"]][0] (an IndexError without one)
            version_id = [v for v in versions if v["active"]][0]["versionId"]
        chosen = [v for v in versions if v["versionId"] == version_id]
        if not chosen:
            raise Exception(f"Saved model {self.full_name} has no version {version_id}")
        version_dir = self._dir / "versions" / chosen[0]["versionId"]
        with open(version_dir / "estimator.pkl", "rb") as f:
            estimator = pickle.load(f)
        if meta["predictionType"] == OBJECT_DETECTION:
            return DetectionPredictor(estimator, read_json(version_dir / "version.json"))
        return Predictor(estimator, meta["predictionType"], read_json(version_dir / "version.json"))


class Predictor:
    """What ``Model.get_predictor()`` returns. No ``predict_proba``: only ``predict`` is public."""

    def __init__(self, estimator, prediction_type: str, version: dict):
        self._clf = estimator
        self.prediction_type = prediction_type
        self._version = version
        self.features: List[str] = list(version["generated_features"])
        per_feature = version["per_feature"]
        self.params = SimpleNamespace(
            preprocessing_params={"per_feature": per_feature},
            core_params={"prediction_type": prediction_type},
            user_meta={"activeClassifierThreshold": version.get("threshold", 0.5)},
            schema={"columns": version["schema"]}, model_type="PREDICTION")
        self._inputs = [c for c, spec in per_feature.items() if spec["role"] == "INPUT"]
        if prediction_type == "REGRESSION":
            self.classes = None
        else:
            self.classes = [str(c) for c in estimator.classes_]
            self.params.target_map = dict(enumerate(self.classes))

    def get_classes(self) -> Optional[List[str]]:
        return self.classes

    def get_features(self) -> List[str]:
        """The names the preprocessing generates, not the input columns (DSS's ``_generate_features``)."""
        return self.features

    def get_preprocessing(self):
        return None

    def _prepare(self, df: pd.DataFrame) -> pd.DataFrame:
        """DSS's casts (numbers to float64, strings and categories to objects), then its preprocessing."""
        per_feature = self.params.preprocessing_params["per_feature"]
        casts = {}
        for column in self.params.schema["columns"]:
            name = column["name"]
            if name in df.columns:
                cast = _CAST.get(column["type"], object)
                casts[name] = object if per_feature.get(name, {}).get("type") == "CATEGORY" else cast
        X = df.astype(casts)  # a text that is not a number raises, as in DSS
        for name in self._inputs:
            if name not in X.columns:
                raise KeyError(name)  # what DSS's preprocessing raises for a column it can't find
        X = X[self._inputs]
        drop = [c for c in self._inputs if per_feature[c].get("missing_handling") == "DROP_ROW"]
        if drop:
            X = X[X[drop].notna().all(axis=1)]
        return X

    def predict(self, df: pd.DataFrame, with_input_cols: bool = False, with_prediction: bool = True,
                with_probas: bool = True, **_ignored) -> pd.DataFrame:
        X = self._prepare(df)
        if not len(X):
            # DSS: "all empty scoring data", a prediction column of missing values on every row
            pred = pd.DataFrame(columns=["prediction"], index=df.index)
        elif self.classes is None:
            pred = pd.DataFrame({"prediction": np.asarray(self._clf.predict(X), dtype=float)}, index=X.index)
        else:
            probas = np.asarray(self._clf.predict_proba(X), dtype=float)
            if self.prediction_type == "BINARY_CLASSIFICATION":
                threshold = self.params.user_meta.get("activeClassifierThreshold", 0.5)
                chosen = (probas[:, 1] > threshold).astype(int)
            else:
                chosen = probas.argmax(axis=1)
            pred = pd.DataFrame({"prediction": np.asarray(self.classes, dtype=object)[chosen]}, index=X.index)
            if with_probas:
                for i, name in enumerate(self.classes):
                    pred[f"proba_{name}"] = probas[:, i]
        if not with_prediction:
            pred = pred.drop(columns=["prediction"])
        return pd.concat([df, pred], axis=1) if with_input_cols else pred


class DetectionPredictor:
    """An object detection model's predictor (README, "Object detection"): ``predict`` answers a
    ``prediction`` column of JSON text, the boxes found on each row's image, those under the
    model's confidence score threshold left out."""

    def __init__(self, detector, version: dict):
        self._detector = detector
        self.prediction_type = OBJECT_DETECTION
        self.classes = list(version.get("categories") or [])
        per_feature = version["per_feature"]
        self.params = SimpleNamespace(
            preprocessing_params={"per_feature": per_feature},
            core_params={"prediction_type": OBJECT_DETECTION},
            user_meta={"confidenceScoreThreshold": version.get("threshold", 0.5)},
            schema={"columns": version["schema"]}, model_type="PREDICTION")
        self._input = next(c for c, spec in per_feature.items() if spec["role"] == "INPUT")
        self._threshold = float(version.get("threshold", 0.5))

    def get_classes(self) -> List[str]:
        return self.classes

    def get_features(self) -> List[str]:
        return []

    def predict(self, df: pd.DataFrame, with_input_cols: bool = False, with_prediction: bool = True,
                with_probas: bool = True, **_ignored) -> pd.DataFrame:
        if self._input not in df.columns:
            raise KeyError(self._input)
        cells = []
        for path in df[self._input].tolist():
            boxes = [box for box in self._detector.detect(path)
                     if box.get("confidence", 1.0) >= self._threshold]
            cells.append(json.dumps(boxes))
        pred = pd.DataFrame({"prediction": cells}, index=df.index)
        if not with_prediction:
            pred = pred.drop(columns=["prediction"])
        return pd.concat([df, pred], axis=1) if with_input_cols else pred
