"""Query Sampler speed and memory against the model's own predict_proba.

Generates numeric Parquet pools (20 features, row groups of 100,000) in a temporary folder, fits a
scikit-learn logistic regression on a small sample, then measures:

- wall time of (a) reading the pool in chunks + ``predict_proba`` only, and (b) the full sampler
  (margin strategy, 1,000 queries) on the same reading, at two chunk sizes; target (b)/(a) ≤ 1.15;
  the same at 10,000-row chunks on a pool with a text item id as well (informative: such rows are
  kept as DataFrames, numeric ones as numpy matrices, see ``sampling/row_store.py``);
- wall time of the other strategies, and of leaving out labeled rows (informative, no target);
- peak RSS of the sampler on the small and the large pool, each in a fresh subprocess
  (``resource.getrusage``), with margin and with balanced (which keeps a second bounded set of
  random exploration candidates); target: the large run within 300 MB of the small one.

Usage: ``python benchmarks/bench_sampler.py [--quick]`` (quick: 100,000 and 500,000 rows).
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Tuple

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python-lib"))

N_FEATURES = 20
FEATURES = [f"f{i}" for i in range(N_FEATURES)]
ROW_GROUP = 100_000
REPEATS = 21  # the machine may be shared: the best and the median run are both shown


def write_pool(path: str, n_rows: int, seed: int = 0, with_id: bool = False) -> None:
    """A numeric Parquet pool, written a row group at a time so that generating it stays small.

    ``with_id`` adds a text ``item`` column first, as a DSS dataset with an item id has.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, n_rows, ROW_GROUP):
        block = rng.normal(size=(min(ROW_GROUP, n_rows - start), N_FEATURES))
        columns = {name: block[:, i] for i, name in enumerate(FEATURES)}
        if with_id:
            columns = {"item": [f"item-{start + i}" for i in range(len(block))], **columns}
        table = pa.table(columns)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    writer.close()


def fit_model(pool: str, model_path: str) -> None:
    import pyarrow.parquet as pq
    from sklearn.linear_model import LogisticRegression

    sample = next(pq.ParquetFile(pool).iter_batches(batch_size=20_000)).to_pandas()
    sample = sample[FEATURES]
    rng = np.random.default_rng(1)
    weights = rng.normal(size=N_FEATURES)
    labels = np.where(sample.to_numpy() @ weights + rng.normal(size=len(sample)) > 0, "yes", "no")
    with open(model_path, "wb") as handle:
        pickle.dump(LogisticRegression(max_iter=500).fit(sample, labels), handle)


def predict_only(pool: str, model_path: str, chunk_size: int) -> Tuple[float, float]:
    """Wall and CPU time of reading the pool in chunks and calling ``predict_proba`` on each."""
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.file_chunks import table_chunks

    model = PickledClassifier(model_path)
    started, cpu = time.perf_counter(), time.process_time()
    for chunk in table_chunks(pool, chunk_size):
        model.estimator.predict_proba(model.inputs(chunk))  # its own columns, as any predict selects
    return time.perf_counter() - started, time.process_time() - cpu


def sample(pool: str, model_path: str, chunk_size: int, strategy: str = "margin") -> Tuple[float, float]:
    """Wall and CPU time of the sampler on the same reading."""
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.file_chunks import table_chunks
    from active_labeling.sampling.sampler import QuerySampler, SamplerSettings

    sampler = QuerySampler(SamplerSettings(strategy=strategy, n_queries=1000), PickledClassifier(model_path))
    started, cpu = time.perf_counter(), time.process_time()
    sampler.run(table_chunks(pool, chunk_size))
    return time.perf_counter() - started, time.process_time() - cpu


def variant(pool: str, model_path: str, strategy: str, labeled: int) -> float:
    """Wall time of one sampler run with another strategy, or leaving out ``labeled`` known items."""
    from active_labeling.items import ids_from_hashes, row_hashes
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.exclusion import LabeledFilter
    from active_labeling.sampling.file_chunks import table_chunks
    from active_labeling.sampling.sampler import QuerySampler, SamplerSettings

    exclusion = None
    if labeled:
        head = next(table_chunks(pool, labeled))
        exclusion = LabeledFilter(ids_from_hashes(row_hashes(head)))
    sampler = QuerySampler(SamplerSettings(strategy=strategy, n_queries=1000), PickledClassifier(model_path),
                           exclusion)
    started = time.perf_counter()
    sampler.run(table_chunks(pool, ROW_GROUP))
    return time.perf_counter() - started


def own_work(pool: str, model_path: str, chunk_size: int) -> float:
    """CPU time of the sampler alone: scores, tie-breaks and top-k, on probabilities computed beforehand."""
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.file_chunks import table_chunks
    from active_labeling.sampling.sampler import QuerySampler, SamplerSettings

    model = PickledClassifier(model_path)
    chunks = list(table_chunks(pool, chunk_size))
    answers = {id(chunk): model(chunk) for chunk in chunks}
    sampler = QuerySampler(SamplerSettings(strategy="margin", n_queries=1000), lambda c: answers[id(c)])
    times = []
    for _ in range(REPEATS):
        started = time.process_time()
        sampler.run(chunks)
        times.append(time.process_time() - started)
    return min(times)


def peak_rss_mb(pool: str, model_path: str, chunk_size: int, strategy: str = "margin") -> float:
    """Peak RSS of one sampler run in a fresh interpreter."""
    command = [sys.executable, __file__, "--rss-child", pool, model_path, str(chunk_size), strategy]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return float(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 and 500,000 rows")
    parser.add_argument("--rss-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_child:
        pool, model_path, chunk_size, strategy = args.rss_child
        sample(pool, model_path, int(chunk_size), strategy)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux
        return
    small, large = (100_000, 500_000) if args.quick else (1_000_000, 5_000_000)
    with tempfile.TemporaryDirectory() as folder:
        small_pool, large_pool = os.path.join(folder, "small.parquet"), os.path.join(folder, "large.parquet")
        model_path = os.path.join(folder, "model.pkl")
        write_pool(small_pool, small)
        fit_model(small_pool, model_path)
        id_pool = os.path.join(folder, "with_id.parquet")
        write_pool(id_pool, small, with_id=True)
        print(f"Query Sampler vs predict_proba: {small:,} rows x {N_FEATURES} features, "
              f"logistic regression, margin, 1,000 queries ({REPEATS} interleaved runs, "
              f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print("ratio: sampler / predict only, of the best runs, of the medians, and the median of the "
              "ratios of back-to-back pairs (least moved by a busy machine)")
        print(f"{'pool':<24} | {'chunk size':>10} | {'predict only (s) best/median':>28} | "
              f"{'sampler (s) best/median':>23} | {'ratio best/median/paired':>24} | "
              f"{'CPU ratio':>9} | target")
        for label, pool, chunk_size, target in (("20 features", small_pool, 10_000, "≤ 1.15"),
                                                ("20 features", small_pool, ROW_GROUP, "≤ 1.15"),
                                                ("20 features + text id", id_pool, 10_000, "info")):
            base, full = [], []
            for run in range(REPEATS):  # interleaved, in alternating order, so that noise hurts both alike
                if run % 2:
                    full.append(sample(pool, model_path, chunk_size))
                    base.append(predict_only(pool, model_path, chunk_size))
                else:
                    base.append(predict_only(pool, model_path, chunk_size))
                    full.append(sample(pool, model_path, chunk_size))
            b = (min(w for w, _ in base), statistics.median(w for w, _ in base))
            f = (min(w for w, _ in full), statistics.median(w for w, _ in full))
            paired = statistics.median(fw / bw for (bw, _), (fw, _) in zip(base, full))
            cpu = min(c for _, c in full) / min(c for _, c in base)  # hardly moved by busy neighbours
            print(f"{label:<24} | {chunk_size:>10,} | {b[0]:>13.3f} / {b[1]:<12.3f} | {f[0]:>10.3f} / "
                  f"{f[1]:<10.3f} | {f[0] / b[0]:>8.2f} / {f[1] / b[1]:.2f} / {paired:<6.2f} | {cpu:>9.2f} | "
                  f"{target}")
        print(f"sampler's own work (probabilities precomputed), per {small:,} rows: "
              f"{own_work(small_pool, model_path, ROW_GROUP) * 1000:.0f} ms")
        print()
        print(f"{'strategy (chunk 100,000, one run)':<56} | {'sampler (s)':>11}")
        for strategy, labeled in (("entropy", 0), ("random", 0), ("batch_diversity", 0), ("balanced", 0),
                                  ("margin", 1000)):
            label = strategy + (f", {labeled:,} labeled rows left out (content hashes)" if labeled else "")
            print(f"{label:<56} | {variant(small_pool, model_path, strategy, labeled):>11.3f}")
        write_pool(large_pool, large, seed=2)
        print()
        print(f"{'strategy':<10} | {'pool rows':>10} | {'peak RSS (MB)':>13}")
        for strategy in ("margin", "balanced"):
            rss_small = peak_rss_mb(small_pool, model_path, ROW_GROUP, strategy)
            rss_large = peak_rss_mb(large_pool, model_path, ROW_GROUP, strategy)
            print(f"{strategy:<10} | {small:>10,} | {rss_small:>13.0f}")
            print(f"{strategy:<10} | {large:>10,} | {rss_large:>13.0f}")
            print(f"{strategy}: difference {rss_large - rss_small:.0f} MB (target ≤ 300)")


if __name__ == "__main__":
    main()
