"""The team's figures as lines of text (``active-labeling status``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional


def _figure(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def team_lines(figures: Dict[str, Any]) -> List[str]:
    """Final labels, agreement overall, per category and per annotator, from ``Team.snapshot``."""
    final = figures["final"]
    lines = [f"Final labels: {final['agreed']} agreed, {final['majority']} majority, {final['reviewed']} "
             f"reviewed, {final['pending']} pending ({figures['disputed']} disagreement(s) waiting for a "
             f"reviewer, {figures['to_check']} agreed item(s) drawn for a check)."]
    agreement = f"Agreement ({figures['annotators_per_item']} annotators per item): "
    if figures["alpha"] is None and figures["kappa"] is None:
        lines.append(agreement + f"labels agree {_figure(figures['observed'])} on average between two "
                                 "annotators (kappa and alpha need labels of the same items)")
        return lines
    lines.append(agreement + f"Krippendorff's alpha {_figure(figures['alpha'])}, Cohen's kappa "
                 f"{_figure(figures['kappa'])}" + (f" (mean of {figures['pairs']} pairs of annotators)"
                                                   if (figures["pairs"] or 0) > 1 else "")
                 + f", observed agreement {_figure(figures['observed'])}.")
    for name, per in figures["per_category"].items():
        lines.append(f"  {name}: alpha {_figure(per['alpha'])}, kappa {_figure(per['kappa'])}")
    for row in figures["annotators"]:
        lines.append(f"  {row['name']}: agrees {_figure(row['agreement'])} with the others "
                     f"({row['pairs']} pairs of labels), kappa {_figure(row['kappa'])}")
    return lines
