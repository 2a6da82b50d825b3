"""The team's figures as DSS keeps them for flows: one entry of a project variable per webapp.

The local project variable ``active_labeling_teams`` maps each labeling webapp's metadata
dataset to ``{"annotators_per_item", "disagreement", "task", "updated", "figures"}``, where
``figures`` is the team panel (:meth:`~active_labeling.teams.team.Team.snapshot`). Project
variables rather than a dataset: a scenario step or a Python recipe reads them without a build,
a scenario condition can test them (``agreement below 0.6: notify``), and the Query Sampler finds
there how this webapp makes final labels. Local variables: runtime state, left out of bundles.
Pure: the DSS side (:mod:`active_labeling.dss.team_variables`) reads and writes them.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Mapping, Optional

from active_labeling.tasks import task_of
from active_labeling.teams.final import FinalRule

TEAMS_VARIABLE = "active_labeling_teams"


def with_team(variables: Mapping[str, Any], metadata_dataset: str,
              entry: Mapping[str, Any]) -> Dict[str, Any]:
    """``variables`` (``Project.get_variables()``) with the webapp's entry replaced."""
    new = {"standard": copy.deepcopy(dict(variables.get("standard") or {})),
           "local": copy.deepcopy(dict(variables.get("local") or {}))}
    teams = dict(new["local"].get(TEAMS_VARIABLE) or {})
    teams[metadata_dataset] = dict(entry)
    new["local"][TEAMS_VARIABLE] = teams
    return new


def team_rule(variables: Mapping[str, Any], metadata_dataset: str) -> Optional[FinalRule]:
    """How the webapp writing ``metadata_dataset`` makes final labels; None when it never said
    (a webapp from before teams, or never started: one label makes an item labeled)."""
    entry = ((variables.get("local") or {}).get(TEAMS_VARIABLE) or {}).get(metadata_dataset)
    if not isinstance(entry, Mapping):
        return None
    try:
        task = task_of(str(entry.get("task") or "category"))
        # The metadata holds label texts: compared as the task's labels.
        return FinalRule(int(entry.get("annotators_per_item", 1)), str(entry.get("disagreement", "review")),
                         lambda a, b: task.agreement(task.decode(a), task.decode(b)))
    except (TypeError, ValueError):
        return None  # written by hand wrongly: the plain rule, rather than a failed sampler
