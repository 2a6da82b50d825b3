"""``active-labeling backup``: a consistent copy of a workspace's database, even while serving."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    """Add the ``backup`` subcommand."""
    parser = subparsers.add_parser(
        "backup", help="copy a workspace's labels database safely, even while serving",
        description="Write a consistent copy of a workspace's database (labels, metadata, setup, "
                    "hotkeys) to one file, with SQLite's online backup: it can run while `active-labeling "
                    "serve` is labeling. Copying workspace.sqlite by hand is not a backup: the newest "
                    "labels are in workspace.sqlite-wal until SQLite moves them, and a copy made during "
                    "a write can be torn. To restore, copy FILE into an empty folder as workspace.sqlite "
                    "(mkdir restored && cp FILE restored/workspace.sqlite) and serve with --workspace "
                    "restored. A damaged workspace is refused: use `active-labeling recover` instead.")
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="the workspace folder (default: ./labeling-workspace)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the backup file to write (must not exist yet)")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Back up and say what was written."""
    from active_labeling.cli import UserError
    from active_labeling.local.backup import backup
    from active_labeling.local.workspace import WorkspaceError

    try:
        decisions = backup(args.workspace, args.out)
    except WorkspaceError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"--out {args.out}: {error.strerror or error}") from None
    print(f"Backed up {args.workspace} ({decisions} decisions) to {args.out}.")
    return 0
