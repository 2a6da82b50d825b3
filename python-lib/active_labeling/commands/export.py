"""``active-labeling export``: a workspace's labels and metadata as CSV or Parquet files."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    """Add the ``export`` subcommand."""
    parser = subparsers.add_parser("export", help="write the labels and metadata of a workspace",
                                   description="Write labels.<format> and metadata.<format> from a "
                                               "workspace made by `active-labeling serve`.")
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="the workspace folder (default: ./labeling-workspace)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv",
                        help="file format (default: csv)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Export and print what was written."""
    from active_labeling.cli import UserError
    from active_labeling.local.export import ExportError, export
    from active_labeling.local.workspace import WorkspaceError, open_workspace

    try:
        workspace = open_workspace(args.workspace, create=False)
    except WorkspaceError as error:
        raise UserError(str(error)) from None
    try:
        written = export(workspace, args.out, args.format)
    except ExportError as error:
        raise UserError(str(error)) from None
    finally:
        workspace.close()
    for name, path in written.items():
        print(f"{name}: {path}")
    return 0
