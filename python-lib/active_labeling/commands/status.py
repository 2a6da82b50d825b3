"""``active-labeling status``: what a local workspace holds, its hotkeys, and the figures of each
retrain round."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    """Add the ``status`` subcommand."""
    parser = subparsers.add_parser(
        "status", help="labeling progress and retrain rounds of a workspace",
        description="Print the decisions stored in a local workspace, the hotkey of each category "
                    "and, when `serve --retrain-every` ran, each retrain round: labels, cross-validated "
                    "accuracy and macro F1, share of predictions changed since the previous round, time "
                    "taken; then the latest stopping verdict (is more labeling still worth it?) with its "
                    "figures. A damaged workspace is reported with what to do.")
    parser.add_argument("--workspace", type=Path, default=Path("labeling-workspace"),
                        help="the workspace folder (default: ./labeling-workspace)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the status; a missing workspace is a user error."""
    import json
    import sqlite3

    from active_labeling.cli import UserError
    from active_labeling.local import hotkeys
    from active_labeling.local.finals import read_team
    from active_labeling.local.rounds import RoundLog, format_rounds, format_stopping
    from active_labeling.local.workspace import (
        DB_NAME,
        WorkspaceError,
        check_intact,
        read_only,
        stored_hotkeys,
    )
    from active_labeling.teams.report import team_lines

    database = args.workspace / DB_NAME
    if not database.exists():
        raise UserError(f"no workspace in {args.workspace}: give the folder that "
                        "`active-labeling serve --workspace` used")
    db = read_only(database)  # never modifies the workspace
    try:
        check_intact(db, args.workspace)
        counts = dict(db.execute("SELECT status, COUNT(*) FROM decisions GROUP BY status").fetchall())
        items = db.execute("SELECT COUNT(DISTINCT item_id) FROM labels").fetchone()[0]
        setup = db.execute("SELECT value FROM meta WHERE key = 'setup'").fetchone()
        names = json.loads(setup[0]).get("categories", []) if setup else []
        keys = stored_hotkeys(db)
        team = read_team(db)
    except WorkspaceError as error:
        raise UserError(str(error)) from None
    except sqlite3.DatabaseError as error:
        raise UserError(f"{database} can't be read as a workspace ({error})") from None
    finally:
        db.close()
    print(f"Workspace {args.workspace}: {counts.get('labeled', 0)} labelings, {counts.get('skipped', 0)} "
          f"skips, {items} items labeled.")
    if names:
        print(f"Hotkeys: {hotkeys.describe(names, keys)}")
    figures = team.snapshot(everyone=True)
    if team.rule.needed > 1 or counts.get("reviewed") or figures["annotators"]:
        for line in team_lines(figures):
            print(line)
    entries = RoundLog(args.workspace).read()
    for line in format_rounds(entries) + format_stopping(entries):
        print(line)
    return 0
