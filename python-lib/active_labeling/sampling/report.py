"""What a Query Sampler run did, as counts and as log lines a user can read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional


@dataclass
class SamplingReport:
    """Counts of one run. ``rows_read = rows_excluded + rows_scored + rows_dropped``."""

    strategy: str = ""
    model_version: str = ""
    rows_read: int = 0
    rows_excluded: int = 0  # already labeled, left out before scoring
    rows_scored: int = 0
    rows_dropped: int = 0  # dropped by the model's preprocessing, or given no probabilities
    unreadable_files: int = 0  # folder pools: files that could not be opened (not in rows_read)
    queries_written: int = 0
    explored: Optional[int] = None  # balanced: the random exploration picks among the queries
    labeled_before: int = 0  # balanced: the labels its exploration share was set from
    surprise: Optional[float] = None  # balanced: the surprise of its labeled exploration picks
    surprise_picks: int = 0  # ... over that many picks
    classes: List[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> List[str]:
        """The summary, one fact per line."""
        lines = [
            f"rows read: {self.rows_read}",
            f"rows scored: {self.rows_scored}",
            f"rows dropped by the model's preprocessing: {self.rows_dropped}",
            f"rows excluded as already labeled: {self.rows_excluded}",
        ]
        if self.unreadable_files:
            lines.append(f"unreadable files skipped: {self.unreadable_files}")
        lines += [
            f"queries written: {self.queries_written}",
        ]
        if self.explored is not None:
            lines.append(f"random exploration picks among them: {self.explored} "
                         f"({self.labeled_before} labels so far, {len(self.classes)} classes)")
            if self.surprise is None:
                lines.append("no labeled exploration picks yet: the exploration share follows its schedule")
            else:
                lines.append(f"surprise of the last {self.surprise_picks} labeled exploration picks: "
                             f"{self.surprise:+.3f} (share of model errors on them less the share its "
                             "confidence expected; above 0, the model is wrong where it is sure)")
        lines += [
            f"strategy: {self.strategy}",
            f"model version: {self.model_version}",
            f"time: {self.seconds:.1f} s",
        ]
        return lines
