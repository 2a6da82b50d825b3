"""The ``boxes`` task: objects boxed on an image, each box with one category (object detection).

The label is a list of boxes ``[{"bbox": [x, y, width, height], "category": "cat"}]`` in pixels of
the original image as the page shows it (its EXIF orientation applied), ``(0, 0)`` its top-left
corner: the target format of DSS's object detection (DSS 10.0 and later, "Computer vision analysis
inputs"). An empty list means "no object in this image". The label column holds that list as JSON.

A detector's output (pre-boxes, and what the Query Sampler scores) is the same list with a
``confidence`` per box, as DSS's object detection scoring writes its prediction column (see
``tests/dss_standin/README.md`` for the sources, and the reading that is unverified); ``score``
is accepted for ``confidence``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

from active_labeling.tasks.base import LabelContext, LabelError, Task

MAX_BOXES = 1000
# How an image with no detected box ranks: DSS keeps only the boxes above the model's confidence
# threshold, so "nothing" is neither the detector's weak guess (close to 1) nor its sure one (0).
NO_BOX_SCORE = 0.5
# Two boxes of two annotators are the same object when their intersection over union reaches this.
MATCH_IOU = 0.5
# Where a detector's boxes are, in a queries or predictions table: DSS's scoring writes "prediction".
PREDICTION_COLUMN = "prediction"
EXPECTED = ('label should be a list of boxes, each {"bbox": [x, y, width, height], "category": name} '
            "in pixels of the original image; an empty list [] means no object in the image")


@dataclass(frozen=True)
class Detection:
    """One box of a detector's output (or of a label, without confidence)."""

    bbox: Tuple[float, float, float, float]
    category: str
    confidence: Optional[float] = None

    def as_dict(self) -> Dict[str, Any]:
        """``{"bbox", "category"}``, and ``confidence`` when there is one."""
        out: Dict[str, Any] = {"bbox": [_tidy(v) for v in self.bbox], "category": self.category}
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 4)
        return out


class DetectionFormatError(ValueError):
    """A cell that does not hold a list of boxes."""


def parse_detections(value: Any) -> List[Detection]:
    """A detector's boxes from a cell: JSON text or an already parsed list; empty: none.

    Raises
    ------
    DetectionFormatError
        When the cell is not a list of ``{"bbox": [x, y, w, h], "category": ..., "confidence": ...}``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except ValueError:
            raise DetectionFormatError(f"not JSON: {value[:80]!r}") from None
    if not isinstance(value, list):
        raise DetectionFormatError(f"expected a JSON list of boxes, got {type(value).__name__}")
    found = []
    for box in value:
        if not isinstance(box, dict):
            raise DetectionFormatError(f"a box should be an object with bbox and category, got {box!r}")
        bbox = _numbers(box.get("bbox"))
        category = box.get("category", box.get("label"))
        if bbox is None or not isinstance(category, str):
            raise DetectionFormatError(f"a box needs bbox [x, y, width, height] and a category, got {box!r}")
        confidence = box.get("confidence", box.get("score"))
        if confidence is not None and not _is_number(confidence):
            raise DetectionFormatError(f"a box's confidence should be a number, got {confidence!r}")
        found.append(Detection(bbox, category, None if confidence is None else float(confidence)))
    return found


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two ``[x, y, width, height]`` boxes."""
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, right - left) * max(0.0, bottom - top)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


class BoxesTask(Task):
    """Boxes on an image, each with a category."""

    name = "boxes"
    kinds = ("image",)
    webapps = {"image": "image-object-labeling"}
    components = {"image": "Image object labeling webapp"}
    prelabel_column = PREDICTION_COLUMN

    def check(self, label: Any, context: LabelContext) -> List[Dict[str, Any]]:
        """The boxes with whole or two-decimal coordinates; anything malformed is refused."""
        if not isinstance(label, list):
            raise LabelError(EXPECTED)
        if len(label) > MAX_BOXES:
            raise LabelError(f"label has {len(label)} boxes: at most {MAX_BOXES} per image")
        boxes = [self._box(i, box, context.categories) for i, box in enumerate(label, 1)]
        if boxes:
            width, height = self._size(context)
            for i, box in enumerate(boxes, 1):
                x, y, w, h = box["bbox"]
                if x < 0 or y < 0 or x + w > width + 1e-6 or y + h > height + 1e-6:
                    raise LabelError(
                        f"box {i} {box['bbox']} goes outside the image, which is {width}×{height} pixels "
                        f"(EXIF orientation applied): keep 0 ≤ x, 0 ≤ y, x + width ≤ {width} and "
                        f"y + height ≤ {height}, in pixels of the original image")
        return boxes

    @staticmethod
    def _box(i: int, box: Any, categories: FrozenSet[str]) -> Dict[str, Any]:
        if not isinstance(box, dict) or "bbox" not in box or "category" not in box:
            raise LabelError(f"box {i} is {json.dumps(box)[:80]}: {EXPECTED}")
        bbox = box["bbox"]
        if (not isinstance(bbox, list) or len(bbox) != 4 or not all(_is_number(v) for v in bbox)):
            raise LabelError(f"box {i}: bbox should be 4 numbers [x, y, width, height] in pixels of the "
                             f"original image, got {json.dumps(bbox)[:80]}")
        x, y, w, h = (float(v) for v in bbox)
        if w <= 0 or h <= 0:
            which = "width" if w <= 0 else "height"
            raise LabelError(f"box {i} has a {which} of {_tidy(w if w <= 0 else h)}: [x, y] is its top-left "
                             "corner and [width, height] its size, both above 0; send the corner with the "
                             "smallest coordinates and a positive size")
        category = box["category"]
        if not isinstance(category, str) or category not in categories:
            raise LabelError(f"box {i}: unknown category {category!r}; categories are {sorted(categories)}")
        return {"bbox": [_tidy(v) for v in (x, y, w, h)], "category": category}

    @staticmethod
    def _size(context: LabelContext) -> Tuple[int, int]:
        if context.image_size is None:
            raise LabelError("boxes are only for images: this webapp's items have no image size")
        try:
            return context.image_size()
        except (OSError, KeyError, ValueError) as error:
            raise LabelError(f"the image's size could not be read ({error}), so its boxes can't be "
                             "checked: skip this item") from None

    def encode(self, label: Any) -> str:
        """The JSON list of ``{"bbox", "category"}``."""
        return json.dumps(list(label or []), ensure_ascii=False)

    def decode(self, text: str) -> Any:
        """The list of boxes; a text that is not such a list is kept as it is (nothing is lost)."""
        try:
            boxes = parse_detections(text)
        except DetectionFormatError:
            return text
        return [{"bbox": list(d.as_dict()["bbox"]), "category": d.category} for d in boxes]

    def categories_of(self, label: Any) -> Iterable[str]:
        """One category per box."""
        if not isinstance(label, list):
            return ()
        return [box["category"] for box in label if isinstance(box, dict) and "category" in box]

    def agreement(self, first: Any, second: Any) -> float:
        """F1 of the boxes matched one to one (same category, IoU ≥ 0.5; 1 when both are empty).

        Matching is greedy, best IoU first.
        """
        a, b = _boxes(first), _boxes(second)
        if not a and not b:
            return 1.0
        pairs = sorted(((iou(x.bbox, y.bbox), i, j) for i, x in enumerate(a) for j, y in enumerate(b)
                        if x.category == y.category), reverse=True)
        used_a, used_b, matched = set(), set(), 0
        for overlap, i, j in pairs:
            if overlap < MATCH_IOU:
                break
            if i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                matched += 1
        return 2.0 * matched / (len(a) + len(b))

    def uncertainty(self, prediction: Any) -> float:
        """One minus the mean confidence of the detected boxes (their top class's).

        An image whose boxes are all weak scores high; one with only sure boxes scores low; one
        with no box scores :data:`NO_BOX_SCORE`. A box without confidence counts as sure.

        Raises
        ------
        DetectionFormatError
            When ``prediction`` is not a list of boxes.
        """
        boxes = parse_detections(prediction)
        if not boxes:
            return NO_BOX_SCORE
        confidences = [1.0 if d.confidence is None else min(1.0, max(0.0, d.confidence)) for d in boxes]
        return 1.0 - sum(confidences) / len(confidences)

    def suggestion(self, raw: Any, categories: FrozenSet[str]) -> Optional[List[Dict[str, Any]]]:
        """A detector's boxes of known categories and positive size, with their confidence; else None."""
        try:
            boxes = parse_detections(raw)
        except DetectionFormatError:
            return None
        kept = [d.as_dict() for d in boxes if d.category in categories and d.bbox[2] > 0 and d.bbox[3] > 0]
        return kept or None


def _boxes(label: Any) -> List[Detection]:
    try:
        return parse_detections(label)
    except DetectionFormatError:
        return []


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _numbers(values: Any) -> Optional[Tuple[float, float, float, float]]:
    if not isinstance(values, (list, tuple)) or len(values) != 4 or not all(_is_number(v) for v in values):
        return None
    x, y, w, h = (float(v) for v in values)
    return x, y, w, h


def _tidy(value: float):
    """A whole number as an int, else two decimals (a hundredth of a pixel is plenty)."""
    rounded = round(float(value), 2)
    return int(rounded) if rounded.is_integer() else rounded
