"""Support for the boxes browser tests and benchmarks/bench_boxes.py: images, predictions, geometry.

The images are large (so that the page shows them downscaled), one of them stored on its side with
an EXIF orientation tag (so that the page shows it turned); the predictions file gives the order and
the pre-boxes, as a detector would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Tuple

# Shown sizes (EXIF orientation applied) of the images, and where their white square is drawn.
TURNED = ("/a-turned.jpg", (1200, 1800))     # stored 1800×1200, EXIF orientation 6
WIDE = ("/b-wide.png", (2400, 1600))
BUSY = ("/c-busy.png", (2000, 1500))
SQUARE = (600, 300, 300, 400)                 # [x, y, w, h] on the turned image, as shown
PRE_BOX = {"bbox": [100, 200, 300, 400], "category": "dog", "confidence": 0.2}
CATEGORIES = ["cat", "dog", "bird"]


def fifty_boxes() -> List[dict]:
    """50 sure boxes on a 10 × 5 grid of the busy image."""
    return [{"bbox": [40 + 195 * (i % 10), 40 + 290 * (i // 10), 150, 240], "category": CATEGORIES[i % 3],
             "confidence": 0.95} for i in range(50)]


def make_box_data(folder: Path) -> Tuple[Path, Path]:
    """The images folder and a predictions file (turned first: weakest boxes; busy last)."""
    from PIL import Image, ImageDraw

    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    shown = Image.new("RGB", TURNED[1], (70, 90, 130))
    x, y, w, h = SQUARE
    ImageDraw.Draw(shown).rectangle((x, y, x + w - 1, y + h - 1), fill=(255, 255, 255))
    stored = shown.transpose(Image.Transpose.ROTATE_90)     # orientation 6 turns it back for display
    exif = stored.getexif()
    exif[0x0112] = 6
    stored.save(images / TURNED[0].lstrip("/"), exif=exif, quality=90)
    Image.new("RGB", WIDE[1], (160, 120, 60)).save(images / WIDE[0].lstrip("/"))
    Image.new("RGB", BUSY[1], (60, 140, 90)).save(images / BUSY[0].lstrip("/"))
    import pandas as pd

    predictions = folder / "predictions.csv"
    rows = {TURNED[0]: [PRE_BOX], WIDE[0]: [], BUSY[0]: fifty_boxes()}
    pd.DataFrame({"path": list(rows), "prediction": [json.dumps(b) for b in rows.values()]}).to_csv(
        predictions, index=False)
    return images, predictions


def image_rect(page) -> Dict[str, float]:
    """Where the image is on screen (its bounding box after zoom and pan)."""
    return page.eval_on_selector(".al-image-img", "e => e.getBoundingClientRect().toJSON()")


def to_screen(page, size: Tuple[int, int], x: float, y: float) -> Tuple[float, float]:
    """The screen point of original pixel (x, y) of an image shown ``size`` (EXIF applied)."""
    rect = image_rect(page)
    return rect["x"] + x * rect["width"] / size[0], rect["y"] + y * rect["height"] / size[1]


def to_original(page, size: Tuple[int, int], sx: float, sy: float) -> Tuple[float, float]:
    """The original pixel under screen point (sx, sy)."""
    rect = image_rect(page)
    return (sx - rect["x"]) * size[0] / rect["width"], (sy - rect["y"]) * size[1] / rect["height"]


def drag(page, start: Tuple[float, float], end: Tuple[float, float], steps: int = 8) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def shown_boxes(page) -> List[dict]:
    """The boxes the page holds for the item on screen, in original pixels."""
    return page.evaluate("window.__labelingApp.task.boxes()")


def wait_boxes_ready(page, item_id: str) -> None:
    """Until the item's image and its box layer are on screen."""
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id && "
                           "document.querySelector('svg.al-boxes') && "
                           "document.querySelector('svg.al-boxes').isConnected && "
                           "document.querySelector('.al-image-img') && "
                           "document.querySelector('.al-image-img').complete", arg=item_id, timeout=20000)


def drag_frames(page, size: Tuple[int, int], box: List[float], moves: int,
                distance: float = 300.0) -> List[float]:
    """Drag the box at ``box`` [x, y, w, h] back and forth ``moves`` times; the page's frame times (ms).

    Each frame time is the main thread's work for one drag frame: the box moved, then style,
    layout and paint, measured by the page (``__labelingMetrics.frames``).
    """
    page.evaluate("window.__labelingMetrics.frames.length = 0")
    cx, cy = to_screen(page, size, box[0] + box[2] / 2, box[1] + box[3] / 2)
    page.mouse.move(cx, cy)
    page.mouse.down()
    for i in range(moves):
        sign = 1 if (i // 20) % 2 == 0 else -1
        cx += sign * distance / 20
        page.mouse.move(cx, cy + (i % 7))
        page.wait_for_timeout(5)
    page.mouse.up()
    page.wait_for_timeout(100)
    return page.evaluate("window.__labelingMetrics.frames.slice()")
