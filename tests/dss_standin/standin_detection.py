"""A stand-in object detection "model": fixed boxes per image path, answered in DSS's format.

DSS's object detection models (computer vision, DSS 10.0 and later) are deep networks; a test only
needs what their predictor answers, so a :class:`FixedDetector` holds the boxes it "sees" on each
image (``{"bbox": [x, y, w, h], "category", "confidence"}``, in original pixels) and the stand-in's
predictor writes them as DSS's scoring does (``dataiku/model.py``; README, "Object detection").
It is pickled with the saved model version, so it lives here, importable by the entry points.
"""

from __future__ import annotations

from typing import Dict, List


class FixedDetector:
    """Boxes per image path; an image it does not know has none."""

    def __init__(self, boxes: Dict[str, List[dict]], categories: List[str]):
        self.boxes = {("/" + path.lstrip("/")): list(found) for path, found in boxes.items()}
        self.categories = list(categories)

    def detect(self, path: str) -> List[dict]:
        """The boxes of the image at ``path`` (with or without its leading "/")."""
        return [dict(box) for box in self.boxes.get("/" + str(path).lstrip("/"), [])]
