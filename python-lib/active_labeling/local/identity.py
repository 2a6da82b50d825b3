"""Who the local annotator is: the login given to the CLI, or a team member's secret token.

In team mode each annotator gets a URL with a random token; opening it stores the token in a
cookie, and every API call is attributed to the name the server maps the token to. The browser
never chooses a name. Tokens are kept in the workspace so that printed URLs survive a restart.
"""

from __future__ import annotations

import getpass
import hmac
import json
import secrets
import sqlite3
from typing import Dict, Iterable, Optional

COOKIE = "active_labeling_token"
HEADER = "X-Annotator-Token"


def default_annotator() -> str:
    """The OS user's login (``annotator`` when it can't be found)."""
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # no login name in some containers
        return "annotator"


class SingleAnnotator:
    """Every request is the one annotator the server was started for."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, request) -> Optional[str]:
        return self.name


class TeamTokens:
    """Requests are attributed through a secret token per annotator.

    Parameters
    ----------
    tokens : dict
        Annotator name to token.
    """

    def __init__(self, tokens: Dict[str, str]):
        self.tokens = dict(tokens)

    def name_for(self, token: Optional[str]) -> Optional[str]:
        """The annotator ``token`` designates, or None."""
        if not token:
            return None
        found = None
        for name, secret in self.tokens.items():
            # Constant-time comparison: a token is a password.
            if hmac.compare_digest(secret.encode(), token.encode()):
                found = name
        return found

    def __call__(self, request) -> Optional[str]:
        token = request.headers.get(HEADER) or request.cookies.get(COOKIE)
        authorization = request.headers.get("Authorization", "")
        if not token and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        return self.name_for(token)


def team_tokens(db: sqlite3.Connection, names: Iterable[str]) -> TeamTokens:
    """Tokens for ``names``, reusing those stored in the workspace and storing new ones."""
    row = db.execute("SELECT value FROM meta WHERE key = 'team_tokens'").fetchone()
    stored: Dict[str, str] = json.loads(row[0]) if row else {}
    tokens = {name: stored.get(name) or secrets.token_urlsafe(18) for name in names}
    if tokens != {n: stored.get(n) for n in tokens}:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('team_tokens', ?)",
                   (json.dumps({**stored, **tokens}),))
    return TeamTokens(tokens)
