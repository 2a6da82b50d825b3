"""A spans workspace's labels for training elsewhere: spaCy-style JSONL and IOB (CoNLL) tokens.

``export --format spacy`` writes ``spans.jsonl``: one line per labeled text,
``{"text": ..., "spans": [{"start", "end", "label"}], "meta": {"item_id": ...}}`` with character
offsets into the text (Python string indices, what spaCy's ``Doc.char_span`` takes). A text
labeled "nothing to mark" has ``"spans": []``.

``export --format conll`` writes ``spans.conll``: for each labeled text a ``# item_id = ...`` line,
then one token per line, ``token<TAB>tag`` with IOB2 tags (``B-PER``, ``I-PER``, ``O``), and a blank
line. Tokens are those of :mod:`active_labeling.tasks.tokens`; a token inside a span is one that
starts in it; where overlapping spans were allowed the longest one gives the tags (IOB has one
tag per token). A token holding a tab or a line break can't happen: those separate tokens.

When several annotators labeled a text the latest label is kept, as in the COCO export.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

from active_labeling.atomic_files import write_text_atomically
from active_labeling.local.workspace import Workspace
from active_labeling.tasks import default_task, task_of
from active_labeling.tasks.tokens import iob_tags, tokenize

FILES = {"spacy": "spans.jsonl", "conll": "spans.conll"}


class SpansExportError(Exception):
    """The spans can't be exported as asked; nothing was written."""


def labeled_texts(workspace: Workspace) -> List[Tuple[str, str, List[Dict[str, Any]]]]:
    """``(item id, text, spans)`` of every labeled text, the latest label of each, by item id."""
    setup = workspace.setup()
    task = task_of(default_task(setup.get("task"), bool(setup.get("multi_label"))))
    if task.name != "spans":
        raise SpansExportError(f"--format spacy and conll hold spans, and this workspace holds {task.name} "
                               "labels: use --format csv or parquet, or export a workspace served with "
                               "--task spans")
    column = setup.get("text_column")
    latest: Dict[str, Tuple[Dict[str, Any], Any]] = {}
    for item_id, label, values in workspace.db.execute(
            "SELECT item_id, label, item_values FROM labels ORDER BY label_id"):
        latest[item_id] = (json.loads(values) if values else {}, json.loads(label))
    out = []
    for item_id in sorted(latest):
        record, spans = latest[item_id]
        name = column if column is not None else (next(iter(record)) if len(record) == 1 else None)
        if name is None or name not in record:
            raise SpansExportError(f"the stored rows don't say which column holds the texts (columns: "
                                   f"{', '.join(record)}): serve the workspace once with --text-column, "
                                   "then export again")
        text = record[name]
        out.append((item_id, "" if text is None else str(text), spans if isinstance(spans, list) else []))
    return out


def spacy_lines(texts: List[Tuple[str, str, List[Dict[str, Any]]]]) -> List[str]:
    """The JSONL lines of ``--format spacy``."""
    return [json.dumps({"text": text, "spans": [{"start": s["start"], "end": s["end"], "label": s["category"]}
                                                for s in spans],
                        "meta": {"item_id": item_id}}, ensure_ascii=False)
            for item_id, text, spans in texts]


def conll_lines(texts: List[Tuple[str, str, List[Dict[str, Any]]]]) -> List[str]:
    """The lines of ``--format conll`` (IOB2 tags)."""
    lines: List[str] = []
    for item_id, text, spans in texts:
        tokens = tokenize(text)
        lines.append(f"# item_id = {item_id}")
        lines.extend(f"{text[s:e]}\t{tag}" for (s, e), tag in zip(tokens, iob_tags(tokens, spans)))
        lines.append("")
    return lines


def export_spans(workspace: Workspace, out: Union[str, Path], fmt: str) -> Dict[str, Any]:
    """Write ``out/spans.jsonl`` (spacy) or ``out/spans.conll`` (conll); returns ``{"path", "texts"}``."""
    texts = labeled_texts(workspace)
    lines = spacy_lines(texts) if fmt == "spacy" else conll_lines(texts)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILES[fmt]
    write_text_atomically(path, "".join(line + "\n" for line in lines))
    return {"path": path, "texts": len(texts)}
