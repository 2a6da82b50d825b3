"""``active-labeling simulate --task spans``: strategies for text spans compared by entity-level F1."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Dict, List, Tuple

from active_labeling.cli import UserError

BUILTIN = "builtin:entities"  # generated texts with PER, ORG and LOC spans (analysis/span_corpus.py)
BUILTIN_TEXTS = 2000


def _load(args: argparse.Namespace) -> Tuple[List[str], List[List[Dict[str, Any]]]]:
    from active_labeling.tasks.spans import parse_spans

    if args.data == BUILTIN:
        from active_labeling.analysis.span_corpus import make_span_corpus

        corpus = make_span_corpus(BUILTIN_TEXTS, seed=args.seed)
        return [str(c["text"]) for c in corpus], [list(c["spans"]) for c in corpus]
    if args.data.startswith("builtin:"):
        raise UserError(f"--data {args.data}: with --task spans the builtin data is {BUILTIN}")
    path = Path(args.data)
    if not path.is_file():
        raise UserError(f"--data: {path} is not a CSV or Parquet file (--task spans reads a table of texts)")
    if not args.text_column or not args.target:
        raise UserError("--task spans: give --text-column (the texts) and --target (their spans, JSON lists "
                        'of {"start", "end", "category"} with Python string offsets)')
    from active_labeling.commands.simulate import _read

    table = _read(path, args)
    missing = [c for c in (args.text_column, args.target) if c not in table.columns]
    if missing:
        raise UserError(f"--data {path} has no column {missing[0]!r} (columns: "
                        f"{', '.join(map(str, table.columns))})")
    texts, spans = [], []
    for row, (text, cell) in enumerate(zip(table[args.text_column], table[args.target]), 2):
        text = "" if text is None or text != text else str(text)
        try:
            found = parse_spans(cell)
        except ValueError as error:
            raise UserError(f"--target {args.target}, row {row}: not a list of spans ({error})") from None
        for span in found:
            held = text[span["start"]:span["end"]]
            if span["end"] > len(text) or (span["text"] is not None and held != span["text"]):
                raise UserError(f"--target {args.target}, row {row}: span {span['start']}-{span['end']} does "
                                "not fit the text (offsets are Python string indices)")
        texts.append(text)
        spans.append(found)
    return texts, spans


def run(args: argparse.Namespace) -> int:
    """Simulate, print the table of mean entity F1 per number of labels, write the curves."""
    from active_labeling.analysis.span_simulation import (
        SPAN_STRATEGIES,
        SpanSimulationSettings,
        simulate_spans,
        summary_table,
    )

    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    if args.strategies_default:
        strategies = list(SPAN_STRATEGIES)
    texts, spans = _load(args)
    settings = SpanSimulationSettings(strategies=tuple(strategies), batch_size=args.batch_size,
                                      initial_labels=args.initial_labels, budget=args.budget,
                                      repetitions=args.repetitions, seed=args.seed)
    try:
        curves = simulate_spans(texts, spans, settings,
                                progress=None if args.quiet else lambda line: print(f"  {line}", flush=True))
    except ValueError as error:
        raise UserError(str(error)) from None
    table = summary_table(curves)
    print("mean entity-level F1 on held-out texts (rows: labels; columns: strategies)")
    print(table.round(3).to_string())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    curves.to_csv(out / "span_learning_curves.csv", index=False)
    (out / "span_summary.json").write_text(json.dumps(
        {str(k): {s: round(float(v), 4) for s, v in row.items()} for k, row in table.iterrows()}, indent=1))
    print(f"wrote {out / 'span_learning_curves.csv'}, {out / 'span_summary.json'}")
    return 0
