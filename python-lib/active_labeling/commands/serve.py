"""``active-labeling serve``: the labeling app on local files, in the browser."""

from __future__ import annotations

import argparse
from pathlib import Path


def _names(text: str):
    return [part.strip() for part in text.split(",") if part.strip()]


def add_setup_arguments(parser: argparse.ArgumentParser, data_required: bool = True) -> None:
    """The arguments describing what to label (shared with ``demo``)."""
    parser.add_argument("--kind", choices=("tabular", "image", "sound"), default="tabular",
                        help="what the items are (default: tabular)")
    parser.add_argument("--data", type=Path, required=data_required,
                        help="a CSV or Parquet file (tabular), or a folder of images or sounds")
    parser.add_argument("--categories", type=_names, required=data_required,
                        help="comma-separated categories; name=description to describe one")
    parser.add_argument("--queries", type=Path, help="the queries file written by `active-labeling sample`")
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="folder of the labels database (default: ./labeling-workspace)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080; 0: any free port)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--annotator", help="your name in the labels (default: your OS login)")
    who.add_argument("--annotators", type=_names,
                     help="comma-separated names for a team: one secret URL per annotator")
    parser.add_argument("--id-column", help="tabular: a column of unique item ids (default: content hashes)")
    parser.add_argument("--columns", type=_names, default=(),
                        help="tabular: comma-separated columns to show (default: all)")
    parser.add_argument("--multi-label", action="store_true", help="several categories per item")
    parser.add_argument("--label-column", default="label", help="label column name (default: label)")
    parser.add_argument("--reservation-seconds", type=float, default=600.0,
                        help="how long an item served to one annotator is kept from others (default: 600)")
    parser.add_argument("--lease-seconds", type=float, default=60.0,
                        help="how soon the items of a page closed without a word (a crash) come "
                             "free; an open page renews its items every third of it (default: 60)")
    parser.add_argument("--annotators-per-item", type=int, default=1,
                        help="how many annotators must label each item (default: 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random order (default: 0)")
    parser.add_argument("--synchronous", choices=("full", "normal"), default="full",
                        help="full (default): a label is acknowledged once on disk, safe from a "
                             "crash and a power loss; normal: once handed to the OS, safe from a "
                             "crash but not a power loss, faster where disk flushes are slow")
    parser.add_argument("--verbose", action="store_true", help="log every request")


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
        queries=args.queries, annotator=args.annotator, annotators=args.annotators or (),
        id_column=args.id_column, columns=args.columns, multi_label=args.multi_label,
        label_column=args.label_column, reservation_seconds=args.reservation_seconds,
        lease_seconds=args.lease_seconds,
        annotators_per_item=args.annotators_per_item, seed=args.seed,
        synchronous=getattr(args, "synchronous", "full").upper())


def start(setup, host: str, port: int, verbose: bool = False, retrain=None) -> int:
    """Build and serve ``setup``, turning setup problems into user errors."""
    setup.host = host  # the app's Host check follows where it listens
    from active_labeling.cli import UserError
    from active_labeling.local.app import build_app
    from active_labeling.local.server import serve
    from active_labeling.local.tabular import PoolError
    from active_labeling.local.workspace import WorkspaceError

    if not Path(setup.data).exists():
        raise UserError(f"--data {setup.data}: no such file or folder")
    if setup.kind == "tabular" and not Path(setup.data).is_file():
        raise UserError(f"--data {setup.data}: a tabular pool is a .csv or .parquet file")
    if setup.kind != "tabular" and not Path(setup.data).is_dir():
        raise UserError(f"--data {setup.data}: {setup.kind} items are the files of a folder")
    try:
        local = build_app(setup)
    except (WorkspaceError, PoolError, ValueError, OSError) as error:
        raise UserError(str(error)) from None
    if retrain is not None:  # the --retrain-every loop (active_labeling.local.retrain_cli)
        from active_labeling.local.retrain_cli import attach_worker

        attach_worker(local, retrain)
    try:
        serve(local, host, port, quiet=not verbose)
    except OSError as error:
        local.close()
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return 0


def run(args) -> int:
    """Serve until interrupted."""
    from active_labeling.local.retrain_cli import prepare_retrain

    setup = setup_from(args)
    retrain = prepare_retrain(args, setup)
    return start(setup, args.host, args.port, args.verbose, retrain)
