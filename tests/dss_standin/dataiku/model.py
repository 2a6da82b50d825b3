"""``dataiku.Model``: a saved model under ``<root>/projects/<KEY>/models/<id>/``.

``model.json`` holds the prediction type and the versions (``versionId``, ``active``, ``snippet``);
``versions/<versionId>/`` holds ``version.json`` (features, dropRowsWithMissing) and the pickled
fitted scikit-learn estimator or pipeline, which is given a DataFrame of the feature columns.
"""

from __future__ import annotations

import pickle
from typing import List, Optional

import numpy as np
import pandas as pd

from ._base import check_declared, read_json, split_name, standin_root


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
            chosen = [v for v in versions if v["active"]]
            if not chosen:
                raise Exception(f"Saved model {self.full_name} has no active version")
        else:
            chosen = [v for v in versions if v["versionId"] == version_id]
            if not chosen:
                raise Exception(f"Saved model {self.full_name} has no version {version_id}")
        version_dir = self._dir / "versions" / chosen[0]["versionId"]
        with open(version_dir / "estimator.pkl", "rb") as f:
            estimator = pickle.load(f)
        return Predictor(estimator, meta["predictionType"], read_json(version_dir / "version.json"))


class Predictor:
    """What ``Model.get_predictor()`` returns. No ``predict_proba``: only ``predict`` is public."""

    def __init__(self, estimator, prediction_type: str, version: dict):
        self._clf = estimator
        self.prediction_type = prediction_type
        self.features: List[str] = list(version["features"])
        self._drop_missing = bool(version.get("dropRowsWithMissing", True))
        if prediction_type == "REGRESSION":
            self.classes = None
        else:
            self.classes = [str(c) for c in estimator.classes_]

    def get_classes(self) -> Optional[List[str]]:
        return self.classes

    def get_preprocessing(self):
        return None

    def _preprocess(self, df: pd.DataFrame) -> pd.DataFrame:
        missing = [f for f in self.features if f not in df.columns]
        if missing:
            raise KeyError(f"The input dataframe lacks the feature column(s) {missing} required by the model")
        X = df[self.features]
        if self._drop_missing:
            X = X[X.notna().all(axis=1)]
        return X

    def predict(self, df: pd.DataFrame, with_input_cols: bool = False, with_prediction: bool = True,
                with_probas: bool = True, **_ignored) -> pd.DataFrame:
        X = self._preprocess(df)
        parts = []
        if with_input_cols:
            parts.append(df.loc[X.index])
        out = pd.DataFrame(index=X.index)
        if len(X) and self.classes is None:
            if with_prediction:
                out["prediction"] = np.asarray(self._clf.predict(X), dtype=float)
        elif len(X):
            probas = np.asarray(self._clf.predict_proba(X), dtype=float)
            if with_prediction:
                out["prediction"] = np.asarray(self.classes, dtype=object)[probas.argmax(axis=1)]
            if with_probas:
                for i, name in enumerate(self.classes):
                    out[f"proba_{name}"] = probas[:, i]
        else:
            columns = (["prediction"] if with_prediction else []) + (
                [f"proba_{c}" for c in self.classes] if with_probas and self.classes else [])
            out = pd.DataFrame(columns=columns, index=X.index)
        parts.append(out)
        return pd.concat(parts, axis=1) if len(parts) > 1 else out
