"""What a model receives: the one rule of every command that fits or scores a pool locally.

- A **text pool** (``serve --kind text``, ``sample --text-column``): the text column as a 1-D
  array of strings, what scikit-learn's vectorizers take (``make_pipeline(TfidfVectorizer(),
  LogisticRegression())``).
- A **tabular pool**: a DataFrame of the item columns (every column but the item id column, and
  for the retrain loop but a column named like the label column). A model fitted on a DataFrame
  that recorded its columns (``feature_names_in_``) gets those, in its order.
- A **folder** of images or sounds: a DataFrame with one ``path`` column of file paths.

Missing texts are empty strings, never NaN: in a text pool, and in a tabular pool's text
(non-numeric) columns, which is what a ``TfidfVectorizer`` inside a ``ColumnTransformer`` needs.

``sample``, the retrain loop's model (``serve --model`` or the default one) and ``simulate``'s
features follow this rule. In DSS a saved model's predictor receives the dataset's columns and
fills missing texts itself, as DSS's own scoring does. When a model fails on what it received,
:func:`failure` says what that was, and shows the shape of a pipeline that fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

TEXT, TABLE, FILES = "text", "table", "files"
# The errors a model raises on input it can't handle (anything else is not about its input).
INPUT_ERRORS = (ValueError, TypeError, IndexError, KeyError, AttributeError)


class ModelInputError(ValueError):
    """A model failed on what it received; the message says what that was and what fits."""


def texts(values: Any) -> np.ndarray:
    """``values`` as a 1-D object array of strings; a missing value (None, NaN, NA) is ``""``.

    Parameters
    ----------
    values : array-like
        One column: a Series, a list, a 1-D array (or a one-column 2-D one).
    """
    array = values.to_numpy(dtype=object) if isinstance(values, (pd.Series, pd.Index)) else (
        np.asarray(values, dtype=object))
    if array.ndim != 1:
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        else:
            raise ValueError(f"texts are one column, got an array of shape {array.shape}")
    missing = pd.isna(array)
    if missing.any():
        array = array.copy()
        array[missing] = ""
    if len(array) and pd.api.types.infer_dtype(array, skipna=False) != "string":
        array = np.array([value if isinstance(value, str) else str(value) for value in array], dtype=object)
    return array


@dataclass(frozen=True)
class ModelInput:
    """What a model of one pool receives (build it with :meth:`text`, :meth:`table`, :meth:`files`).

    Attributes
    ----------
    form : str
        ``text``, ``table`` or ``files``.
    column : str, optional
        The text column, or the files' path column.
    leave_out : tuple of str
        Table: columns of the pool that are not the item's (its id column, the label column).
    """

    form: str
    column: Optional[str] = None
    leave_out: Tuple[str, ...] = ()

    @classmethod
    def text(cls, column: str) -> ModelInput:
        """A text pool: the model receives ``column`` as a 1-D array of strings."""
        return cls(TEXT, column)

    @classmethod
    def table(cls, leave_out: Sequence[Optional[str]] = ()) -> ModelInput:
        """A tabular pool: a DataFrame of every column but those of ``leave_out`` (None ignored)."""
        return cls(TABLE, None, tuple(c for c in leave_out if c))

    @classmethod
    def files(cls, column: str = "path") -> ModelInput:
        """A folder: a DataFrame with the one ``column`` of file paths."""
        return cls(FILES, column)

    @classmethod
    def of_pool(cls, form: str, text_column: Optional[str] = None,
                leave_out: Sequence[Optional[str]] = (), path_column: str = "path") -> ModelInput:
        """The rule of a pool whose models receive ``form`` (a kind's ``model_input``)."""
        if form == TEXT:
            return cls.text(str(text_column))
        return cls.files(path_column) if form == FILES else cls.table(leave_out)

    def columns(self, available: Sequence[str], features: Optional[Sequence[str]] = None) -> List[str]:
        """The pool columns the model receives, out of ``available`` (a model's own ``features`` first)."""
        if self.form != TABLE:
            return [str(self.column)]
        if features is not None:
            return list(features)
        return [c for c in available if c not in self.leave_out]

    def of(self, frame: pd.DataFrame, features: Optional[Sequence[str]] = None) -> Any:
        """What the model receives for the rows of ``frame`` (the pool's columns).

        Parameters
        ----------
        frame : DataFrame
        features : sequence of str, optional
            Table: the columns the model recorded at fit time, to give it those in its order.

        Raises
        ------
        ModelInputError
            The pool lacks a column the model needs (named, with the pool's columns).
        """
        wanted = self.columns(list(frame.columns), features)
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise ModelInputError(
                f"the data lacks {len(missing)} of the model's features: {', '.join(missing[:10])}"
                f"{'...' if len(missing) > 10 else ''} (its columns: {_listed(frame.columns)}). Use data "
                "with the columns the model was trained on")
        if self.form == TEXT:
            return texts(frame[self.column])
        if list(frame.columns) != wanted:  # selecting copies the chunk: only when needed
            frame = frame[wanted]
        if self.form == TABLE:
            frame = _empty_texts(frame)
        return frame

    def describe(self) -> str:
        """What the model receives, in a sentence's words."""
        if self.form == TEXT:
            return f"the texts of column '{self.column}' as a 1-D array of strings (a missing text is '')"
        if self.form == FILES:
            return f"a DataFrame with one '{self.column}' column of file paths"
        left = f" but {', '.join(self.leave_out)}" if self.leave_out else ""
        return (f"a DataFrame of the item columns (every column{left}; a missing text is '', "
                "a model fitted on a DataFrame gets the columns it was fitted on)")

    def take(self, inputs: Any, rows: Sequence[int]) -> Any:
        """The ``rows`` (positions) of what :meth:`of` returned."""
        if isinstance(inputs, pd.DataFrame):
            return inputs.iloc[list(rows)].reset_index(drop=True)
        return inputs[np.asarray(rows, dtype=np.int64)]


def _empty_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing cells of text (non-numeric) columns as ``""``; a copy only when there are some."""
    filled = None
    for column in frame.columns:
        values = frame[column]
        if values.dtype != object or not values.isna().any():
            continue
        if filled is None:
            filled = frame.copy()
        filled[column] = values.where(values.notna(), "")
    return frame if filled is None else filled


def received(inputs: Any) -> str:
    """What a model was given, for a message: type, shape, columns."""
    if isinstance(inputs, pd.DataFrame):
        rows, columns = inputs.shape
        return (f"a pandas DataFrame of {rows} row{'s' * (rows != 1)} × {columns} "
                f"column{'s' * (columns != 1)} ({_listed(inputs.columns)})")
    if isinstance(inputs, np.ndarray):
        what = "strings" if inputs.dtype == object else f"{inputs.dtype} values"
        return f"a {inputs.ndim}-D numpy array of {what}, shape {inputs.shape}"
    return f"a {type(inputs).__name__} of length {len(inputs)}" if hasattr(inputs, "__len__") else (
        f"a {type(inputs).__name__}")


def fitting_pipeline(rule: ModelInput, inputs: Any = None) -> str:
    """The code of a pipeline that takes what ``rule`` gives (with the columns of ``inputs``)."""
    if rule.form == TEXT:
        return "make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))"
    if rule.form == FILES:
        return (f"make_pipeline(FunctionTransformer(features_of_files), LogisticRegression(max_iter=1000)), "
                f"where features_of_files opens each path of the '{rule.column}' column")
    parts = []
    if isinstance(inputs, pd.DataFrame) and len(inputs.columns):
        from active_labeling.learning.tabular import CATEGORY, NUMERIC, column_kinds
        from active_labeling.learning.tabular import TEXT as TEXT_COLUMN

        kinds = column_kinds(inputs, list(inputs.columns))
        for column in (c for c in inputs.columns if kinds[c] == TEXT_COLUMN):
            # A single name (not a list) hands the vectorizer a 1-D column of strings.
            parts.append(f'("{column}", TfidfVectorizer(), "{column}")')
        numeric = [c for c in inputs.columns if kinds[c] == NUMERIC]
        if numeric:
            parts.append(f'("numbers", make_pipeline(SimpleImputer(), StandardScaler()), {_names(numeric)})')
        categories = [c for c in inputs.columns if kinds[c] == CATEGORY]
        if categories:
            parts.append(f'("categories", OneHotEncoder(handle_unknown="ignore"), {_names(categories)})')
    else:
        parts.append('("text", TfidfVectorizer(), "<text column>")')
    return f"make_pipeline(ColumnTransformer([{', '.join(parts)}]), LogisticRegression(max_iter=1000))"


def failure(rule: ModelInput, inputs: Any, error: BaseException, model: Any = None,
            action: str = "predict_proba") -> ModelInputError:
    """The error to raise when ``model`` failed on ``inputs`` (what ``rule`` gave it).

    The message says what the model received (type, shape, columns), the model's own error, what
    a model of this pool receives and a pipeline that fits; when the model visibly expects the
    other form (a text vectorizer given a table, a column selector given texts), how to switch.
    """
    message = (f"the model{_model_name(model)} failed in {action} on what it received: {received(inputs)}. "
               f"{type(error).__name__}: {error}. For this pool a model receives {rule.describe()}: a "
               f"pipeline that fits is {fitting_pipeline(rule, inputs)}.")
    hint = _switch_hint(rule, model)
    return ModelInputError(f"{message} {hint}" if hint else message)


def check_proba(rule: ModelInput, inputs: Any, proba: Any, model: Any = None) -> np.ndarray:
    """``proba`` as a float array with one row per input row, else the error of :func:`failure`."""
    values = np.asarray(proba, dtype=np.float64)
    rows = len(inputs)
    if values.ndim != 2 or values.shape[0] != rows:
        shape = " × ".join(str(n) for n in values.shape)
        error = ValueError(f"it returned probabilities of shape ({shape}) for {rows} rows")
        raise failure(rule, inputs, error, model)
    return values


def _first_step(model: Any) -> Any:
    steps = getattr(model, "steps", None)
    return steps[0][1] if steps else model


def _switch_hint(rule: ModelInput, model: Any) -> str:
    if model is None:
        return ""
    first = _first_step(model)
    name = type(first).__name__
    takes_texts = name in ("TfidfVectorizer", "CountVectorizer", "HashingVectorizer")
    if rule.form == TABLE and takes_texts:
        return (f"This model starts with a {name}, which takes texts: to give it one column's texts, "
                "make it a text pool (serve --kind text --text-column COLUMN; sample --text-column COLUMN), "
                "or put the vectorizer in a ColumnTransformer on the text column as above.")
    if rule.form == TEXT and (name == "ColumnTransformer" or hasattr(model, "feature_names_in_")):
        return ("This model selects columns of a DataFrame: to give it the table, make it a tabular "
                "pool (serve --kind tabular; sample without --text-column), or fit it on the texts alone "
                "as above.")
    return ""


def _model_name(model: Any) -> str:
    if model is None:
        return ""
    steps = getattr(model, "steps", None)
    if steps:
        return f" ({type(model).__name__}: {' → '.join(type(step).__name__ for _, step in steps)})"
    return f" ({type(model).__name__})"


def _names(columns: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{c}"' for c in columns) + "]"


def _listed(columns: Sequence[Any], limit: int = 8) -> str:
    names = [str(c) for c in columns]
    return ", ".join(names[:limit]) + (f", ... ({len(names)} in all)" if len(names) > limit else "")
