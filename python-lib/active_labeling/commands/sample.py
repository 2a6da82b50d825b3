"""``active-labeling sample``: the Query Sampler on local files, with a pickled scikit-learn model."""

from __future__ import annotations

import argparse
import os

_HELP = """Rank the rows of a pool (CSV or Parquet file, or a folder of images or sounds) by how
useful labeling them would be, with a pickled scikit-learn classifier or pipeline, and write the
best ones with their score and rank. What the model receives: with --text-column, that column's
texts as a 1-D array of strings (a missing text is ''), as make_pipeline(TfidfVectorizer(),
LogisticRegression()) takes them; otherwise a DataFrame of the item columns (all but --id-column;
missing texts ''); for a folder, a DataFrame with one `path` column holding each file's path on
disk. The pool is read in chunks: only the best
candidates are kept in memory (unless --n 0 asks for every row, with a ranking strategy such as
margin). The default strategy, balanced, mixes diverse uncertain rows with a share of random
exploration picks set by the number of labels so far (--labeled) and, with --exploration-state,
by how often the model was wrong where it was sure on the earlier picks: see docs/strategies.md."""


def register(subparsers) -> None:
    """Add the ``sample`` subcommand."""
    from active_labeling.sampling.diversity import AUTO, SPACES
    from active_labeling.sampling.strategies import (
        AUTO_MEASURE,
        DEFAULT_STRATEGY,
        STRATEGIES,
        UNCERTAINTY_MEASURES,
    )
    from active_labeling.table_files import add_csv_arguments

    parser = subparsers.add_parser("sample", help="write the queries: the rows most useful to label",
                                   description=_HELP)
    parser.add_argument("--model", metavar="MODEL.pkl",
                        help="pickle of a fitted classifier with predict_proba (load only files you trust)")
    parser.add_argument("--predictions", metavar="FILE",
                        help="instead of --model, for boxes (serve --task boxes): a detector's output, one "
                             "row per image (path, prediction: its boxes with confidences), ranked by "
                             "the detector's uncertainty; the queries keep the boxes as pre-boxes")
    parser.add_argument("--data", required=True, metavar="PATH", help="CSV or Parquet file, or a folder")
    parser.add_argument("--out", required=True, metavar="PATH", help="queries file: .csv or .parquet")
    parser.add_argument("--strategy", choices=STRATEGIES, default=DEFAULT_STRATEGY,
                        help="default: %(default)s (diverse uncertain rows plus random exploration)")
    parser.add_argument("--n", type=int, default=1000,
                        help="queries to keep, 0 for all with a ranking strategy (default: %(default)s)")
    parser.add_argument("--chunk-size", type=int, default=10000,
                        help="rows read at a time (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of tie-breaks, random and clustering")
    parser.add_argument("--id-column", help="the item id column the labeling app uses, if any")
    parser.add_argument("--text-column", metavar="COLUMN",
                        help="a text pool (serve --kind text): the model receives this column's texts "
                             "as a 1-D array of strings")
    parser.add_argument("--labeled", metavar="METADATA",
                        help="CSV/Parquet decision log (item_id, status): its labeled items are left out, "
                             "and their number sets balanced's exploration share")
    parser.add_argument("--exploration-state", metavar="FILE.json",
                        help="balanced: a JSON file where sample keeps its exploration picks between runs "
                             "(created when missing); with --labeled, the picks labeled since set the "
                             "exploration share from how often the model was wrong where it was sure")
    parser.add_argument("--annotators-per-item", type=int, default=1, metavar="N",
                        help="with --labeled from a team (serve --annotators-per-item N): only items "
                             "with a final label (agreed, or settled by a reviewer) count as labeled")
    parser.add_argument("--disagreement", choices=("review", "majority"), default="review",
                        help="with --annotators-per-item: whether a majority settles a disagreement, as "
                             "serve --disagreement (default: review)")
    parser.add_argument("--diversity-measure", choices=[AUTO_MEASURE, *sorted(UNCERTAINTY_MEASURES)],
                        default=AUTO_MEASURE,
                        help="batch_diversity, balanced: uncertainty measure (default: %(default)s, the "
                             "strategy's own: margin_and_confidence for balanced, margin for "
                             "batch_diversity)")
    parser.add_argument("--diversity-factor", type=int, default=10,
                        help="batch_diversity, balanced: cluster the factor × n most uncertain rows "
                             "(%(default)s)")
    parser.add_argument("--diversity-space", choices=SPACES, default=AUTO,
                        help="batch_diversity, balanced: cluster in feature or probability space "
                             "(%(default)s)")
    add_csv_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Sample, write the queries, print the summary."""
    from active_labeling.cli import UserError
    from active_labeling.sampling.errors import SamplerError

    if args.predictions or not args.model:
        from active_labeling.commands.sample_detections import run_detections

        return run_detections(args)
    try:
        report, rule = _sample(args)
    except SamplerError as error:
        raise UserError(str(error)) from None
    print(f"model input: {rule.describe()}")
    for line in report.lines():
        print(line)
    return 0


def _sample(args: argparse.Namespace):
    from active_labeling.learning.model_input import ModelInput
    from active_labeling.local.models import PickledClassifier
    from active_labeling.sampling.errors import SamplerError
    from active_labeling.sampling.exclusion import LabeledFilter, labeled_item_ids
    from active_labeling.sampling.file_chunks import folder_paths, table_chunks
    from active_labeling.sampling.folder_rows import PATH_COLUMN, FolderRows
    from active_labeling.sampling.sampler import QuerySampler, SamplerSettings
    from active_labeling.sampling.strategies import BALANCED
    from active_labeling.sampling.surprise import exploration_picks
    from active_labeling.table_files import csv_format
    from active_labeling.teams.final import FinalRule

    csv = csv_format(args)
    out_extension = os.path.splitext(args.out)[1].lower()
    if out_extension not in (".csv", ".parquet"):
        raise SamplerError(f"--out {args.out}: give a file name ending in .csv or .parquet")
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        raise SamplerError(f"--out {args.out}: its folder does not exist; create it first")
    if args.chunk_size < 1:
        raise SamplerError("--chunk-size must be 1 or more")
    if not os.path.exists(args.data):
        raise SamplerError(f"--data {args.data}: no such file or folder")
    settings = SamplerSettings(strategy=args.strategy, n_queries=args.n, seed=args.seed,
                               diversity_measure=args.diversity_measure,
                               diversity_factor=args.diversity_factor, diversity_space=args.diversity_space)
    if os.path.isdir(args.data):
        if args.text_column:
            raise SamplerError(f"--text-column {args.text_column}: --data {args.data} is a folder; texts "
                               "come from a column of a CSV or Parquet file")
        rule = ModelInput.files(PATH_COLUMN)
    elif args.text_column:
        rule = ModelInput.text(args.text_column)
    else:
        rule = ModelInput.table([args.id_column])
    model = PickledClassifier(args.model, rule)
    if os.path.isdir(args.data):
        root = os.path.abspath(args.data)
        rows = FolderRows(folder_paths(root), lambda p: open(root + p, "rb"), args.chunk_size)  # noqa: SIM115
        chunks, id_column = rows, PATH_COLUMN

        def scorer(chunk):  # the model opens files: give it their real paths
            return model(chunk.assign(**{PATH_COLUMN: root + chunk[PATH_COLUMN]}))
    else:
        rows, chunks, scorer = None, table_chunks(args.data, args.chunk_size, csv), model
        id_column = args.id_column
    labeled, metadata = None, None
    if args.labeled:
        metadata = next(iter(table_chunks(args.labeled, 10 ** 9)), None)
        team = (FinalRule(args.annotators_per_item, args.disagreement, lambda a, b: float(a == b))
                if args.annotators_per_item > 1 else None)  # label texts compared as exported
        labeled = LabeledFilter(labeled_item_ids(metadata if metadata is not None else _no_rows(), team),
                                id_column)
    features = model.features if rows is None else None
    evidence = _read_evidence(args, metadata) if args.strategy == BALANCED else None
    sampler = QuerySampler(settings, scorer, labeled, model.version, id_column, features, evidence=evidence)
    queries, report = sampler.run(chunks)
    report.unreadable_files = rows.unreadable if rows is not None else 0
    try:
        if out_extension == ".csv":
            queries.to_csv(args.out, index=False)
        else:
            queries.to_parquet(args.out, index=False)
    except OSError as error:
        raise SamplerError(f"cannot write --out {args.out}: {error.strerror or error}") from None
    if evidence is not None and args.exploration_state:
        _write_evidence(args.exploration_state, evidence.with_picks(exploration_picks(queries, id_column)))
    return report, rule


def _read_evidence(args, metadata):
    from active_labeling.local.exploration_state import read_evidence_file
    from active_labeling.sampling.errors import SamplerError
    from active_labeling.sampling.surprise import ExplorationEvidence

    if not args.exploration_state or not os.path.exists(args.exploration_state):
        return ExplorationEvidence()  # the first run: the share's schedule alone
    try:
        evidence = read_evidence_file(args.exploration_state)
    except (OSError, ValueError) as error:
        raise SamplerError(f"--exploration-state {args.exploration_state}: not a state file written by "
                           f"sample ({error}); give another file name, or delete it to start over") from None
    return evidence.resolved_by_decisions(metadata)


def _write_evidence(path, evidence) -> None:
    from active_labeling.local.exploration_state import write_evidence_file
    from active_labeling.sampling.errors import SamplerError

    try:
        write_evidence_file(path, evidence)
    except OSError as error:
        raise SamplerError(f"cannot write --exploration-state {path}: {error.strerror or error}") from None


def _no_rows():
    import pandas as pd

    return pd.DataFrame({"item_id": [], "status": []})
