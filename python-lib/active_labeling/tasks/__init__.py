"""The annotation tasks: what one decision holds, each in its own module.

| task | label | label column |
|---|---|---|
| ``category`` | a category name | the name |
| ``categories`` | a non-empty list of names (multi-label) | a JSON list of names |
| ``boxes`` | a list of ``{"bbox": [x, y, w, h], "category"}`` (images) | that list as JSON |
| ``spans`` | a list of ``{"start", "end", "text", "category"}`` (texts) | that list as JSON |

Code that depends on the task looks it up here (:func:`task_of`) and asks it: validation of a
submitted label, its stored text, the categories it counts for, agreement between two labels,
the uncertainty of a model's prediction, pre-annotations. The page has one module per task in
``resource/labeling/tasks/<name>.js``. A new task is one module here, one there, and one entry
in :data:`TASKS`.
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

from active_labeling.tasks.base import LabelContext, LabelError, Task
from active_labeling.tasks.boxes import BoxesTask
from active_labeling.tasks.categories import CategoriesTask
from active_labeling.tasks.category import CategoryTask
from active_labeling.tasks.spans import SpansTask

__all__ = ["NAMES", "TASKS", "LabelContext", "LabelError", "Task", "default_task", "task_of"]

TASKS: Dict[str, Task] = {task.name: task for task in (CategoryTask(), CategoriesTask(), BoxesTask(),
                                                         SpansTask())}
NAMES: Tuple[str, ...] = tuple(TASKS)


def task_of(name: str) -> Task:
    """The task called ``name``; a ``ValueError`` naming the tasks there are for an unknown one."""
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}: expected one of {', '.join(NAMES)}") from None


def default_task(task: Optional[str], multi_label: bool) -> str:
    """The task a setting names, else the one the multi-label switch implies (settings before tasks).

    Raises
    ------
    ValueError
        When ``multi_label`` contradicts a named task.
    """
    if task is None:
        return "categories" if multi_label else "category"
    if multi_label and task != "categories":
        raise ValueError(f"the multi-label switch is for the categories task, not {task!r}: drop one of them")
    task_of(task)
    return task
