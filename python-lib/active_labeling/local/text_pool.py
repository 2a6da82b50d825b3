"""Text pools read from a CSV or Parquet file: ``serve --kind text --text-column COL``.

A text item is a row like any tabular one (same item ids, same export, the same queries of
``active-labeling sample``); the text column is shown large and ``--columns`` small, as context.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence, Union

from active_labeling.local.tabular import PoolError, TabularFilePool
from active_labeling.storage.table_rows import TableRows
from active_labeling.table_files import CsvFormat


class TextFilePool(TabularFilePool):
    """The rows of a CSV or Parquet file, shown as their text column with context columns.

    Parameters
    ----------
    path : str or Path
    text_column : str, optional
        The column holding the texts; by default the file's only column (besides the id column).
    id_column : str, optional
        A column of unique ids; default: content hashes of the rows.
    context : sequence of str
        Columns shown small next to the text (none by default).
    cache_dir, csv
        As for :class:`~active_labeling.local.tabular.TabularFilePool`.
    """

    def __init__(self, path: Union[str, Path], text_column: Optional[str] = None,
                 id_column: Optional[str] = None, context: Sequence[str] = (),
                 cache_dir: Optional[Union[str, Path]] = None, csv: Optional[CsvFormat] = None):
        self.text_column = text_column or None
        self.context = [c for c in context if c != text_column]
        super().__init__(path, id_column, None, cache_dir=cache_dir, csv=csv)

    def _shown(self, rows: TableRows) -> List[str]:
        listed = ", ".join(rows.columns)
        if self.text_column is None:
            if len(rows.item_columns) != 1:
                raise PoolError(f"--kind text: give --text-column, the column of {self.path} that holds "
                                f"the texts (its columns: {listed})")
            self.text_column = rows.item_columns[0]
        if self.text_column not in rows.columns:
            raise PoolError(f"--text-column {self.text_column}: not a column of {self.path} (its columns: "
                            f"{listed}); give the column that holds the texts")
        if self.text_column == self.id_column:
            raise PoolError(f"--text-column and --id-column are both {self.text_column!r}: the texts are "
                            "what is labeled, the id only names each row; give two different columns")
        unknown = [c for c in self.context if c not in rows.columns]
        if unknown:
            raise PoolError(f"--columns {', '.join(unknown)}: not in {self.path} (its columns: {listed}); "
                            "with --kind text, --columns are shown next to the text as its context")
        return [self.text_column, *self.context]
