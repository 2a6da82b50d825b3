"""``active-labeling recover``: save what is readable of a damaged workspace into a new one."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    """Add the ``recover`` subcommand."""
    parser = subparsers.add_parser(
        "recover", help="save what is readable of a damaged workspace into a new one",
        description="When a workspace is reported damaged (a page of its database can't be read), copy "
                    "everything that can still be read into a new workspace folder: each readable "
                    "decision (the metadata), the current labels rebuilt from them with their item "
                    "values, the setup, hotkeys, team tokens and queries generations. Rows on damaged "
                    "pages are stepped over; decisions lost there are rebuilt from the labels table "
                    "when it still has them. The damaged workspace is only read, never changed. Prints "
                    "what was saved and which label ids could not be read; then serve with --workspace "
                    "NEW_FOLDER and the same --data and --categories. Retrain rounds (retrain/) are not "
                    "copied: the next round starts from the recovered labels.")
    parser.add_argument("--workspace", type=Path, required=True, help="the damaged workspace folder")
    parser.add_argument("--out", type=Path, required=True, metavar="NEW_FOLDER",
                        help="the new workspace folder to write (must not exist, or be empty)")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Recover and print what was saved."""
    from active_labeling.cli import UserError
    from active_labeling.local.recover import recover, summary
    from active_labeling.local.workspace import WorkspaceError

    try:
        report = recover(args.workspace, args.out)
    except WorkspaceError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"--out {args.out}: {error.strerror or error}") from None
    for line in summary(report, args.workspace, args.out):
        print(line)
    return 0
