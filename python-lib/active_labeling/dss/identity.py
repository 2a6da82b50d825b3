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
from typing import Dict, Tuple

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
    if known is not None and now - known[1] < REMEMBER_SECONDS:
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
    if key:
        with _lock:
            if len(_remembered) >= _MAX_REMEMBERED:
                _remembered.clear()
            _remembered[key] = (str(login), now)
    return str(login)


def _session_key(headers: Dict[str, str]) -> str:
    parts = [f"{name.lower()}:{value}" for name, value in sorted(headers.items())
             if name.lower() not in _PER_REQUEST_HEADERS and not name.lower().startswith("sec-")]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
