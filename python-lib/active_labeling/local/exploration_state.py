"""``balanced``'s exploration evidence kept in a JSON file between local runs.

``active-labeling sample --exploration-state FILE`` and the retrain loop
(``retrain/exploration.json``) keep it there; DSS keeps it in project variables
(:mod:`active_labeling.sampling.surprise`).
"""

from __future__ import annotations

import json
from pathlib import Path

from active_labeling.atomic_files import write_text_atomically
from active_labeling.sampling.surprise import ExplorationEvidence


def read_evidence_file(path: Path) -> ExplorationEvidence:
    """The evidence in the JSON file :func:`write_evidence_file` wrote.

    Raises
    ------
    OSError, ValueError
        The file cannot be read, or is not JSON.
    """
    return ExplorationEvidence.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def write_evidence_file(path: Path, evidence: ExplorationEvidence) -> None:
    """Replace the JSON file ``path`` with ``evidence``, atomically (raises OSError)."""
    write_text_atomically(path, json.dumps(evidence.to_json()))
