"""``active-labeling simulate``: compare query strategies on data that is already labeled."""

from __future__ import annotations

import argparse
from pathlib import Path

from active_labeling.cli import UserError
from active_labeling.table_files import add_csv_arguments

DEFAULT_STRATEGIES = "random,margin,batch_diversity,balanced"


def register(subparsers) -> None:
    """Add the ``simulate`` subcommand."""
    parser = subparsers.add_parser(
        "simulate", help="compare query strategies on fully labeled data (learning curves)",
        description="Simulate active learning on labeled data: each strategy picks batches to label, "
                    "the true labels are revealed, and a held-out set measures the model. Prints "
                    "the summary table; writes learning_curves.csv, summary.csv and PNG plots.")
    parser.add_argument("--data", required=True,
                        help="a CSV/Parquet file, a folder of images/sounds (class subfolders, or "
                             "--labels), or builtin:NAME (iris, wine, breast_cancer, digits, "
                             "imbalanced, hidden_clusters)")
    parser.add_argument("--target", help="the label column (tables and --labels)")
    parser.add_argument("--text-columns", default="", metavar="COLUMN,...",
                        help="columns to read as free text (word and character n-gram TF-IDF), whatever "
                             "they look like; long or wordy, mostly distinct columns are read as text anyway")
    parser.add_argument("--labels", help="for a folder: a CSV/Parquet with a 'path' column and the "
                                         "--target column")
    parser.add_argument("--kind", choices=("image", "sound"), default="image", help="for a folder")
    parser.add_argument("--strategies", default=None,
                        help=f"comma-separated (default {DEFAULT_STRATEGIES}; also least_confidence, "
                             "entropy; --task spans: random,uncertainty)")
    parser.add_argument("--task", choices=("category", "spans"), default="category",
                        help="category (default): one class per item; spans: spans of texts marked with "
                             "categories, compared by entity-level F1 (--data a table with --text-column "
                             "and --target holding each text's spans as JSON, or builtin:entities)")
    parser.add_argument("--text-column", metavar="COLUMN", help="--task spans: the column of the texts")
    parser.add_argument("--model", default="logistic_regression",
                        choices=("logistic_regression", "random_forest", "gradient_boosting"))
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--initial-labels", type=int, default=20)
    parser.add_argument("--budget", type=int, default=300, help="labels at the end, initial ones included")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--eval-every", type=int, default=1, help="measure the curve every N rounds")
    parser.add_argument("--out", default="simulation", help="output folder (default ./simulation)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    add_csv_arguments(parser, "the CSV file (--data or --labels)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    args.strategies_default = args.strategies is None
    if args.strategies is None:
        args.strategies = DEFAULT_STRATEGIES
    if args.task == "spans":
        from active_labeling.commands import simulate_spans

        return simulate_spans.run(args)
    from active_labeling.analysis.outputs import format_summary, summary_notes, summary_of, write_local
    from active_labeling.analysis.policies import SIMULATED_STRATEGIES
    from active_labeling.analysis.prepare import PreparationError
    from active_labeling.analysis.simulation import SimulationSettings, run_simulation

    strategies = [s.strip() for s in args.strategies.split(",") if s.strip()]
    unknown = [s for s in strategies if s not in SIMULATED_STRATEGIES]
    if unknown or not strategies:
        raise UserError(f"--strategies: unknown {', '.join(unknown) or '(none given)'}; "
                        f"choose among {', '.join(SIMULATED_STRATEGIES)}")
    for name in ("batch_size", "initial_labels", "budget", "repetitions", "eval_every"):
        if getattr(args, name) < 1:
            raise UserError(f"--{name.replace('_', '-')} must be at least 1")
    try:
        X, y = _load(args)
    except PreparationError as error:
        raise UserError(str(error)) from None
    settings = SimulationSettings(model=args.model, strategies=tuple(strategies), batch_size=args.batch_size,
                                  initial_labels=args.initial_labels, budget=args.budget,
                                  repetitions=args.repetitions, seed=args.seed, eval_every=args.eval_every)
    progress = None if args.quiet else _Progress()
    result = run_simulation(X, y, settings, progress=progress)
    if progress:
        progress.flush()
    summary = summary_of(result)
    print(format_summary(summary))
    for note in summary_notes(result, summary):
        print(f"- {note}")
    written = write_local(result, Path(args.out), summary)
    print(f"full-data accuracy {result.full_data['accuracy'].mean():.3f}; "
          f"wrote {', '.join(str(p) for p in written.values())}")
    return 0


class _Progress:
    """One line per strategy and repetition, when its run ends (every round would flood the terminal)."""

    def __init__(self):
        self.last = None

    def __call__(self, strategy: str, repetition: int, labels: int, accuracy: float) -> None:
        if self.last and self.last[:2] != (strategy, repetition):
            self.flush()
        self.last = (strategy, repetition, labels, accuracy)

    def flush(self) -> None:
        if self.last:
            strategy, repetition, labels, accuracy = self.last
            print(f"  {strategy}, repetition {repetition + 1}: {labels} labels, accuracy {accuracy:.3f}",
                  flush=True)
        self.last = None


def _load(args: argparse.Namespace):
    from active_labeling.analysis.datasets import DATASETS, load_dataset
    from active_labeling.analysis.prepare import prepare_table

    if args.data.startswith("builtin:"):
        name = args.data.split(":", 1)[1]
        if name not in DATASETS:
            raise UserError(f"--data: no builtin dataset {name!r}; choose among {', '.join(DATASETS)}")
        return load_dataset(name, seed=args.seed)
    path = Path(args.data)
    if not path.exists():
        raise UserError(f"--data: {path} does not exist")
    if path.is_dir():
        return _load_folder(args, path)
    if not args.target:
        raise UserError("--target: name the label column of the table")
    text_columns = [c.strip() for c in args.text_columns.split(",") if c.strip()]
    X, y, used = prepare_table(_read(path, args), args.target, text_columns=text_columns, seed=args.seed)
    for line in used:
        print(f"features: {line}", flush=True)
    return X, y


def _load_folder(args, root: Path):
    from active_labeling.analysis.prepare import labels_from_subfolders, media_files, prepare_media
    from active_labeling.learning.files import FolderReader

    files = sorted("/" + str(p.relative_to(root)).replace("\\", "/") for p in root.rglob("*") if p.is_file())
    if args.labels:
        if not args.target:
            raise UserError("--target: name the label column of the --labels table")
        table = _read(Path(args.labels), args)
        if "path" not in table.columns or args.target not in table.columns:
            raise UserError(f"--labels: expected columns 'path' and {args.target!r}, "
                            f"found {', '.join(map(str, table.columns))}")
        table = table[table[args.target].notna()]
        paths = ["/" + str(p).lstrip("/") for p in table["path"]]
        labels = table[args.target].tolist()
    else:
        paths, labels = labels_from_subfolders(media_files(files, args.kind))
    return prepare_media(paths, labels, args.kind, FolderReader(str(root)))


def _read(path: Path, args: argparse.Namespace):
    from active_labeling.table_files import csv_format, read_table

    try:
        return read_table(path, csv=csv_format(args))
    except ValueError as error:  # TableFileError names the file; CsvFormat the bad option
        raise UserError(str(error)) from None
