"""The final label of an item labeled by several annotators, and its status.

| status | when | final label |
|---|---|---|
| ``reviewed`` | a reviewer decided it | the reviewer's |
| ``agreed`` | the required annotators all gave the same label | that label |
| ``majority`` | they disagree, the settings accept a majority, and more than half agree | the majority's |
| ``pending`` | fewer labels than required, or a disagreement waiting for review | none |

"The same label" is what the task's ``agreement`` hook says is full agreement (1.0): the same
category, the same set of categories, boxes that all match. A review always wins, even over an
agreement, and annotators' later changes never undo it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, NamedTuple, Optional, Sequence

AGREED = "agreed"
MAJORITY = "majority"
REVIEWED = "reviewed"
PENDING = "pending"
STATUSES = (AGREED, MAJORITY, REVIEWED, PENDING)
FINAL_POLICIES = ("review", "majority")


class Final(NamedTuple):
    """An item's final label (None while pending) and its status."""

    status: str
    label: Any = None


@dataclass(frozen=True)
class FinalRule:
    """How an item's labels become its final label.

    Parameters
    ----------
    needed : int
        Annotators' labels required before an item can be final (``annotators per item``).
    disagreement : str
        ``review`` (a disagreement waits for a reviewer) or ``majority`` (more than half of the
        labels agreeing settle it; otherwise it waits for a reviewer).
    agreement : callable
        The task's ``agreement(a, b)``: 1.0 means the same label.
    """

    needed: int = 1
    disagreement: str = "review"
    agreement: Callable[[Any, Any], float] = lambda a, b: float(a == b)

    def __post_init__(self):
        if int(self.needed) < 1:
            raise ValueError(f"annotators per item should be 1 or more, got {self.needed!r}")
        if self.disagreement not in FINAL_POLICIES:
            raise ValueError(f"disagreements should be settled by one of {', '.join(FINAL_POLICIES)}, "
                             f"got {self.disagreement!r}")

    def same(self, first: Any, second: Any) -> bool:
        """Whether two labels count as the same label."""
        return self.agreement(first, second) >= 1.0 - 1e-9

    def groups(self, labels: Sequence[Any]) -> List[List[Any]]:
        """The labels grouped by sameness, biggest group first (ties: the earliest label first)."""
        groups: List[List[Any]] = []
        for label in labels:
            for group in groups:
                if self.same(group[0], label):
                    group.append(label)
                    break
            else:
                groups.append([label])
        return sorted(groups, key=len, reverse=True)

    def final(self, labels: Sequence[Any], review: Optional[Any] = None, reviewed: bool = False) -> Final:
        """The final label of an item.

        Parameters
        ----------
        labels : sequence
            The annotators' current labels of the item, oldest first (skips left out).
        review : object, optional
            The latest reviewer's label, when ``reviewed``.
        reviewed : bool
            Whether a reviewer decided the item.
        """
        if reviewed:
            return Final(REVIEWED, review)
        if len(labels) < int(self.needed) or not labels:
            return Final(PENDING)
        if len(labels) == 1:  # the one label asked for (most items at a restart)
            return Final(AGREED, labels[0])
        groups = self.groups(labels)
        if len(groups) == 1:
            return Final(AGREED, groups[0][0])
        if self.disagreement == "majority" and 2 * len(groups[0]) > len(labels):
            return Final(MAJORITY, groups[0][0])
        return Final(PENDING)

    def disputed(self, labels: Sequence[Any], reviewed: bool = False) -> bool:
        """Whether the item has all its labels, yet no final label: it waits for a reviewer."""
        return (not reviewed and len(labels) >= int(self.needed)
                and self.final(labels).status == PENDING)
