"""Line charts with spread bands, drawn with matplotlib's Agg backend (no display, no pyplot state).

Bands are translucent and blended where they overlap, so that no strategy's spread hides another's.
Each series has its own colour *and* line style, so that two curves never rely on hue alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import List, Optional, Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Paul Tol's "bright" qualitative scheme (designed to stay distinct for colour-blind readers),
# with a dark grey instead of its light grey, which is too pale for a line on white.
PALETTE = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#555555"]
LINE_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
BAND_ALPHA = 0.15
WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 6.0, 100


@dataclass
class Series:
    """One curve: ``y`` at ``x``, with an optional band from ``low`` to ``high``."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    low: Optional[Sequence[float]] = None
    high: Optional[Sequence[float]] = None
    emphasis: bool = False  # drawn thicker and on top (the default strategy)


@dataclass
class Reference:
    """A horizontal line (a target level), labelled in the legend."""

    label: str
    y: float
    style: str = "--"


def clipped(values: Sequence[float], low: float, high: float) -> List[float]:
    """``values`` kept within ``[low, high]`` (a band of a bounded score must not leave its range)."""
    return [min(max(float(v), low), high) for v in values]


def style(index: int) -> dict:
    """Colour, line style and marker of the ``index``-th series: the pair differs between any two
    of the first ``len(PALETTE)`` series, and the colours cycle out of step with the line styles."""
    return {"color": PALETTE[index % len(PALETTE)], "linestyle": LINE_STYLES[index % len(LINE_STYLES)],
            "marker": MARKERS[index % len(MARKERS)]}


def line_chart(series: Sequence[Series], title: str, x_label: str, y_label: str,
               references: Sequence[Reference] = ()) -> Figure:
    """A figure with ``series`` on one pair of axes, their bands, ``references`` and a legend."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    for index, s in enumerate(series):
        look = style(index)
        if s.low is not None and s.high is not None and len(s.x) > 1:
            axes.fill_between(s.x, s.low, s.high, color=look["color"], alpha=BAND_ALPHA, linewidth=0,
                              zorder=1)
        # A marker every few points: enough to tell the curves apart, not so many they blot the line.
        every = max(1, len(s.x) // 8)
        axes.plot(s.x, s.y, label=s.label, color=look["color"], linestyle=look["linestyle"],
                  marker=look["marker"], markevery=every, markersize=5,
                  linewidth=3.0 if s.emphasis else 1.8, zorder=4 if s.emphasis else 3)
    for reference in references:
        axes.axhline(reference.y, color="#222222", linestyle=reference.style, linewidth=1.0, zorder=2,
                     label=f"{reference.label} ({reference.y:.3f})")
    axes.set_title(title, fontsize=10, loc="left")
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.grid(True, color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    axes.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9, frameon=False)
    figure.tight_layout()
    return figure


def to_png(figure: Figure) -> bytes:
    """PNG bytes of ``figure``."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
