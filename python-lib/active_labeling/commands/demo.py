"""``active-labeling demo``: serve the labeling app on bundled sample data."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser("demo", help="serve the labeling app on sample data",
                                   description="Build a small sample (iris rows, generated pictures "
                                               "or sounds) and serve the labeling app on it.")
    parser.add_argument("--kind", choices=("tabular", "image", "sound"), default="tabular",
                        help="what to label (default: tabular)")
    parser.add_argument("--folder", type=Path, default=Path("active-labeling-demo"),
                        help="where the sample and its workspace go (default: ./active-labeling-demo)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080; 0: any free port)")
    parser.add_argument("--annotator", help="your name in the labels (default: your OS login)")
    parser.add_argument("--retrain-every", type=int, default=10, metavar="N",
                        help="retrain a model and re-query every N labels, to see active learning at "
                             "work (default: 10; 0: serve in random order only)")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Build the sample, say what it is, and serve it."""
    from argparse import Namespace

    from active_labeling.commands.serve import start
    from active_labeling.local.app import LocalSetup
    from active_labeling.local.demo import build_sample
    from active_labeling.local.retrain_cli import prepare_retrain

    folder = args.folder / args.kind
    data, categories, description = build_sample(args.kind, folder)
    described = "".join(f"\n    {name}: {text}" for name, _, text in (c.partition("=") for c in categories))
    print(f"Demo: {description}.\n  data: {data}\n  categories:{described}\n  labels: export them with "
          f"`active-labeling export --workspace {folder / 'workspace'} --out DIR`", flush=True)
    setup = LocalSetup(kind=args.kind, data=data, categories=categories, workspace=folder / "workspace",
                       annotator=args.annotator)
    every = args.retrain_every if args.retrain_every and args.retrain_every > 0 else None
    retrain = prepare_retrain(Namespace(retrain_every=every, model=None, retrain_queries=100), setup)
    if retrain is not None:
        print(f"  active learning: a model is retrained every {every} labels and the next items follow "
              "its queries (`active-labeling status` shows each round)", flush=True)
    return start(setup, args.host, args.port, retrain=retrain)
