"""A boxes workspace's labels as COCO JSON (``export --format coco``), for training elsewhere.

One COCO image per labeled image (an image labeled "no object" is there, with no annotation), one
annotation per box, categories in the order of ``--categories`` (ids from 1). When several
annotators labeled an image, the latest label is kept (COCO has one set of boxes per image). Boxes
and image sizes are in pixels of the image as the labeling page showed it, EXIF orientation applied:
a trainer that reads raw pixels without applying the EXIF orientation must rotate them first.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Union

from active_labeling.atomic_files import write_text_atomically
from active_labeling.local.workspace import Workspace
from active_labeling.tasks import default_task, task_of

FILE_NAME = "annotations.coco.json"
_COCO_KEYS = {"images", "annotations", "categories"}


class CocoExportError(Exception):
    """The COCO file can't be written as asked; nothing was written."""


def coco(workspace: Workspace) -> Dict[str, Any]:
    """The workspace's current boxes as a COCO dict; ``skipped_files`` lists images that could not be read."""
    from active_labeling.media.errors import MediaError
    from active_labeling.media.images import original_size

    setup = workspace.setup()
    task = task_of(default_task(setup.get("task"), bool(setup.get("multi_label"))))
    if task.name != "boxes":
        raise CocoExportError(f"COCO holds boxes, and this workspace holds {task.name} labels: use "
                              "--format csv or parquet, or export a workspace served with --task boxes")
    data = Path(setup["data"])
    category_ids = {name: i + 1 for i, name in enumerate(setup.get("categories", []))}
    latest: Dict[str, Any] = {}
    for item_id, label in workspace.db.execute("SELECT item_id, label FROM labels ORDER BY label_id"):
        latest[item_id] = json.loads(label)  # the last one wins
    images: List[Dict[str, Any]] = []
    annotations: List[Dict[str, Any]] = []
    skipped: List[str] = []
    for item_id in sorted(latest):
        boxes = latest[item_id]
        try:
            width, height = original_size((data / item_id.lstrip("/")).read_bytes())
        except (OSError, MediaError):
            skipped.append(item_id)
            continue
        image_id = len(images) + 1
        images.append({"id": image_id, "file_name": item_id.lstrip("/"), "width": width, "height": height})
        for box in boxes if isinstance(boxes, list) else []:
            x, y, w, h = box["bbox"]
            annotations.append({"id": len(annotations) + 1, "image_id": image_id,
                                "category_id": category_ids.get(box["category"], 0), "bbox": [x, y, w, h],
                                "area": round(w * h, 2), "iscrowd": 0})
    date = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"info": {"description": f"active-labeling export of {data}", "date_created": date},
            "images": images, "annotations": annotations,
            "categories": [{"id": i, "name": name, "supercategory": ""} for name, i in category_ids.items()],
            "skipped_files": skipped}


def export_coco(workspace: Workspace, out: Union[str, Path]) -> Dict[str, Any]:
    """Write ``out/annotations.coco.json``; returns ``{"path", "images", "annotations", "skipped_files"}``.

    An existing file that is not a COCO file is refused, never replaced.
    """
    content = coco(workspace)
    skipped = content.pop("skipped_files")
    out = Path(out)
    path = out / FILE_NAME
    if path.exists():
        try:
            existing = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existing = None
        if not isinstance(existing, dict) or not set(existing) >= _COCO_KEYS:
            raise CocoExportError(f"{path} exists and is not a COCO file; it was left untouched: choose "
                                  "another --out folder or remove the file")
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, json.dumps(content, ensure_ascii=False, indent=1))
    return {"path": path, "images": len(content["images"]), "annotations": len(content["annotations"]),
            "skipped_files": skipped}
