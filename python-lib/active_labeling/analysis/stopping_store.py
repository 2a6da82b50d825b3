"""Where the stopping verdicts live in DSS: the project's *local* variables, one entry per model.

Pure functions on the ``{"standard": ..., "local": ...}`` dict that ``Project.get_variables()``
returns, so that the scenario step writes and the labeling webapp reads the same layout.
Local variables: runtime state, not exported with project bundles.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Mapping, Optional

STOPPING_VARIABLE = "active_labeling_stopping"


def read_entries(variables: Mapping[str, Any]) -> Dict[str, Any]:
    """Saved model name → its last stored entry (``model_version``, ``labels_seen``, ``state``,
    ``report``, ``checked``)."""
    entries = (variables.get("local") or {}).get(STOPPING_VARIABLE) or {}
    return dict(entries) if isinstance(entries, Mapping) else {}


def with_entry(variables: Mapping[str, Any], model: str, entry: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy of ``variables`` (both keys kept, as ``set_variables`` needs) with ``model``'s entry set."""
    new = {"standard": copy.deepcopy(dict(variables.get("standard") or {})),
           "local": copy.deepcopy(dict(variables.get("local") or {}))}
    entries = read_entries(new)
    entries[model] = dict(entry)
    new["local"][STOPPING_VARIABLE] = entries
    return new


def latest_report(variables: Mapping[str, Any], model: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """The report a labeling UI should show: ``model``'s, or the most recently checked one.

    Returns
    -------
    dict or None
        ``{"stable", "sentence", "retrains", "criteria": [...], "model", "checked"}``; None when
        no check ran yet.
    """
    entries = read_entries(variables)
    if model is not None:
        chosen = [(model, entries[model])] if model in entries else []
    else:
        chosen = sorted(entries.items(), key=lambda item: str(item[1].get("checked", "")))[-1:]
    if not chosen or not isinstance(chosen[0][1].get("report"), Mapping):
        return None
    name, entry = chosen[0]
    return dict(entry["report"], model=name, checked=entry.get("checked"))


def stopping_view(report: Optional[Mapping[str, Any]],
                  checked: Optional[str] = None) -> Optional[Dict[str, Any]]:
    """What ``GET /api/stats`` shows of a stopping report (``StoppingReport.to_dict()``), or None.

    Returns
    -------
    dict or None
        ``{"stable", "sentence", "plain", "history", "figures": {criterion: value}, "retrains",
        "checked"}``: ``plain`` is the verdict in plain words, ``history`` the rounds' figures.
    """
    if not isinstance(report, Mapping):
        return None
    figures = {str(c["name"]): c.get("value") for c in report.get("criteria") or []
               if isinstance(c, Mapping) and "name" in c}
    history = [dict(point) for point in report.get("history") or [] if isinstance(point, Mapping)]
    return {"stable": bool(report.get("stable")), "sentence": str(report.get("sentence") or ""),
            "plain": str(report.get("plain") or report.get("sentence") or ""), "history": history,
            "figures": figures, "retrains": report.get("retrains"),
            "checked": checked if checked is not None else report.get("checked")}
