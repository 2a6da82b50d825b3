"""Who is calling a webapp backend: the DSS user the browser's auth headers belong to."""

from __future__ import annotations

import logging

import dataiku

from active_labeling.service.routes import Unauthorized

_log = logging.getLogger(__name__)


def identify(request) -> str:
    """The caller's DSS login, from the request's headers (never from its body).

    Raises
    ------
    Unauthorized
        When DSS can't tell who the browser belongs to (answered as HTTP 401).
    """
    try:
        info = dataiku.api_client().get_auth_info_from_browser_headers(dict(request.headers))
    except Exception as error:  # DSS raises plain exceptions for unknown or expired sessions
        _log.info("no DSS user for a labeling request: %s", error)
        raise Unauthorized("DSS does not recognise your session: reload the webapp's page "
                           "(log in to DSS again if asked).") from None
    login = (info or {}).get("authIdentifier")
    if not login:
        raise Unauthorized("DSS does not recognise your session: reload the webapp's page.")
    return str(login)
