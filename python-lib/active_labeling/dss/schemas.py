"""The columns of the metadata and labels datasets, and the check that refuses any other schema.

Pure (no ``dataiku``): the DSS decision store applies these to datasets it opened.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

METADATA_COLUMNS = [
    {"name": "item_id", "type": "string"},
    {"name": "annotator", "type": "string"},
    {"name": "date", "type": "string"},  # ISO 8601 UTC with milliseconds: exact and sortable as text
    {"name": "status", "type": "string"},
    {"name": "label", "type": "string"},
    {"name": "comment", "type": "string"},
    {"name": "session", "type": "string"},
    {"name": "label_id", "type": "bigint"},
    # The model's suggestion shown with the item (the task's label text; blank: none), and whether
    # the label agreed with it ("true", "false"; blank for a skip or without a suggestion). Text,
    # not boolean: blanks are common and a typed read of a boolean column with blanks fails.
    {"name": "suggestion", "type": "string"},
    {"name": "agreed", "type": "string"},
]
# What metadata datasets made before suggestions hold: still written to, without them.
METADATA_COLUMNS_BEFORE_SUGGESTIONS = METADATA_COLUMNS[:-2]
LABELS_EXTRA = ("annotator", "date", "label_id")
# The item's final label and its status (agreed, majority, reviewed, pending: active_labeling.teams)
# as of the row's write; the row of an item with the highest label id has its current final label.
FINAL_EXTRA = ("final_label", "final_status")
CLASH_PREFIX = "labeling_"


class SchemaMismatch(RuntimeError):
    """A dataset already has columns that are not the ones this webapp writes; it is left untouched."""


def extra_names(item_names: Sequence[str], label_column: str) -> Dict[str, str]:
    """Names of the ``annotator``, ``date`` and ``label_id`` columns of the labels dataset.

    Items often have a column called ``date``: then the labeling's own column is called
    ``labeling_date`` instead (likewise for the other two), so any input can be labeled.
    """
    taken = set(item_names) | {label_column}
    names = {}
    for base in LABELS_EXTRA + FINAL_EXTRA:
        name = base
        while name in taken:
            name = CLASH_PREFIX + name
        names[base] = name
        taken.add(name)
    return names


def labels_columns(item_columns: Sequence[Dict[str, Any]], label_column: str,
                   finals: bool = True) -> List[Dict[str, str]]:
    """The labels dataset's schema: the item's columns, the label, then who, when and which label id.

    Parameters
    ----------
    item_columns : sequence of {"name", "type"}
        The input dataset's schema (tabular) or ``[{"name": "path", "type": "string"}]`` (folders).
    label_column : str
        Name of the label column.

    Raises
    ------
    SchemaMismatch
        When an item column has the label column's name.
    """
    names = [str(column["name"]) for column in item_columns]
    if label_column in names:
        raise SchemaMismatch(
            f"the items already have a column named {label_column!r}; set 'Label column' to another "
            "name in the webapp's settings.")
    extra = extra_names(names, label_column)
    return ([{"name": str(c["name"]), "type": str(c.get("type") or "string")} for c in item_columns]
            + [{"name": label_column, "type": "string"}, {"name": extra["annotator"], "type": "string"},
               {"name": extra["date"], "type": "string"}, {"name": extra["label_id"], "type": "bigint"}]
            + ([{"name": extra["final_label"], "type": "string"},
                {"name": extra["final_status"], "type": "string"}] if finals else []))


def labels_columns_for(found: Optional[Sequence[Dict[str, Any]]], item_columns: Sequence[Dict[str, Any]],
                       label_column: str) -> List[Dict[str, str]]:
    """The labels columns to write to a dataset whose schema is ``found``.

    A labels dataset made before final labels existed keeps its schema (its files can't gain a
    column safely) and gets rows without them; any other gets the current columns, which
    :func:`check_schema` then checks.
    """
    names = [str(column.get("name")) for column in found or []]
    before = labels_columns(item_columns, label_column, finals=False)
    if names and names == [c["name"] for c in before]:
        return before
    return labels_columns(item_columns, label_column)


def metadata_columns(found: Optional[Sequence[Dict[str, Any]]]) -> List[Dict[str, str]]:
    """The metadata columns to write to a dataset whose schema is ``found``.

    A dataset made before suggestions existed keeps its schema (DSS has no safe way to add a
    column to a dataset that already holds files: the old files would not have it), and its
    decisions are written without the suggestion columns. Any other schema gets the current
    columns, which :func:`check_schema` then checks.
    """
    names = [str(column.get("name")) for column in found or []]
    if names == [c["name"] for c in METADATA_COLUMNS_BEFORE_SUGGESTIONS]:
        return list(METADATA_COLUMNS_BEFORE_SUGGESTIONS)
    return list(METADATA_COLUMNS)


def check_schema(dataset_name: str, role: str, found: Optional[Sequence[Dict[str, Any]]],
                 expected: Sequence[Dict[str, Any]], component: str) -> bool:
    """Whether the dataset needs its schema written (True when it has none).

    Column names must match exactly, in order; types are not compared, because DSS may have
    widened them (int to bigint) and that does not harm appends.

    Raises
    ------
    SchemaMismatch
        Naming the dataset, the expected and found columns, and what to do.
    """
    found_names = [str(column.get("name")) for column in found or []]
    if not found_names:
        return True
    expected_names = [str(column["name"]) for column in expected]
    if found_names == expected_names:
        return False
    raise SchemaMismatch(
        f"{component}: the {role} dataset '{dataset_name}' already has the columns "
        f"[{', '.join(found_names)}], but this webapp writes [{', '.join(expected_names)}]. "
        "It was left untouched. Choose another dataset (or create a new one) as "
        f"'{role.capitalize()} dataset' in the webapp's settings, or clear this one (drop its data "
        "and schema) if it holds nothing you need, then restart the backend.")
