"""What the "every n labelings" trigger reads in DSS: two metadata columns and the project variables."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Optional

import dataiku
import pandas as pd

from active_labeling.generation import read_generation, read_generation_date
from active_labeling.trigger_config import TriggerConfig
from active_labeling.triggering import FireDecision, FireState, count_labelings, decide

NEEDED_COLUMNS = ["status", "date"]


class TriggerInputError(RuntimeError):
    """The metadata dataset cannot be read; the message says which and what to do."""


def full_name(name: str, project_key: str) -> str:
    """``PROJECTKEY.name`` for a dataset given by its short or full name."""
    return name if "." in name else f"{project_key}.{name}"


def read_decision_columns(name: str) -> pd.DataFrame:
    """The ``status`` and ``date`` columns of the metadata dataset, and nothing else.

    A dataset never written yet (empty schema) reads as no decisions.
    """
    dataset = dataiku.Dataset(name)
    try:
        schema = dataset.read_schema(raise_if_empty=False)
    except Exception as error:  # DSS raises plain exceptions for a missing dataset
        raise TriggerInputError(
            f"Every n labelings trigger: cannot open the metadata dataset '{name}' ({error}). "
            "Pick the labeling webapp's metadata dataset in the trigger's settings.") from error
    names = {column.get("name") for column in schema or []}
    if not names:
        return pd.DataFrame({"status": pd.Series([], dtype=object), "date": pd.Series([], dtype=object)})
    missing = [column for column in NEEDED_COLUMNS if column not in names]
    if missing:
        raise TriggerInputError(
            f"Every n labelings trigger: the dataset '{name}' has no column {', '.join(missing)}; it "
            "does not look like a labeling webapp's metadata dataset. Pick the metadata dataset in "
            "the trigger's settings.")
    try:
        # Only two columns, typed by the schema (no guessing pass), dates left as texts: comparing
        # ISO texts is much cheaper than parsing a million dates.
        return dataset.get_dataframe(columns=NEEDED_COLUMNS, parse_dates=False, infer_with_pandas=False)
    except Exception as error:
        raise TriggerInputError(
            f"Every n labelings trigger: cannot read the metadata dataset '{name}' ({error}).") from error


def trigger_state(trigger) -> Optional[str]:
    """The state saved at the trigger's last fire (None if it never fired)."""
    getter = getattr(trigger, "get_trigger_state", None)
    return getter() if callable(getter) else getattr(trigger, "trigger_state", None)


def evaluate(config: TriggerConfig, state: Optional[str], project_key: Optional[str] = None) -> FireDecision:
    """Count the labelings and decide whether the trigger fires now."""
    project_key = project_key or os.environ.get("DKU_CURRENT_PROJECT_KEY") or dataiku.default_project_key()
    decisions = read_decision_columns(full_name(config.metadata_dataset, project_key))
    generation, since = None, None
    if config.queries_dataset:
        variables = dataiku.Project(project_key).get_variables()
        queries = full_name(config.queries_dataset, project_key)
        generation = read_generation(variables, queries)
        since = read_generation_date(variables, queries)
    counts = count_labelings(decisions["status"], decisions["date"], since)
    decision = decide(counts, config.n, generation, FireState.from_json(state))
    if not len(decisions):
        note = (f"the metadata dataset {config.metadata_dataset} holds no decision yet (nothing labeled "
                "with the webapp so far, or another dataset was picked)")
        decision = replace(decision, reason=f"{note}; {decision.reason}")
    return decision
