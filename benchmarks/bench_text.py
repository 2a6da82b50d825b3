"""Text pools: a retrain round of the default text model, and the Query Sampler against the
model's own predict_proba.

Texts are generated (``tests/text_corpus.py``: about 20 words each from a 30,000-word Zipf-like
vocabulary), then:

- **retrain round** (``serve --kind text --retrain-every``): a workspace with 1,000 labels on a pool
  of 100,000 texts; one round reads the pool, cross-validates and fits the default text model (word
  and character n-gram TF-IDF, hashed for a pool this large, logistic regression), scores the 99,000
  unlabeled texts with the balanced strategy and writes the queries. Target: at most 10 s.
- **Query Sampler**: the default text model fitted on 2,000 texts and pickled; (a) reading a
  1,000,000-text Parquet file in 10,000-row chunks plus the model's own ``predict_proba`` on each
  chunk's text column, (b) the sampler of ``active-labeling sample --text-column`` (margin, 1,000
  queries) on the same reading. Target: (b)/(a) at most 1.15. Balanced (the default), informative.
  The best of two runs of each, interleaved: the machine may be shared.

Usage: ``python benchmarks/bench_text.py [--quick]`` (quick: 200,000 texts for the sampler, 20,000
for the round).
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python-lib"))
sys.path.insert(0, str(ROOT / "tests"))

from text_corpus import sentences  # noqa: E402

ROW_GROUP = 100_000
CHUNK = 10_000
ROUND_LABELS = 1000
ROUND_TARGET_S = 10.0
RATIO_TARGET = 1.15


def write_pool(path: Path, n_texts: int) -> None:
    """A Parquet file of ``n_texts`` texts and their labels, written a row group at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    for group, start in enumerate(range(0, n_texts, ROW_GROUP)):
        table = pa.Table.from_pandas(sentences(min(ROW_GROUP, n_texts - start), seed=group),
                                     preserve_index=False)
        writer = writer or pq.ParquetWriter(str(path), table.schema)
        writer.write_table(table)
    writer.close()


def retrain_round(folder: Path, n_texts: int) -> dict:
    """Time one retrain round on a workspace holding ``ROUND_LABELS`` labels."""
    from active_labeling.local.app import LocalSetup, build_app
    from active_labeling.local.retrain_round import RetrainSettings, run_round
    from active_labeling.local.workspace import DB_NAME, connect

    table = sentences(n_texts, seed=7)
    data = folder / "pool.csv"
    table[["text"]].to_csv(data, index=False)
    truth = dict(zip(table["text"], table["label"]))
    local = build_app(LocalSetup(kind="text", data=data, categories=["a", "b"], workspace=folder / "ws",
                                 annotator="bench", synchronous="NORMAL"))
    labeled = 0
    while labeled < ROUND_LABELS:
        for item in local.service.batch("bench", 100)["items"][:ROUND_LABELS - labeled]:
            local.service.label("bench", item["id"], truth[item["data"]["text"]])
            labeled += 1
    local.close()
    settings = RetrainSettings(kind="text", data=data, workspace=folder / "ws", every=1, text_column="text")
    db = connect(folder / "ws" / DB_NAME)
    try:
        started = time.perf_counter()
        entry, _ = run_round(settings, db, 1)
        seconds = time.perf_counter() - started
    finally:
        db.close()
    return {"texts": n_texts, "labels": entry["labels"], "queries": entry["queries"], "seconds": seconds,
            "accuracy": entry["accuracy"], "features": entry["features"]}


def fit_model(pool: Path, model_path: Path) -> None:
    import pyarrow.parquet as pq

    from active_labeling.learning.model_input import texts
    from active_labeling.learning.text import text_pipeline

    first = next(pq.ParquetFile(str(pool)).iter_batches(batch_size=2000)).to_pandas()
    model = text_pipeline(pool_size=10 ** 6).fit(texts(first["text"]), first["label"])
    model_path.write_bytes(pickle.dumps(model))


def predict_only(pool: Path, model_path: Path) -> float:
    from active_labeling.sampling.file_chunks import table_chunks

    with open(model_path, "rb") as stream:
        model = pickle.load(stream)
    started = time.perf_counter()
    for chunk in table_chunks(str(pool), CHUNK):
        model.predict_proba(chunk["text"])  # the model's own call on the column of texts
    return time.perf_counter() - started


def sampler(pool: Path, model_path: Path, strategy: str) -> float:
    from active_labeling.learning.model_input import ModelInput
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.file_chunks import table_chunks
    from active_labeling.sampling.sampler import QuerySampler, SamplerSettings

    started = time.perf_counter()
    model = PickledClassifier(str(model_path), ModelInput.text("text"))
    run = QuerySampler(SamplerSettings(strategy=strategy, n_queries=1000), model, None, model.version,
                       None, model.features)
    queries, report = run.run(table_chunks(str(pool), CHUNK))
    assert report.rows_scored == report.rows_read and len(queries) == 1000
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200,000 texts to sample, 20,000 to retrain on")
    args = parser.parse_args(argv)
    n_sample, n_round = (200_000, 20_000) if args.quick else (1_000_000, 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "round").mkdir()
        round_figures = retrain_round(root / "round", n_round)
        shutil.rmtree(root / "round")
        pool, model = root / "pool.parquet", root / "model.pkl"
        started = time.perf_counter()
        write_pool(pool, n_sample)
        generated = time.perf_counter() - started
        fit_model(pool, model)
        own, margin_runs = [], []
        for _ in range(2):
            own.append(predict_only(pool, model))
            margin_runs.append(sampler(pool, model, "margin"))
        balanced = sampler(pool, model, "balanced")
        size_mb = os.path.getsize(pool) / 1e6

    print(f"Retrain round of the default text model: {round_figures['texts']:,} texts of about 20 words, "
          f"{round_figures['labels']:,} labels")
    print(f"  {round_figures['features']}")
    verdict = "met" if round_figures["seconds"] <= ROUND_TARGET_S else "MISSED"
    scored = round_figures["texts"] - round_figures["labels"]
    print(f"  round (read, cross-validate, fit, score {scored:,} texts, balanced queries, write): "
          f"{round_figures['seconds']:.1f} s, target <= {ROUND_TARGET_S:.0f} s: "
          f"{verdict}; CV accuracy {round_figures['accuracy']:.3f}, {round_figures['queries']} queries")
    print()
    print(f"Query Sampler on {n_sample:,} texts ({size_mb:.0f} MB Parquet, generated in {generated:.0f} s), "
          f"{CHUNK:,}-row chunks, default text model (hashed), best of 2")
    header = f"{'run':<46} {'seconds':>8} {'texts/s':>9} {'ratio':>6}  target"
    print(header)
    print("-" * len(header))
    base = min(own)
    rows = [("read + model's own predict_proba", base, None),
            ("sampler, margin, 1,000 queries", min(margin_runs), RATIO_TARGET),
            ("sampler, balanced (default), 1,000 queries", balanced, None)]
    for name, seconds, target in rows:
        ratio = seconds / base
        goal = "" if target is None else f"<= {target:.2f}: " + ("met" if ratio <= target else "MISSED")
        print(f"{name:<46} {seconds:>8.1f} {n_sample / seconds:>9,.0f} {ratio:>6.3f}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
