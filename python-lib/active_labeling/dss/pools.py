"""Pools read from DSS: the rows of a dataset, or the files of a managed folder.

Costs, honestly: a tabular pool reads its whole dataset once at start and again every
``recheck_seconds`` (default 5 minutes), because the dataiku API has no cheap "row count" for
every kind of connection. A folder pool lists its folder once at start and again every
``recheck_seconds`` (default 30 s): one listing call, no file read, but seconds on a large cloud
folder. Both re-reads run in a background thread (``BackgroundRead``), so that the service goes
on recording labels meanwhile; ``refresh`` only swaps in what was read.
"""

from __future__ import annotations

import logging
import posixpath
import time
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Dict, List, Optional, Sequence

import dataiku
import pandas as pd

from active_labeling.dss.dataset_io import fresh, read_text, typed_view
from active_labeling.storage.background_read import BackgroundRead
from active_labeling.storage.table_rows import TablePool, TableRows, json_cell

EXTENSIONS = {
    "image": (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"),
    "sound": (".wav", ".flac", ".ogg", ".oga", ".mp3", ".m4a", ".aac", ".webm", ".opus"),
}


_log = logging.getLogger(__name__)
# How often (at most) ``refresh`` re-reads a dataset / lists a folder again.
TABLE_RECHECK_SECONDS = 300.0
FOLDER_RECHECK_SECONDS = 30.0


class PoolError(RuntimeError):
    """The input can't be used as a pool; the message says which setting to change."""


@dataclass
class _TableState:
    """What one read of the dataset gives."""

    schema: List[Dict[str, str]]
    columns: List[str]
    rows: TableRows


class DssTabularPool(TablePool):
    """The rows of a DSS dataset, as the text DSS stores (``dataset_io``): what the page shows and
    the labels dataset gets is exactly the input's cells.

    Parameters
    ----------
    dataset_name : str
    id_column : str, optional
        A column of unique ids; without it, ids are content hashes of all columns
        (``active_labeling.items``), as the Query Sampler computes them.
    columns : sequence of str
        Columns shown to the annotator; empty for all (but the id column).
    recheck_seconds : float, optional
        The dataset is re-read (in the background) at most this often (default
        ``TABLE_RECHECK_SECONDS``).
    """

    def __init__(self, dataset_name: str, id_column: Optional[str] = None, columns: Sequence[str] = (),
                 recheck_seconds: Optional[float] = None, clock: Callable[[], float] = time.monotonic):
        self.name = dataset_name
        self.id_column = id_column or None
        self._wanted = list(columns)
        self.recheck_seconds = TABLE_RECHECK_SECONDS if recheck_seconds is None else recheck_seconds
        self._apply(self._read())
        self._reread = BackgroundRead(self._read, self.recheck_seconds, clock, f"read {dataset_name}")

    def _read(self) -> _TableState:
        """Read the dataset into a new state; shared attributes are left alone (this may run in a thread)."""
        dataset = fresh(self.name)  # a kept handle would parse new data with its cached schema
        schema = [{"name": str(c["name"]), "type": str(c.get("type") or "string")}
                  for c in dataset.read_schema(raise_if_empty=False) or []]
        if not schema:
            raise PoolError(f"the dataset '{self.name}' (Rows to label) has no columns: build it first, "
                            "or choose another dataset.")
        names = [c["name"] for c in schema]
        frame = read_text(dataset, names)
        if self.id_column and self.id_column not in names:
            raise PoolError(f"the 'Item id column' {self.id_column!r} is not a column of '{self.name}' "
                            f"(columns: {', '.join(names)}); choose one of them or leave it empty.")
        self._check_shown(names)
        try:
            rows = TableRows(frame, self.id_column, hash_frame=typed_view(frame, schema, [self.id_column]))
        except ValueError as error:
            raise PoolError(f"the dataset '{self.name}' (Rows to label): {error}") from None
        return _TableState(schema, self._wanted or rows.item_columns, rows)

    def _check_shown(self, names: List[str]) -> None:
        """Refuse columns to show that the dataset lacks, naming the setting."""
        unknown = [c for c in self._wanted if c not in names]
        if unknown:
            raise PoolError(f"'Columns to show' names {', '.join(unknown)}, not in '{self.name}' "
                            f"(columns: {', '.join(names)}); fix the list or leave it empty for all.")

    def _apply(self, state: _TableState) -> None:
        self.schema, self.columns, self._rows = state.schema, state.columns, state.rows

    def _queries_error(self, missing: str) -> Exception:
        return PoolError(f"the queries dataset lacks the columns {missing} of "
                         f"'{self.name}': run the Query Sampler on this dataset.")

    def ids_for_rows(self, rows: pd.DataFrame) -> List[Optional[str]]:
        """Item ids of the rows of a queries table, read as text: numbers compare as numbers."""
        return super().ids_for_rows(typed_view(rows, self.schema, [self.id_column or ""]))

    def refresh(self) -> bool:
        """Swap in rows read in the background (see ``recheck_seconds``); True when their ids changed.

        Raises the background read's error (the rows stay as they were): the service logs it and
        serves as before.
        """
        state = self._reread.poll()
        if state is None:
            return False
        before = self._rows.ids
        self._apply(state)
        return self._rows.ids != before


class DssFolderPool:
    """The image or sound files of a DSS managed folder; ids are paths with a leading "/".

    Parameters
    ----------
    folder_name : str
    kind : str
        "image" or "sound": which file extensions are items.
    recheck_seconds : float, optional
        The folder is listed again (in the background) at most this often (default
        ``FOLDER_RECHECK_SECONDS``).
    """

    def __init__(self, folder_name: str, kind: str, recheck_seconds: Optional[float] = None,
                 clock: Callable[[], float] = time.monotonic):
        self.name = folder_name
        self.kind = kind
        self.columns: List[str] = []
        self.item_columns = ["path"]
        self.schema = [{"name": "path", "type": "string"}]
        self.recheck_seconds = FOLDER_RECHECK_SECONDS if recheck_seconds is None else recheck_seconds
        self.folder = dataiku.Folder(folder_name)
        # DSS gives a folder parameter the folder's id ("4OrPDSby"): messages use its name.
        self.name = display_name(self.folder, folder_name)
        self._apply(self._list())
        self._relist = BackgroundRead(self._list, self.recheck_seconds, clock, f"list {folder_name}")
        if not self._ids:
            # Not an error: files uploaded later are picked up by refresh.
            _log.warning("the folder '%s' holds no %s files (%s) yet", self.name, kind,
                         ", ".join(EXTENSIONS[kind]))

    def _list(self) -> List[str]:
        """The item files' paths, sorted; shared attributes are left alone (this may run in a thread)."""
        found = []
        for path in (str(p) for p in self.folder.list_paths_in_partition()):
            path = path if path.startswith("/") else "/" + path
            name = posixpath.basename(path)
            if name.lower().endswith(EXTENSIONS[self.kind]) and not name.startswith("."):
                found.append(path)
        return sorted(found)

    def _apply(self, ids: List[str]) -> None:
        self._ids, self._known = ids, frozenset(ids)

    def item_ids(self) -> List[str]:
        """Every file's path, sorted."""
        return self._ids

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._known

    def values(self, item_id: str) -> Dict[str, Any]:
        """``{"path": item_id}``, for the labels dataset."""
        return {"path": item_id}

    def display(self, item_id: str) -> Dict[str, Any]:
        """``{"path": item_id}``: the page shows the file itself."""
        return {"path": item_id}

    def ids_for_rows(self, rows: pd.DataFrame) -> List[Optional[str]]:
        """Item ids of the rows of a queries dataset, from its ``path`` column."""
        if "path" not in rows.columns:
            raise PoolError("the queries dataset has no 'path' column: run the Query Sampler on this folder.")
        result: List[Optional[str]] = []
        for value in rows["path"].tolist():
            path = json_cell(value)
            path = None if path is None else (path if str(path).startswith("/") else "/" + str(path))
            result.append(path if path in self._known else None)
        return result

    def refresh(self) -> bool:
        """Swap in a listing made in the background (see ``recheck_seconds``); True when files came or went.

        Raises the background listing's error (the files stay as they were).
        """
        ids = self._relist.poll()
        if ids is None:
            return False
        before = self._ids
        self._apply(ids)
        return self._ids != before

    def media_source(self) -> DssFolderMediaSource:
        """A MediaSource over this pool's files."""
        return DssFolderMediaSource(self)


def display_name(handle, given: str) -> str:
    """The name of a folder or saved model given by its id, for messages (the id when unknown)."""
    try:
        return str(handle.get_name() or given)
    except Exception:  # a name is only a nicety: never fail for it
        return given


class DssFolderMediaSource:
    """Bytes of a folder pool's files, through ``get_download_stream`` (works on any storage).

    Only paths the folder listed are opened: a path made up by a request (``..``, another
    folder) is a ``KeyError`` before anything reaches DSS.
    """

    def __init__(self, pool: DssFolderPool):
        self.pool = pool

    def __contains__(self, item_id: object) -> bool:
        return isinstance(item_id, str) and item_id in self.pool

    def open(self, item_id: str) -> BinaryIO:
        """A readable stream of the file; ``KeyError`` when the folder did not list it."""
        if not isinstance(item_id, str) or ".." in item_id.split("/") or item_id not in self.pool:
            raise KeyError(item_id)
        return self.pool.folder.get_download_stream(item_id)
