"""Turn a labeled table into the numeric feature matrix a simulation trains on."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np
import pandas as pd

# Text columns with more distinct values than this are left out: one-hot columns would outnumber rows.
MAX_CATEGORIES = 50


class PreparationError(ValueError):
    """The table cannot be simulated on; the message says why and what to do."""


def prepare_table(df: pd.DataFrame, target: str,
                  features: Optional[Sequence[str]] = None) -> Tuple[np.ndarray, np.ndarray, list]:
    """Features, labels and the names of the features used, from a fully labeled table.

    Numeric columns are median-imputed and standardized; text columns with few distinct values are
    one-hot encoded; other columns are left out. Rows without a label are dropped. Statistics come
    from the whole table: the simulation knows every row anyway, and so would a real pool.

    Parameters
    ----------
    df : DataFrame
    target : str
        The label column.
    features : sequence of str, optional
        Columns to use; all but ``target`` by default.
    """
    if target not in df.columns:
        raise PreparationError(f"the target column {target!r} is not in the data (columns: "
                               f"{', '.join(map(str, df.columns[:20]))}); pick one of these")
    df = df[df[target].notna()]
    if len(df) == 0:
        raise PreparationError(f"the target column {target!r} has no value: a simulation needs labeled data")
    if df[target].nunique() < 2:
        raise PreparationError(f"the target column {target!r} has a single class: nothing to learn")
    names = [c for c in (features or df.columns) if c != target]
    parts, used = [], []
    for name in names:
        column = df[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            values = column.astype(float)
            values = values.fillna(values.median() if values.notna().any() else 0.0)
            std = values.std()
            parts.append(((values - values.mean()) / (std if std > 0 else 1.0)).to_numpy()[:, None])
            used.append(str(name))
        elif column.nunique() <= MAX_CATEGORIES:
            dummies = pd.get_dummies(column.astype(str), prefix=str(name), dtype=float)
            parts.append(dummies.to_numpy())
            used.extend(dummies.columns)
    if not parts:
        raise PreparationError("no usable feature column: a simulation needs numeric columns or text "
                               f"columns with at most {MAX_CATEGORIES} distinct values")
    labels = df[target].to_numpy()
    if labels.dtype == object:
        labels = labels.astype(str)
    return np.hstack(parts), labels, used


def media_files(paths: Sequence[str], kind: str) -> list:
    """The paths whose extension is of ``kind`` (``image`` or ``sound``); other files are left out."""
    from active_labeling.sampling.folder_rows import media_kind

    return [p for p in paths if media_kind(str(p)) == kind]


def labels_from_subfolders(paths: Sequence[str]) -> Tuple[list, list]:
    """``(paths, labels)`` for files inside class subfolders: ``/cat/1.png`` is a ``cat``.

    Files at the top of the folder have no class and are left out.
    """
    kept, labels = [], []
    for path in paths:
        parts = [p for p in str(path).split("/") if p]
        if len(parts) >= 2:
            kept.append(path)
            labels.append(parts[0])
    if len(set(labels)) < 2:
        raise PreparationError("the folder needs one subfolder per class (at least two) when no labels "
                               "table is given, e.g. /cat/1.png and /dog/2.png")
    return kept, labels


def prepare_media(paths: Sequence[str], labels: Sequence, kind: str,
                  reader=None) -> Tuple[np.ndarray, np.ndarray]:
    """Standardized features of image or sound files, with their labels.

    The features are those of the retrain worker's default pipelines (downscaled pixels and colour
    histograms; MFCC statistics), so that a simulation on a folder tells how the plugin's own
    model would learn from it.

    Parameters
    ----------
    paths : sequence of str
        File paths as ``reader`` understands them.
    labels : sequence
        One label per path.
    kind : str
        ``"image"`` or ``"sound"``.
    reader : callable, optional
        Path → binary stream or bytes (a DSS folder's ``get_download_stream``); default: open on disk.
    """
    from active_labeling.learning.media_features import PATH_COLUMN, ImageFeatures, SoundFeatures

    if kind not in ("image", "sound"):
        raise PreparationError(f"unknown kind of files {kind!r}: expected image or sound")
    extractor = ImageFeatures(reader) if kind == "image" else SoundFeatures(reader)
    features = extractor.transform(pd.DataFrame({PATH_COLUMN: list(paths)}))
    std = features.std(axis=0)
    features = (features - features.mean(axis=0)) / np.where(std > 0, std, 1.0)
    labels = np.asarray([str(v) for v in labels])
    if len(set(labels)) < 2:
        raise PreparationError("the labels hold a single class: nothing to learn")
    return features, labels
