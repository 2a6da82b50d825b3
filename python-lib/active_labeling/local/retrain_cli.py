"""The ``--retrain-every`` and ``--model`` options of ``active-labeling serve``."""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path
from typing import Optional


def add_retrain_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the retrain-loop options to the ``serve`` parser."""
    group = parser.add_argument_group("active learning loop")
    group.add_argument("--retrain-every", type=int, metavar="N",
                       help="retrain a model every N labelings in the background and serve the new "
                            "queries it chooses (the figures of each round: `active-labeling status`)")
    group.add_argument("--model", type=Path, metavar="MODEL.pkl",
                       help="with --retrain-every: a pickled scikit-learn pipeline, refitted each round "
                            "(default: a built-in one for the kind of items). It receives a text pool's "
                            "texts as a 1-D array of strings, a tabular pool's item columns as a DataFrame, "
                            "a folder's file paths as a DataFrame with a 'path' column. Load only files "
                            "you trust")
    group.add_argument("--retrain-queries", type=int, default=1000, metavar="N",
                       help="with --retrain-every: how many queries each round writes (default: 1000)")


def prepare_retrain(args: argparse.Namespace, setup) -> Optional[object]:
    """Check the options and point ``setup`` at the worker's queries; None without ``--retrain-every``."""
    from active_labeling.cli import UserError

    every = getattr(args, "retrain_every", None)
    if every is None:
        if getattr(args, "model", None) is not None:
            raise UserError("--model is the model to retrain: give --retrain-every N with it")
        return None
    # Only now: the retrain loop loads scikit-learn, over a second of a plain server's start.
    from active_labeling.local.retrain_round import RetrainSettings

    if every < 1:
        raise UserError(f"--retrain-every should be 1 or more, got {every}")
    if args.retrain_queries < 1:
        raise UserError(f"--retrain-queries should be 1 or more, got {args.retrain_queries}")
    if setup.queries is not None:
        raise UserError("--queries and --retrain-every both choose the queries: with --retrain-every the "
                        "queries are written in the workspace each round; drop --queries")
    if setup.multi_label:
        raise UserError("--retrain-every trains a single-label model: it can't be used with --multi-label")
    if setup.task not in (None, "category", "spans"):
        raise UserError(f"--retrain-every trains a classifier, not a {setup.task} model (or a token tagger "
                        "with --task spans): run your own model and give its output (--task boxes: a "
                        "detector's boxes with --predictions)")
    if setup.task == "spans" and args.model is not None:
        raise UserError("--model is a scikit-learn classifier: --task spans retrains its own token tagger "
                        "(a CRF), drop --model")
    settings = RetrainSettings(kind=setup.kind, data=Path(setup.data), workspace=Path(setup.workspace),
                               every=every, id_column=setup.id_column, text_column=setup.text_column,
                               label_column=setup.label_column,
                               model=_load_model(args.model) if args.model else None,
                               n_queries=args.retrain_queries, seed=setup.seed, csv=setup.csv,
                               task=setup.task or "category")
    setup.queries = settings.queries_path
    return settings


def attach_worker(local, settings) -> None:
    """Start the worker next to the app (it stops when the app closes); say what its model receives."""
    from active_labeling.local.retrain_round import model_input
    from active_labeling.local.retrain_worker import RetrainWorker

    settings.text_column = local.service.settings.text_column or settings.text_column  # as the pool found it
    model = "your model" if settings.model is not None else "the default model"
    receives = (f"the token tagger (a CRF) learns the spans of the texts of {settings.text_column!r}"
                if settings.task == "spans" else f"{model} receives {model_input(settings).describe()}")
    print(f"Retraining every {settings.every} labelings in the background; {receives}.", flush=True)
    local.parts.insert(0, RetrainWorker(settings).start())


def _load_model(path: Path):
    from active_labeling.cli import UserError

    try:
        with open(path, "rb") as stream:
            model = pickle.load(stream)
    except OSError as error:
        raise UserError(f"--model {path}: {error.strerror or error}") from None
    except Exception as error:  # unpickling can raise almost anything
        raise UserError(f"--model {path} is not a loadable pickle ({error})") from None
    needed = ("get_params", "fit", "predict", "predict_proba")
    if not all(hasattr(model, name) for name in needed):
        raise UserError(f"--model {path} holds a {type(model).__name__}, not a scikit-learn classifier or "
                        "pipeline with fit, predict and predict_proba")
    return model
