"""Run the local app on a real socket with werkzeug's threaded server."""

from __future__ import annotations

import logging
import sys
from typing import Callable, List, Optional

from werkzeug.serving import make_server

from active_labeling.local.app import LocalApp

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def urls(local: LocalApp, host: str, port: int) -> List[str]:
    """The address(es) to open: one per annotator in team mode."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}/"
    if local.team is None:
        return [base]
    return [f"{base}?token={token}" + ("&mode=review" if name in local.reviewers else "")
            + f"  ({name}{', reviewer' if name in local.reviewers else ''})"
            for name, token in local.team.tokens.items()]


def make(local: LocalApp, host: str = "127.0.0.1", port: int = 8080):
    """A werkzeug server for ``local`` bound to ``host:port`` (port 0: any free port)."""
    return make_server(host, port, local.app, threaded=True)


def serve(local: LocalApp, host: str = "127.0.0.1", port: int = 8080, quiet: bool = True,
          announce: Optional[Callable[[str], None]] = None) -> None:
    """Serve until interrupted, printing the address(es) once listening."""
    if quiet:
        # One log line per request costs more than the request itself.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if host not in LOCAL_HOSTS:
        print(f"warning: listening on {host}: anyone who can reach this machine can open the app"
              + ("" if local.team else " as the single annotator; prefer --annotators for a team"),
              file=sys.stderr)
    server = make(local, host, port)
    say = announce or (lambda line: print(line, flush=True))
    say(f"Labeling {local.service.settings.kind} items ({local.service.stats.total} in the pool), "
        f"workspace {local.workspace.folder}")
    for url in urls(local, host, server.server_port):
        say(f"  open {url}")
    try:
        server.serve_forever()
    finally:
        server.server_close()
        local.close()
