"""What a DSS administrator (or the UI) would do, for tests: create datasets, folders, saved models,
users, and look at what plugin code wrote. Used in-process through the ``dss`` fixture."""

from __future__ import annotations

import json
import pickle
import secrets
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import dataiku
import pandas as pd
from dataiku._base import read_json, write_json
from dataiku.auth import SESSION_COOKIE, SESSION_HEADER
from standin_training import describe_version, train

PREDICTION_TYPES = ("BINARY_CLASSIFICATION", "MULTICLASS", "REGRESSION", "DEEP_HUB_IMAGE_OBJECT_DETECTION")


class StandInAdmin:
    """Set-up and inspection of one stand-in root (``self.root``) for project ``self.project_key``."""

    def __init__(self, root: Path, project_key: str = "PROJ"):
        self.root = Path(root)
        self.project_key = project_key
        self._project_dir.mkdir(parents=True, exist_ok=True)

    @property
    def _project_dir(self) -> Path:
        return self.root / "projects" / self.project_key

    # -- datasets --------------------------------------------------------------------------
    def create_dataset(self, name: str, df: Optional[pd.DataFrame] = None,
                       schema: Optional[List[dict]] = None) -> str:
        """Create a dataset (empty schema unless ``schema`` or ``df`` gives one); returns its full name."""
        ds_dir = self._project_dir / "datasets" / name
        if ds_dir.exists():
            raise ValueError(f"Dataset {name} already exists")
        write_json(ds_dir / "schema.json", {"columns": []})
        ds = self.dataset(name)
        if schema is not None:
            ds.write_schema(schema)
        if df is not None:
            ds.write_dataframe(df, infer_schema=schema is None)
        return ds.full_name

    def dataset(self, name: str) -> dataiku.Dataset:
        return dataiku.Dataset(name, project_key=self.project_key, ignore_flow=True)

    def read_dataset(self, name: str, columns: Optional[List[str]] = None,
                     infer_with_pandas: bool = False) -> pd.DataFrame:
        """The dataset's rows, typed by its schema by default (an int column with blanks then raises)."""
        return self.dataset(name).get_dataframe(columns=columns, infer_with_pandas=infer_with_pandas)

    def dataset_schema(self, name: str) -> List[dict]:
        return self.dataset(name).read_schema(raise_if_empty=False)

    def dataset_data_files(self, name: str) -> List[Path]:
        """One file per write session kept: an append adds one, an overwrite leaves exactly one."""
        return self.dataset(name)._data_files()

    def dataset_write_sessions(self, name: str) -> Dict[str, int]:
        """How many write sessions were committed on the dataset: ``{"APPEND": n, "OVERWRITE": m}``."""
        path = self._project_dir / "datasets" / name / "sessions.log"
        modes = path.read_text(encoding="utf-8").split() if path.exists() else []
        return {mode: modes.count(mode) for mode in ("APPEND", "OVERWRITE")}

    def dataset_exists(self, name: str) -> bool:
        return (self._project_dir / "datasets" / name / "schema.json").exists()

    # -- managed folders -------------------------------------------------------------------
    def create_folder(self, folder_id: str, files: Optional[Dict[str, bytes]] = None, local: bool = False,
                      name: Optional[str] = None) -> str:
        """Create a managed folder; ``local=True`` makes ``get_path()`` work (filesystem connection)."""
        base = self._project_dir / "folders" / folder_id
        write_json(base / "folder.json", {"id": folder_id, "name": name or folder_id, "local": bool(local)})
        (base / "files").mkdir(parents=True, exist_ok=True)
        folder = dataiku.Folder(folder_id, project_key=self.project_key, ignore_flow=True)
        for path, data in (files or {}).items():
            folder.upload_data(path, data)
        return folder_id

    def folder_files(self, folder_id: str) -> Dict[str, bytes]:
        """``{"/path": content}`` of every file in the folder."""
        base = self._project_dir / "folders" / folder_id / "files"
        files = sorted(p for p in base.rglob("*") if p.is_file())
        return {"/" + p.relative_to(base).as_posix(): p.read_bytes() for p in files}

    # -- saved models ----------------------------------------------------------------------
    def create_saved_model(self, model_id: str, estimator, features, prediction_type: str = "MULTICLASS",
                           version_id: str = "v1", metrics: Optional[dict] = None,
                           drop_rows_with_missing: bool = True, name: Optional[str] = None,
                           threshold: float = 0.5) -> str:
        """A saved model whose first (active) version is the fitted ``estimator``.

        ``features`` are its input columns (a list of numbers, or a dict of column -> ``NUMERIC``,
        ``CATEGORY`` or ``TEXT``); the estimator is given a DataFrame of them.
        """
        self._new_model(model_id, prediction_type, name)
        self.add_model_version(model_id, estimator, features, version_id=version_id, metrics=metrics,
                               drop_rows_with_missing=drop_rows_with_missing, threshold=threshold)
        return model_id

    def create_detection_model(self, model_id: str, detector, path_column: str = "path",
                               threshold: float = 0.5, version_id: str = "v1",
                               name: Optional[str] = None) -> str:
        """An object detection saved model whose version "sees" what ``detector`` holds.

        ``detector`` is a :class:`standin_detection.FixedDetector`; its predictor takes a DataFrame
        with the image path column ``path_column`` and answers a ``prediction`` column of boxes
        with a confidence of at least ``threshold`` (the model's confidence score threshold).
        """
        self._new_model(model_id, "DEEP_HUB_IMAGE_OBJECT_DETECTION", name)
        description = {"per_feature": {path_column: {"role": "INPUT", "type": "IMAGE"}},
                       "schema": [{"name": path_column, "type": "string"}], "generated_features": [],
                       "threshold": threshold, "categories": list(detector.categories)}
        return self.add_model_version(model_id, detector, version_id=version_id, description=description)

    def _new_model(self, model_id: str, prediction_type: str, name: Optional[str]) -> None:
        if prediction_type not in PREDICTION_TYPES:
            raise ValueError(f"prediction_type must be one of {PREDICTION_TYPES}")
        meta = {"id": model_id, "name": name or model_id, "predictionType": prediction_type, "versions": []}
        write_json(self._model_dir(model_id) / "model.json", meta)

    def add_model_version(self, model_id: str, estimator, features=None, version_id: Optional[str] = None,
                          active: bool = True, metrics: Optional[dict] = None,
                          drop_rows_with_missing: bool = True, threshold: float = 0.5,
                          description: Optional[dict] = None) -> str:
        """Add a version (active by default, which deactivates the others); returns its id."""
        meta = read_json(self._model_dir(model_id) / "model.json")
        versions = meta["versions"]
        if description is None:
            if features is None:
                last = read_json(self._model_dir(model_id) / "versions" / versions[-1]["versionId"]
                                 / "version.json")
                features = {c: s["type"] for c, s in last["per_feature"].items() if s["role"] == "INPUT"}
            description = describe_version(features, drop_rows_with_missing=drop_rows_with_missing,
                                           threshold=threshold)
        version_id = version_id or f"v{len(versions) + 1}"
        version_dir = self._model_dir(model_id) / "versions" / version_id
        version_dir.mkdir(parents=True)
        with open(version_dir / "estimator.pkl", "wb") as f:
            pickle.dump(estimator, f)
        write_json(version_dir / "version.json", description)
        now = int(time.time() * 1000)
        if active:
            for v in versions:
                v["active"] = False
        versions.append({"versionId": version_id, "active": bool(active),
                         "snippet": {"trainDate": now, "trainInfo": {"state": "DONE", "startTime": now,
                                                                     "endTime": now}, **(metrics or {})}})
        write_json(self._model_dir(model_id) / "model.json", meta)
        return version_id

    def train_saved_model(self, model_id: str, dataset: str, target: str, features: Dict[str, str],
                          prediction_type: Optional[str] = None) -> str:
        """Train a new active version on ``dataset``, as a scenario's "Train" step does (visual ML).

        The model is created at its first training; ``prediction_type`` defaults to binary or
        multiclass from the target's classes. Returns the version id.
        """
        ds = self.dataset(dataset)
        schema = ds.read_schema()
        names = [c["name"] for c in schema]
        frame = pd.concat(ds.iter_dataframes_forced_types(names, {n: object for n in names}, False,
                                                         keep_default_na=False, na_values=[""]))
        estimator, description = train(frame, target, features, schema)
        if not (self._model_dir(model_id) / "model.json").exists():
            kind = "BINARY_CLASSIFICATION" if len(estimator.classes_) == 2 else "MULTICLASS"
            self._new_model(model_id, prediction_type or kind, None)
        return self.add_model_version(model_id, estimator, description=description)

    def _model_dir(self, model_id: str) -> Path:
        return self._project_dir / "models" / model_id

    # -- project variables -----------------------------------------------------------------
    def get_variables(self) -> dict:
        return dataiku.Project(self.project_key).get_variables()

    def set_variables(self, variables: dict) -> None:
        dataiku.Project(self.project_key).set_variables(variables)

    # -- users -----------------------------------------------------------------------------
    def add_user(self, login: str, groups: Iterable[str] = ()) -> None:
        users = read_json(self.root / "users.json", {})
        users[login] = {"groups": list(groups), "token": secrets.token_hex(16)}
        write_json(self.root / "users.json", users)

    def auth_headers(self, login: str) -> Dict[str, str]:
        """Headers that authenticate ``login`` (a session token): pass them to the test client."""
        return {SESSION_HEADER: self._token(login)}

    def auth_cookie(self, login: str) -> Dict[str, str]:
        """The same session as a cookie ``{"name", "value"}``, for a real browser."""
        return {"name": SESSION_COOKIE, "value": self._token(login)}

    def _token(self, login: str) -> str:
        users = read_json(self.root / "users.json", {})
        if login not in users:
            raise ValueError(f"Unknown user {login}: call add_user first")
        return users[login]["token"]

    # -- triggers --------------------------------------------------------------------------
    def trigger_fires(self) -> List[dict]:
        """Every ``Trigger.fire`` so far: ``{"trigger", "state", "params", "run", "time"}``."""
        path = self.root / "trigger_fires.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
