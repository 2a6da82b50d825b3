"""The ``active-labeling`` command: one subcommand per module listed in ``SUBCOMMANDS``.

Each module exposes ``register(subparsers)``, which adds its parser and sets ``func`` (called
with the parsed arguments, returning an exit code). Modules import their heavy dependencies
inside ``func`` so that ``active-labeling --help`` stays fast.

Every command stops quietly when its output is closed early (``active-labeling status | head``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Optional, Sequence

from active_labeling import __version__

SUBCOMMANDS = [
    "active_labeling.commands.serve",
    "active_labeling.commands.export",
    "active_labeling.commands.demo",
    # "active_labeling.local.commands.serve",  (added by each feature)
    "active_labeling.commands.dss",
    "active_labeling.commands.status",
    "active_labeling.commands.backup",
    "active_labeling.commands.recover",
    "active_labeling.commands.sample",
    "active_labeling.commands.deploy",
    "active_labeling.commands.simulate",
]


class UserError(Exception):
    """An error the user can fix; printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="active-labeling",
        description="Label data with active learning: locally, or as a Dataiku DSS plugin.",
    )
    parser.add_argument("--version", action="version", version=f"active-labeling {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in SUBCOMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


# The exit status of a program stopped by SIGPIPE in a shell (128 + 13), as `yes | head` reports.
CLOSED_PIPE = 141


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command of ``argv`` (default: the command line); return its exit status."""
    try:
        try:
            return _run(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here rather than in the interpreter's exit
    except BrokenPipeError:
        # The reader is gone: nothing more to say. Later writes (the interpreter's last flush)
        # go to /dev/null instead of printing a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return CLOSED_PIPE


def _run(argv: Optional[Sequence[str]]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as error:
        print(f"active-labeling {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # `python -m active_labeling.cli`: run the imported module's main, whose UserError is the one
    # the commands raise (this file's own copy, __main__, has another class of that name).
    from active_labeling.cli import main as imported_main

    sys.exit(imported_main())
