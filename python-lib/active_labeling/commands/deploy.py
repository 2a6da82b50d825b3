"""``active-labeling deploy``: install or update the plugin in a DSS instance, with its code env."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from active_labeling import __version__
from active_labeling.cli import UserError

INTERPRETERS = ("PYTHON39", "PYTHON310", "PYTHON311", "PYTHON312")


def register(subparsers) -> None:
    """Add the ``deploy`` subcommand."""
    parser = subparsers.add_parser(
        "deploy", help="Install or update the plugin in a DSS instance, and its code env.",
        description="Upload the plugin zip (built by `make plugin`) to DSS: a first install, or an "
                    "update when the plugin is already there. Then create the plugin's code env when "
                    "it has none, or update it. Needs an API key of a user allowed to manage plugins.")
    parser.add_argument("--url", help="DSS address, like http://dss.example.com:11200 (default: $DSS_URL).")
    parser.add_argument("--api-key", help="DSS API key (default: $DSS_API_KEY).")
    parser.add_argument("--zip", type=Path,
                        default=Path("dist") / f"dss-plugin-active-labeling-{__version__}.zip",
                        help="the plugin zip (default: %(default)s)")
    parser.add_argument("--python", default="PYTHON311", choices=INTERPRETERS,
                        help="interpreter of a new code env (default: %(default)s; PYTHON310 on DSS 12 "
                             "and 13, where 3.11 is experimental); an existing code env keeps its own")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds to wait for the code env to build (default: %(default)s)")
    parser.add_argument("--no-check-certificate", action="store_true",
                        help="accept a self-signed HTTPS certificate")
    parser.set_defaults(func=_deploy)


def _deploy(args: argparse.Namespace) -> int:
    # Everything the user can get wrong is checked before the first network call.
    url = (args.url or os.environ.get("DSS_URL") or "").strip()
    api_key = (args.api_key or os.environ.get("DSS_API_KEY") or "").strip()
    missing = [name for name, value in (("DSS_URL", url), ("DSS_API_KEY", api_key)) if not value]
    if missing:
        raise UserError(f"{' and '.join(missing)} not set: pass --url and --api-key, or set "
                        f"{' and '.join(missing)} (make deploy DSS_URL=... DSS_API_KEY=...).")
    if not url.startswith(("http://", "https://")):
        raise UserError(f"DSS_URL should start with http:// or https://, got {url!r}.")
    try:
        from active_labeling.dss.deploy import DeployError, deploy, read_archive
    except ImportError as error:
        raise UserError(f"{error}: install dataiku-api-client and six (pip install -e .).") from None
    try:
        archive = read_archive(args.zip)
    except DeployError as error:
        raise UserError(str(error)) from None
    if archive.interpreters and args.python not in archive.interpreters:
        raise UserError(f"--python {args.python} is not among the interpreters the plugin's code env "
                        f"accepts: {', '.join(archive.interpreters)}.")
    try:
        deploy(url.rstrip("/"), api_key, archive, python_interpreter=args.python,
               no_check_certificate=args.no_check_certificate, timeout=args.timeout,
               log=lambda line: print(line, flush=True))
    except DeployError as error:
        print(f"active-labeling deploy: {error}", file=sys.stderr)
        return 1
    return 0
