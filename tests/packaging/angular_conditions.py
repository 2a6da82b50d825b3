"""``visibilityCondition`` evaluated as DSS's settings form does: AngularJS ``$scope.$eval``.

DSS 9.0.5 runs AngularJS 1.6.10 (``frontend/static/dataiku/js/directives/autoconfig-forms.js``).
An AngularJS expression is not JavaScript: names are looked up on the scope, which holds only
``model``, so ``Object``, ``Math``, ``JSON`` or ``Array`` are undefined there. The real AngularJS,
pinned in ``angular_eval/package-lock.json``, runs under node (``make angular-eval`` installs both);
one node process evaluates every expression on every model.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

EVALUATOR = Path(__file__).resolve().with_name("angular_eval")
ANGULAR_VERSION = "1.6.10"  # the one DSS 9.0.5 ships
INSTALL_HINT = ("run `make angular-eval` (it installs node and npm from Debian when missing, then "
                "`npm ci` in tests/packaging/angular_eval)")


class EvaluatorMissing(RuntimeError):
    """node or the pinned AngularJS is not installed; the message says how to install them."""


@dataclass(frozen=True)
class Evaluation:
    """One expression evaluated on each of ``models``.

    ``error`` is set when the expression does not parse; otherwise, per model, ``values`` holds the
    result as JSON text (``"undefined"`` when undefined), ``shown`` whether DSS shows the parameter
    and ``errors`` what the evaluation threw (None when it did not).
    """

    expression: str
    models: Tuple[Dict[str, Any], ...]
    error: Optional[str] = None
    values: Tuple[Optional[str], ...] = ()
    shown: Tuple[Optional[bool], ...] = ()
    errors: Tuple[Optional[str], ...] = ()


def as_form_model(raw: Dict[str, Any]) -> Dict[str, Any]:
    """The form's ``model`` for a raw config: a parameter not set (None) is absent, as in DSS."""
    return {name: value for name, value in raw.items() if value is not None}


def evaluate(cases: Sequence[Tuple[str, Sequence[Dict[str, Any]]]]) -> List[Evaluation]:
    """Evaluate each ``(expression, models)`` case with AngularJS, in one node process.

    Parameters
    ----------
    cases : sequence of (str, sequence of dict)
        Expressions and the models (JSON-like dicts) to evaluate each on.

    Returns
    -------
    list of Evaluation
        One per case, in order.

    Raises
    ------
    EvaluatorMissing
        When node or the pinned AngularJS is not installed.
    """
    node = shutil.which("node")
    if node is None:
        raise EvaluatorMissing(f"node is not installed: {INSTALL_HINT}")
    if not (EVALUATOR / "node_modules" / "angular" / "angular.js").is_file():
        raise EvaluatorMissing(f"AngularJS is not installed in {EVALUATOR}: {INSTALL_HINT}")
    request = {"cases": [{"expression": expression, "models": list(models)} for expression, models in cases]}
    done = subprocess.run([node, str(EVALUATOR / "evaluate.js")], input=json.dumps(request),
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"the AngularJS evaluator failed:\n{done.stderr}")
    answer = json.loads(done.stdout)
    if answer["angular"] != ANGULAR_VERSION:
        raise EvaluatorMissing(f"AngularJS {answer['angular']} is installed, not {ANGULAR_VERSION}: "
                               f"{INSTALL_HINT}")
    return [Evaluation(expression, tuple(models), result.get("error"), tuple(result.get("values", ())),
                       tuple(result.get("shown", ())), tuple(result.get("errors", ())))
            for (expression, models), result in zip(cases, answer["results"])]
