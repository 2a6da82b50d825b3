"""Who is calling a webapp backend: the DSS user the browser's auth headers belong to.

Asking DSS is an HTTP call to the DSS backend; a page makes many requests (one per image), so
an answer is remembered for a short while, keyed by a hash of the request's headers. Which
headers carry the session is DSS's business (cookies, tickets...), so every header counts except
those that only describe the request itself (ranges, caching, content, fetch metadata).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from typing import Dict, List, Tuple

import dataiku

from active_labeling.service.routes import Unauthorized

_log = logging.getLogger(__name__)
REMEMBER_SECONDS = 30.0
_MAX_REMEMBERED = 1000
_PER_REQUEST_HEADERS = frozenset((
    "range", "if-range", "if-none-match", "if-modified-since", "if-match", "content-length",
    "content-type", "accept", "accept-encoding", "accept-language", "referer", "origin",
    "cache-control", "pragma", "priority", "x-requested-with", "connection", "keep-alive"))
_remembered: Dict[str, Tuple[str, float]] = {}
_groups: Dict[str, List[str]] = {}  # login -> DSS groups, from the same answers
_lock = threading.Lock()


def identify(request) -> str:
    """The caller's DSS login, from the request's headers (never from its body).

    Raises
    ------
    Unauthorized
        When DSS can't tell who the browser belongs to (answered as HTTP 401).
    """
    headers = dict(request.headers)
    key = _session_key(headers)
    now = time.monotonic()
    with _lock:
        known = _remembered.get(key) if key else None
    if known is not None and now - known[1] < REMEMBER_SECONDS and known[0] in _groups:
        return known[0]
    try:
        info = dataiku.api_client().get_auth_info_from_browser_headers(headers)
    except Exception as error:  # DSS raises plain exceptions for unknown or expired sessions
        _log.info("no DSS user for a labeling request: %s", error)
        raise Unauthorized("DSS does not recognise your session: reload the webapp's page "
                           "(log in to DSS again if asked).") from None
    login = (info or {}).get("authIdentifier")
    if not login:
        raise Unauthorized("DSS does not recognise your session: reload the webapp's page.")
    with _lock:
        if len(_groups) >= _MAX_REMEMBERED:
            _groups.clear()
        _groups[str(login)] = [str(g) for g in (info or {}).get("groups") or []]
        if key:
            if len(_remembered) >= _MAX_REMEMBERED:
                _remembered.clear()
            _remembered[key] = (str(login), now)
    return str(login)


def groups_of(login: str) -> List[str]:
    """The DSS groups of ``login`` as DSS gave them with its latest identified request."""
    with _lock:
        return list(_groups.get(login, ()))


def reviewers(logins, groups):
    """``reviewer(request, login)`` for the routes: a login listed, or in one of the groups.

    Called after :func:`identify` named the caller from the same request, so the groups are those
    DSS gave for this session.
    """
    logins, groups = frozenset(logins), frozenset(groups)

    def reviewer(request, login: str) -> bool:
        return login in logins or bool(groups.intersection(groups_of(login)))
    return reviewer


def _session_key(headers: Dict[str, str]) -> str:
    parts = [f"{name.lower()}:{value}" for name, value in sorted(headers.items())
             if name.lower() not in _PER_REQUEST_HEADERS and not name.lower().startswith("sec-")]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
