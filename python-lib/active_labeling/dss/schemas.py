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
]
LABELS_EXTRA = ("annotator", "date", "label_id")


class SchemaMismatch(RuntimeError):
    """A dataset already has columns that are not the ones this webapp writes; it is left untouched."""


def labels_columns(item_columns: Sequence[Dict[str, Any]], label_column: str) -> List[Dict[str, str]]:
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
        When an item column has the name of a column the webapp adds.
    """
    names = [str(column["name"]) for column in item_columns]
    clashes = [name for name in (label_column,) + LABELS_EXTRA if name in names]
    if clashes:
        raise SchemaMismatch(
            f"the items already have a column named {', '.join(repr(c) for c in clashes)}, which the "
            "labels dataset uses for the labeling; change 'Label column' (for the label) or rename "
            "the input's column.")
    return ([{"name": str(c["name"]), "type": str(c.get("type") or "string")} for c in item_columns]
            + [{"name": label_column, "type": "string"}, {"name": "annotator", "type": "string"},
               {"name": "date", "type": "string"}, {"name": "label_id", "type": "bigint"}])


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
