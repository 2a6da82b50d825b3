"""The text labeling webapp's pool in DSS: a dataset's rows, one column of which is the text.

A text item is a row like any tabular one (same item ids, same labels dataset, the same Query
Sampler queries); the text column is shown large and the chosen context columns small.
"""

from __future__ import annotations

from typing import List, Optional, Sequence

from active_labeling.dss.pools import DssTabularPool, PoolError


class DssTextPool(DssTabularPool):
    """The rows of a DSS dataset, shown as their ``text_column`` with ``context`` columns.

    Parameters
    ----------
    dataset_name : str
    text_column : str
        The column holding the texts.
    id_column : str, optional
        See :class:`~active_labeling.dss.pools.DssTabularPool`.
    context : sequence of str
        Columns shown small next to the text (none by default).
    **options
        ``recheck_seconds``, ``clock``: as for a tabular pool.
    """

    def __init__(self, dataset_name: str, text_column: str, id_column: Optional[str] = None,
                 context: Sequence[str] = (), **options):
        self.text_column = text_column
        self.context = [c for c in context if c != text_column]
        super().__init__(dataset_name, id_column, [text_column, *self.context], **options)

    def _check_shown(self, names: List[str]) -> None:
        listed = ", ".join(names)
        if self.text_column not in names:
            raise PoolError(f"the 'Text column' {self.text_column!r} is not a column of '{self.name}' "
                            f"(columns: {listed}); choose the column that holds the texts.")
        unknown = [c for c in self.context if c not in names]
        if unknown:
            raise PoolError(f"'Context columns' names {', '.join(unknown)}, not in '{self.name}' "
                            f"(columns: {listed}); fix the list or leave it empty.")
