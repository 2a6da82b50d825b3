"""``active-labeling status``: what a local workspace holds, and the figures of each retrain round."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    """Add the ``status`` subcommand."""
    parser = subparsers.add_parser(
        "status", help="labeling progress and retrain rounds of a workspace",
        description="Print the decisions stored in a local workspace and, when `serve --retrain-every` "
                    "ran, each retrain round: labels, cross-validated accuracy and macro F1, share of "
                    "predictions changed since the previous round, time taken; then the latest "
                    "stopping verdict (is more labeling still worth it?) with its figures.")
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="the workspace folder (default: ./labeling-workspace)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the status; a missing workspace is a user error."""
    import sqlite3

    from active_labeling.cli import UserError
    from active_labeling.local.rounds import RoundLog, format_rounds, format_stopping
    from active_labeling.local.workspace import DB_NAME

    database = args.workspace / DB_NAME
    if not database.exists():
        raise UserError(f"no workspace in {args.workspace}: give the folder that "
                        "`active-labeling serve --workspace` used")
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)  # never modifies the workspace
    try:
        counts = dict(db.execute("SELECT status, COUNT(*) FROM decisions GROUP BY status").fetchall())
        items = db.execute("SELECT COUNT(DISTINCT item_id) FROM labels").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise UserError(f"{database} can't be read as a workspace ({error})") from None
    finally:
        db.close()
    print(f"Workspace {args.workspace}: {counts.get('labeled', 0)} labelings, {counts.get('skipped', 0)} "
          f"skips, {items} items labeled.")
    entries = RoundLog(args.workspace).read()
    for line in format_rounds(entries) + format_stopping(entries):
        print(line)
    return 0
