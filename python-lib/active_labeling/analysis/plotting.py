"""A small line chart drawn with pillow: axes, ticks, curves, translucent spread bands, a legend.

matplotlib is not in the plugin's code env; learning curves need no more than this.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from PIL import Image, ImageDraw, ImageFont

# Colour-blind-safe palette (Okabe & Ito).
PALETTE = [(0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233),
           (213, 94, 0), (120, 120, 120), (240, 228, 66)]
WIDTH, HEIGHT = 900, 560
LEFT, RIGHT, TOP, BOTTOM = 70, 200, 50, 60
GREY, BLACK, WHITE = (200, 200, 200), (30, 30, 30), (255, 255, 255)


@dataclass
class Series:
    """One curve: ``y`` at ``x``, with an optional band from ``low`` to ``high``."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    low: Optional[Sequence[float]] = None
    high: Optional[Sequence[float]] = None


def clipped(values: Sequence[float], low: float, high: float) -> List[float]:
    """``values`` kept within ``[low, high]`` (a band of a bounded score must not leave its range)."""
    return [min(max(float(v), low), high) for v in values]


@dataclass
class Reference:
    """A dashed horizontal line (a target level)."""

    label: str
    y: float


def nice_ticks(low: float, high: float, count: int = 6) -> List[float]:
    """Round tick values covering ``[low, high]``: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def line_chart(series: Sequence[Series], title: str, x_label: str, y_label: str,
               references: Sequence[Reference] = ()) -> Image.Image:
    """Draw ``series`` on one pair of axes and return the RGB image."""
    xs = [v for s in series for v in s.x]
    ys = [v for s in series for v in list(s.y) + list(s.low or []) + list(s.high or [])]
    ys += [r.y for r in references]
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y_lo, y_hi = (min(ys), max(ys)) if ys else (0.0, 1.0)
    pad = (y_hi - y_lo) * 0.05 or 0.05
    y_lo, y_hi = y_lo - pad, y_hi + pad
    if x_hi == x_lo:
        x_hi = x_lo + 1.0
    box = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)

    def to_px(x: float, y: float) -> Tuple[float, float]:
        px = box[0] + (x - x_lo) / (x_hi - x_lo) * (box[2] - box[0])
        py = box[3] - (y - y_lo) / (y_hi - y_lo) * (box[3] - box[1])
        return px, py

    image = Image.new("RGBA", (WIDTH, HEIGHT), WHITE + (255,))
    font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    _axes(draw, font, box, nice_ticks(x_lo, x_hi), nice_ticks(y_lo, y_hi), to_px, x_label, y_label)
    draw.text((LEFT, 18), title, fill=BLACK, font=font)
    # Bands go on their own layer so that overlapping spreads stay readable.
    bands = Image.new("RGBA", image.size, (0, 0, 0, 0))
    band_draw = ImageDraw.Draw(bands)
    for index, s in enumerate(series):
        if s.low is not None and s.high is not None and len(s.x) > 1:
            outline = [to_px(x, y) for x, y in zip(s.x, s.high)] + \
                      [to_px(x, y) for x, y in zip(reversed(list(s.x)), reversed(list(s.low)))]
            band_draw.polygon(outline, fill=PALETTE[index % len(PALETTE)] + (50,))
    image = Image.alpha_composite(image, bands)
    draw = ImageDraw.Draw(image)
    for reference in references:
        _dashed(draw, to_px(x_lo, reference.y), to_px(x_hi, reference.y))
        # Label inside the plot, under the line's left end: the legend owns the right margin.
        draw.text((box[0] + 4, to_px(x_lo, reference.y)[1] + 2), reference.label, fill=BLACK, font=font)
    for index, s in enumerate(series):
        points = [to_px(x, y) for x, y in zip(s.x, s.y)]
        colour = PALETTE[index % len(PALETTE)]
        if len(points) > 1:
            draw.line(points, fill=colour, width=3)
        else:
            (px, py), = points
            draw.ellipse([px - 3, py - 3, px + 3, py + 3], fill=colour)
    _legend(draw, font, [s.label for s in series], box)
    return image.convert("RGB")


def to_png(image: Image.Image) -> bytes:
    """PNG bytes of ``image``."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _axes(draw, font, box, x_ticks, y_ticks, to_px, x_label, y_label):
    for x in x_ticks:
        px, _ = to_px(x, 0)
        if box[0] - 1 <= px <= box[2] + 1:
            draw.line([(px, box[1]), (px, box[3])], fill=GREY)
            draw.text((px - 8, box[3] + 6), f"{x:g}", fill=BLACK, font=font)
    for y in y_ticks:
        _, py = to_px(0, y)
        if box[1] - 1 <= py <= box[3] + 1:
            draw.line([(box[0], py), (box[2], py)], fill=GREY)
            draw.text((box[0] - 40, py - 6), f"{y:g}", fill=BLACK, font=font)
    draw.rectangle(box, outline=BLACK)
    draw.text(((box[0] + box[2]) / 2 - 20, box[3] + 26), x_label, fill=BLACK, font=font)
    draw.text((8, box[1] - 20), y_label, fill=BLACK, font=font)


def _dashed(draw, start, end, dash=8):
    (x0, y0), (x1, _) = start, end
    x = x0
    while x < x1:
        draw.line([(x, y0), (min(x + dash, x1), y0)], fill=BLACK, width=1)
        x += 2 * dash


def _legend(draw, font, labels, box):
    x, y = box[2] + 12, box[1] + 4
    for index, label in enumerate(labels):
        colour = PALETTE[index % len(PALETTE)]
        draw.rectangle([x, y + 3, x + 18, y + 9], fill=colour)
        draw.text((x + 24, y), label, fill=BLACK, font=font)
        y += 18
