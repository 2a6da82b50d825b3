"""The retrain rounds' figures, kept in the workspace as one JSON line per round.

A plain file next to the workspace database rather than a table: the worker only appends to it,
``active-labeling status`` only reads it, and the labeling database's schema stays the service's.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from active_labeling.analysis.stopping_store import stopping_view

RETRAIN_FOLDER = "retrain"
ROUNDS_FILE = "rounds.jsonl"
OK, FAILED = "ok", "failed"


class RoundLog:
    """Append-only log of rounds in ``<workspace>/retrain/rounds.jsonl``."""

    def __init__(self, workspace: Union[str, Path]):
        self.folder = Path(workspace) / RETRAIN_FOLDER
        self.path = self.folder / ROUNDS_FILE
        self._lock = threading.Lock()

    def append(self, entry: Dict[str, Any]) -> None:
        """Add one round's entry (flushed to disk before returning)."""
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(entry, sort_keys=True) + "\n")
                stream.flush()

    def read(self) -> List[Dict[str, Any]]:
        """Every round so far, oldest first; a torn last line (a crash mid-write) is ignored."""
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                continue
        return entries

    def last_success(self) -> Dict[str, Any]:
        """The last successful round's entry, or an empty dict."""
        done = [entry for entry in self.read() if entry.get("status") == OK]
        return done[-1] if done else {}


class LatestStopping:
    """``stopping_report()`` for the labeling API: the verdict of the workspace's last round.

    The log is read again only when the file changed (size or modification time), so a page
    asking for stats often costs one ``stat``.
    """

    def __init__(self, workspace: Union[str, Path]):
        self.log = RoundLog(workspace)
        self._seen: Optional[tuple] = None
        self._view: Optional[Dict[str, Any]] = None

    def __call__(self) -> Optional[Dict[str, Any]]:
        try:
            stat = self.log.path.stat()
        except FileNotFoundError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        if key != self._seen:
            self._view, self._seen = latest_stopping(self.log.read()), key
        return self._view


def latest_stopping(entries: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The last successful round's stopping verdict as the API shows it; None before any."""
    checked = [entry for entry in entries if entry.get("status") == OK and entry.get("stopping")]
    if not checked:
        return None
    return stopping_view(checked[-1]["stopping"], checked[-1].get("finished"))


def format_stopping(entries: List[Dict[str, Any]]) -> List[str]:
    """The latest stopping verdict and its figures, for ``active-labeling status``."""
    view = latest_stopping(entries)
    if view is None:
        return []
    names = {"agreement": "agreement (kappa)", "contradiction": "contradiction rate",
             "uncertainty": "mean uncertainty"}
    figures = ", ".join(f"{names.get(name, name)} {'-' if value is None else _figure(name, value)}"
                        for name, value in view["figures"].items())
    return [f"After {view['retrains']} round(s): {view['plain']}",
            f"  Stopping criteria: {view['sentence']}",
            f"  {'stable' if view['stable'] else 'not stable yet'}: {figures}"]


def _figure(name: str, value: float) -> str:
    return f"{100 * value:.1f}%" if name == "contradiction" else f"{value:.3f}"


def format_rounds(entries: List[Dict[str, Any]]) -> List[str]:
    """Lines of a table of the rounds, for ``active-labeling status``."""
    if not entries:
        return ["No retrain round yet."]
    header = (f"{'round':>5}  {'finished (UTC)':<20} {'status':<7} {'labels':>6} {'CV acc.':>7} "
              f"{'macro F1':>8} {'folds':>5} {'changed':>7} {'seconds':>7}  queries / error")
    lines = [header]
    for entry in entries:
        def figure(key: str, percent: bool = False, entry: Dict[str, Any] = entry) -> str:
            value = entry.get(key)
            if value is None:
                return "-"
            return f"{100 * value:.1f}%" if percent else f"{value:.3f}"
        ok = entry.get("status") == OK
        tail = f"{entry.get('queries', 0)} queries" if ok else str(entry.get("error", ""))
        lines.append(
            f"{entry.get('round', '?'):>5}  {str(entry.get('finished', ''))[:19]:<20} "
            f"{entry.get('status', ''):<7} {entry.get('labels', '-'):>6} {figure('accuracy'):>7} "
            f"{figure('macro_f1'):>8} {entry.get('folds', 0):>5} {figure('contradictions', True):>7} "
            f"{entry.get('seconds', 0):>7.1f}  {tail}")
    done = [entry for entry in entries if entry.get("status") == OK]
    if done:
        lines.append(f"Current queries: {done[-1].get('queries_file')} (round {done[-1].get('round')})")
        if done[-1].get("features"):
            lines.append(f"Model of round {done[-1].get('round')}: {done[-1]['features']}")
    lines.append("CV acc., macro F1: cross-validated on the labels (- when too few per category); "
                 "changed: share of a fixed sample of the pool whose predicted category changed "
                 "since the previous round.")
    return lines
