"""``active-labeling serve``: the labeling app on local files, in the browser."""

from __future__ import annotations

import argparse
import shutil
import socket
import sys
from pathlib import Path
from typing import Callable, List, Optional

from active_labeling.kinds import KINDS
from active_labeling.kinds import NAMES as KIND_NAMES
from active_labeling.table_files import add_csv_arguments, csv_format
from active_labeling.tasks import NAMES as TASK_NAMES


def _names(text: str):
    return [part.strip() for part in text.split(",") if part.strip()]


def _hotkeys(text: str):
    from active_labeling.local.hotkeys import HotkeyError, parse_hotkeys

    try:
        return parse_hotkeys(text)
    except HotkeyError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_setup_arguments(parser: argparse.ArgumentParser, data_required: bool = True) -> None:
    """The arguments describing what to label (shared with ``demo``)."""
    parser.add_argument("--kind", choices=KIND_NAMES, default="tabular",
                        help="what the items are: rows shown as a card (tabular), one column's texts "
                             "shown large (text), images or sounds (default: tabular)")
    parser.add_argument("--data", type=Path, required=data_required,
                        help="a CSV or Parquet file (tabular, text), or a folder of images or sounds")
    parser.add_argument("--categories", type=_names, required=data_required,
                        help="comma-separated categories; name=description to describe one")
    parser.add_argument("--hotkeys", type=_hotkeys, default={}, metavar="NAME=KEY,...",
                        help="set the key of some categories (a digit 1-9 or one of the letters "
                             "bdefghijklmnpqtuvwxyz), e.g. news=n,clickbait=c. A workspace keeps each "
                             "category's key across restarts, whatever the order of --categories; a new "
                             "category gets the next free key; `active-labeling status` lists them")
    parser.add_argument("--queries", type=Path, help="the queries file written by `active-labeling sample`")
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="folder of the labels database (default: ./labeling-workspace)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080,
                        help="port, 1 to 65535 (default: 8080; 0: any free port)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--annotator", help="your name in the labels (default: your OS login)")
    who.add_argument("--annotators", type=_names,
                     help="comma-separated names for a team: one secret URL per annotator")
    parser.add_argument("--id-column", help="tabular: a column of unique item ids (default: content hashes)")
    parser.add_argument("--columns", type=_names, default=(),
                        help="tabular: comma-separated columns to show (default: all); text: columns "
                             "shown small next to the text, as its context (default: none)")
    parser.add_argument("--text-column", metavar="COLUMN",
                        help="text: the column holding the texts (default: the file's only column)")
    parser.add_argument("--multi-label", action="store_true",
                        help="several categories per item (the same as --task categories)")
    parser.add_argument("--task", choices=TASK_NAMES,
                        help="what a label holds: one category (category, the default), several "
                             "(categories), boxes drawn on images, each with a category (boxes, "
                             "--kind image), or spans of texts, each with a category (spans, --kind "
                             "text: named entities); see docs/architecture.md")
    parser.add_argument("--overlapping-spans", action="store_true",
                        help="--task spans: allow spans that overlap or nest (by default a character "
                             "belongs to one span at most)")
    parser.add_argument("--predictions", type=Path, metavar="FILE",
                        help="--task boxes: a CSV or Parquet file of a detector's boxes, one row per "
                             "image (path, and prediction: a JSON list of {\"bbox\": [x, y, width, "
                             "height], \"category\", \"confidence\"} as DSS's object detection "
                             "scoring writes it): drawn dashed as pre-boxes, images served most "
                             "uncertain first; a new file is picked up while serving. --task spans: "
                             "the texts' rows (or --id-column) with prediction, a JSON list of "
                             "{\"start\", \"end\", \"text\", \"category\", \"confidence\"}")
    parser.add_argument("--hide-suggestions", action="store_true",
                        help="show nothing of the model's guess (no preselected category, no category "
                             "named in why an item was chosen), for teams that fear anchoring; by "
                             "default the queries' suggestion is preselected and Enter accepts it")
    parser.add_argument("--label-column", default="label", help="label column name (default: label)")
    parser.add_argument("--reservation-seconds", type=float, default=600.0,
                        help="how long an item served to one annotator is kept from others (default: 600)")
    parser.add_argument("--lease-seconds", type=float, default=60.0,
                        help="how soon the items of a page closed without a word (a crash) come "
                             "free; an open page renews its items every third of it (default: 60)")
    parser.add_argument("--annotators-per-item", type=int, default=1,
                        help="how many annotators must label each item (default: 1)")
    parser.add_argument("--reviewers", type=_names, default=(),
                        help="with --annotators: comma-separated reviewers, each with a secret URL that "
                             "opens review mode (disagreements first, then a sample of agreed items)")
    parser.add_argument("--disagreement", choices=("review", "majority"), default="review",
                        help="what settles annotators who disagree: a reviewer (review, the default) or "
                             "more than half of the labels (majority; else a reviewer)")
    parser.add_argument("--review-sample", type=float, default=0.1, metavar="SHARE",
                        help="share of the agreed items offered to reviewers for a check, 0 to 1 "
                             "(default: 0.1)")
    parser.add_argument("--hide-annotator-names", action="store_true",
                        help="review mode shows 'Annotator 1', 'Annotator 2'... instead of names")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random order (default: 0)")
    parser.add_argument("--synchronous", choices=("full", "normal"), default="full",
                        help="full (default): a label is acknowledged once on disk, safe from a "
                             "crash and a power loss; normal: once handed to the OS, safe from a "
                             "crash but not a power loss, faster where disk flushes are slow")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    add_csv_arguments(parser)


def register(subparsers) -> None:
    """Add the ``serve`` subcommand."""
    parser = subparsers.add_parser("serve", help="serve the labeling app on local data",
                                   description="Serve the labeling app on a local file or folder.")
    add_setup_arguments(parser)
    from active_labeling.local.retrain_cli import add_retrain_arguments

    add_retrain_arguments(parser)
    parser.set_defaults(func=run)


def setup_from(args):
    """The ``LocalSetup`` the arguments describe."""
    from active_labeling.local.app import LocalSetup

    return LocalSetup(
        kind=args.kind, data=args.data, categories=args.categories or [], workspace=args.workspace,
        hotkeys=getattr(args, "hotkeys", None) or {},
        queries=args.queries, annotator=args.annotator, annotators=args.annotators or (),
        id_column=args.id_column, columns=args.columns, text_column=getattr(args, "text_column", None),
        multi_label=args.multi_label, task=getattr(args, "task", None),
        predictions=getattr(args, "predictions", None),
        overlapping_spans=getattr(args, "overlapping_spans", False),
        show_suggestions=not getattr(args, "hide_suggestions", False),
        label_column=args.label_column, reservation_seconds=args.reservation_seconds,
        lease_seconds=args.lease_seconds,
        annotators_per_item=args.annotators_per_item, seed=args.seed,
        reviewers=getattr(args, "reviewers", ()) or (), disagreement=getattr(args, "disagreement", "review"),
        review_sample=getattr(args, "review_sample", 0.1),
        show_annotator_names=not getattr(args, "hide_annotator_names", False),
        synchronous=getattr(args, "synchronous", "full").upper(), csv=csv_format(args))


def _undo_new_workspace(folder: Path) -> Callable[[], None]:
    """What removes the workspace a failed start would leave (nothing when it existed already)."""
    from active_labeling.local.workspace import DB_NAME

    if (folder / DB_NAME).exists():
        return lambda: None
    top: Optional[Path] = None  # the first folder the start will create, when it creates one
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        top = parent
    before: List[Path] = [] if top is not None else list(folder.iterdir()) if folder.is_dir() else []

    def undo() -> None:
        if top is not None:
            shutil.rmtree(top, ignore_errors=True)
        elif folder.is_dir():  # a folder given empty or with other files: only what was added
            for path in set(folder.iterdir()) - set(before):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
    return undo


def _check_task(setup) -> None:
    """Refuse a task that doesn't fit the kind, the multi-label switch or the predictions file."""
    from active_labeling.cli import UserError
    from active_labeling.tasks import default_task, task_of

    try:
        task = task_of(default_task(setup.task, setup.multi_label))
    except ValueError:
        raise UserError(f"--multi-label is --task categories: drop it with --task {setup.task}") from None
    if not task.applies_to(setup.kind):
        raise UserError(f"--task {task.name} is for --kind {' or '.join(task.kinds or ())}, not --kind "
                        f"{setup.kind}")
    if setup.overlapping_spans and task.name != "spans":
        raise UserError(f"--overlapping-spans is for --task spans, not --task {task.name}")
    if setup.predictions is not None:
        if task.prelabel_column is None or not task.ranks_predictions:
            raise UserError(f"--predictions holds a detector's boxes: it is for --task boxes, not --task "
                            f"{task.name} (give a queries file with --queries)")
        if setup.queries is not None:
            raise UserError("--queries and --predictions both choose the order: give one (the "
                            "predictions rank the images by themselves)")
        if not Path(setup.predictions).is_file():
            raise UserError(f"--predictions {setup.predictions}: no such file")


def _refuse_a_taken_port(host: str, port: int) -> None:
    """Fail at once, before the data is read, when ``host:port`` can't be listened on."""
    from active_labeling.cli import UserError

    if port == 0:
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
            probe.bind(address)
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}; choose another "
                        "--port (0: any free port)") from None


def start(setup, host: str, port: int, verbose: bool = False, retrain=None) -> int:
    """Build and serve ``setup``, turning setup problems into user errors.

    A start that fails before serving (port taken, unreadable data...) leaves no new workspace.
    """
    setup.host = host  # the app's Host check follows where it listens
    import sqlite3

    from active_labeling.cli import UserError
    from active_labeling.local.app import build_app
    from active_labeling.local.server import serve
    from active_labeling.local.tabular import PoolError
    from active_labeling.local.workspace import WorkspaceError

    if not 0 <= port <= 65535:
        raise UserError(f"--port {port}: a port is a number from 1 to 65535 (or 0 for any free port)")
    if not Path(setup.data).exists():
        raise UserError(f"--data {setup.data}: no such file or folder")
    if KINDS[setup.kind].table and not Path(setup.data).is_file():
        raise UserError(f"--data {setup.data}: a {setup.kind} pool is a .csv or .parquet file")
    if not KINDS[setup.kind].table and not Path(setup.data).is_dir():
        raise UserError(f"--data {setup.data}: {setup.kind} items are the files of a folder")
    if setup.text_column and setup.kind != "text":
        raise UserError(f"--text-column is for --kind text (the texts shown large), not --kind {setup.kind}")
    _check_task(setup)
    _refuse_a_taken_port(host, port)
    undo = _undo_new_workspace(Path(setup.workspace))
    try:
        local = build_app(setup)
    except (WorkspaceError, PoolError, ValueError, OSError, sqlite3.DatabaseError) as error:
        undo()
        raise UserError(str(error)) from None
    except BaseException:
        undo()
        raise
    why_empty = local.service.pool.empty_reason()  # what GET /api/config says as "empty_pool"
    if why_empty:  # it still serves: items added to the data are picked up while it runs
        print(f"warning: the pool is empty. {why_empty}", file=sys.stderr, flush=True)
    if retrain is not None:  # the --retrain-every loop (active_labeling.local.retrain_cli)
        from active_labeling.local.retrain_cli import attach_worker

        attach_worker(local, retrain)
    serving = []

    def announce(line: str) -> None:
        serving.append(True)  # listening: from now on the workspace is the user's
        print(line, flush=True)

    try:
        serve(local, host, port, quiet=not verbose, announce=announce)
    except OSError as error:
        local.close()
        if not serving:
            undo()
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}; choose another "
                        "--port (0: any free port)") from None
    except BaseException:
        if not serving:  # once serving, serve() closes the app itself
            local.close()
            undo()
        raise
    return 0


def run(args) -> int:
    """Serve until interrupted."""
    from active_labeling.local.retrain_cli import prepare_retrain

    setup = setup_from(args)
    retrain = prepare_retrain(args, setup)
    return start(setup, args.host, args.port, args.verbose, retrain)
