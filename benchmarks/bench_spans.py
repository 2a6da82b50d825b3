"""Text spans: the token tagger's active learning against a random order, and a retrain round's time.

Texts are generated (``active_labeling/analysis/span_corpus.py``: short sentences with PER, ORG and
LOC entities made of random syllables, 40 % of texts without any, sentence patterns of skewed
frequencies), then:

- **learning**: 5,000 pool texts and 1,000 held-out ones; from the same 20 random labels, batches of
  20 in the serving order of ``serve --task spans --retrain-every`` (the tagger's sequence
  uncertainty, ``1 - P(best path)^(1/tokens)``, with every fourth place a random text) or at random,
  up to 200 labels; the entity-level F1 on the held-out texts at equal labels, the mean of the
  repetitions. Target: uncertainty above random.
- **retrain round** (``serve --kind text --task spans --retrain-every``): a workspace with 200 labeled
  texts on a pool of 5,000; one round reads the pool, fits the tagger (and a second one on four
  fifths for the held-out F1), scores the 4,800 unlabeled texts and writes 1,000 queries with their
  spans. Target: at most 20 s.

24 repetitions: at 40 labels the gain over random is about 0.02 and one repetition's differs from
the next by 0.04 (standard deviation over 60), so fewer could not tell it from a tie.

Usage: ``python benchmarks/bench_spans.py [--quick]`` (quick: one repetition, up to 120 labels).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python-lib"))

POOL, HELD_OUT = 5000, 1000
ROUND_LABELS = 200
ROUND_TARGET_S = 20.0


def learning(repetitions: int, budget: int):
    """Mean held-out entity F1 per number of labels, for uncertainty and random."""
    import numpy as np

    from active_labeling.analysis.span_corpus import make_span_corpus
    from active_labeling.learning.span_tagger import SpanTagger, entity_f1
    from active_labeling.sampling.span_order import serving_order

    corpus = make_span_corpus(POOL + HELD_OUT, seed=11)
    texts = [c["text"] for c in corpus]
    spans = [c["spans"] for c in corpus]
    test = range(POOL, POOL + HELD_OUT)
    test_texts, test_truth = [texts[i] for i in test], [spans[i] for i in test]
    curves = {"uncertainty": {}, "random": {}}
    for repetition in range(repetitions):
        rng = np.random.default_rng(repetition)
        order = [int(i) for i in rng.permutation(POOL)]
        picks_rng = np.random.default_rng([repetition, 1])  # the random quarter of the uncertainty order
        for strategy in curves:
            chosen = order[:20]
            while True:
                tagger = SpanTagger().fit([texts[i] for i in chosen], [spans[i] for i in chosen])
                f1 = entity_f1(test_truth, tagger.spans(test_texts))
                curves[strategy].setdefault(len(chosen), []).append(f1)
                if len(chosen) >= budget:
                    break
                if strategy == "random":
                    chosen = order[:len(chosen) + 20]
                    continue
                taken = set(chosen)
                rest = [i for i in range(POOL) if i not in taken]
                candidates = [texts[i] for i in rest]
                scores = [p.uncertainty for p in tagger.predict(candidates)]
                chosen = chosen + [rest[k] for k in serving_order(candidates, scores, 20, picks_rng)]
    return {s: {n: sum(v) / len(v) for n, v in c.items()} for s, c in curves.items()}


def retrain_round(folder: Path) -> dict:
    """Time one spans round on a workspace of ``POOL`` texts holding ``ROUND_LABELS`` labels."""
    import pandas as pd

    from active_labeling.analysis.span_corpus import make_span_corpus
    from active_labeling.local.app import LocalSetup, build_app
    from active_labeling.local.retrain_round import RetrainSettings
    from active_labeling.local.retrain_spans import run_spans_round
    from active_labeling.local.workspace import DB_NAME, connect

    corpus = make_span_corpus(POOL, seed=5)
    data = folder / "pool.csv"
    pd.DataFrame({"id": [f"t{i}" for i in range(POOL)], "text": [c["text"] for c in corpus]}).to_csv(
        data, index=False)
    truth = {f"t{i}": c["spans"] for i, c in enumerate(corpus)}
    local = build_app(LocalSetup(kind="text", data=data, categories=["PER", "ORG", "LOC"], task="spans",
                                 id_column="id", text_column="text", workspace=folder / "ws",
                                 annotator="bench", synchronous="NORMAL"))
    labeled = 0
    while labeled < ROUND_LABELS:
        for item in local.service.batch("bench", 100)["items"][:ROUND_LABELS - labeled]:
            local.service.label("bench", item["id"], truth[item["id"]])
            labeled += 1
    local.close()
    settings = RetrainSettings(kind="text", data=data, workspace=folder / "ws", every=1, id_column="id",
                               text_column="text", task="spans")
    db = connect(folder / "ws" / DB_NAME)
    try:
        started = time.perf_counter()
        entry, _ = run_spans_round(settings, db, 1)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    return {"labels": entry["labels"], "queries": entry["queries"], "seconds": seconds,
            "entity_f1": entry["entity_f1"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repetitions, budget = (1, 120) if args.quick else (24, 200)
    curves = learning(repetitions, budget)
    print(f"Spans: held-out entity F1 ({HELD_OUT} texts), pool of {POOL}, mean of {repetitions} "
          "repetition(s)")
    print(f"{'labels':>7} {'uncertainty':>12} {'random':>8} {'gain':>7}")
    counts = sorted(curves["random"])
    for n in counts:
        u, r = curves["uncertainty"][n], curves["random"][n]
        print(f"{n:>7} {u:>12.3f} {r:>8.3f} {u - r:>+7.3f}")
    above = [n for n in counts[1:] if curves["uncertainty"][n] > curves["random"][n]]
    print(f"uncertainty above random at {len(above)} of {len(counts) - 1} label counts after the first 20 "
          f"({', '.join(map(str, above)) or 'none'}; target: above it at equal labels) -> "
          f"{'ok' if len(above) == len(counts) - 1 else 'MISSED'}")
    with tempfile.TemporaryDirectory() as folder:
        done = retrain_round(Path(folder))
    verdict = "ok" if done["seconds"] <= ROUND_TARGET_S else "MISSED"
    print(f"retrain round: {POOL} texts, {done['labels']} labels, {done['queries']} queries, "
          f"{done['seconds']:.1f} s (target <= {ROUND_TARGET_S:.0f} s) -> {verdict}; held-out entity F1 of "
          f"the labels {done['entity_f1']}")


if __name__ == "__main__":
    main()
