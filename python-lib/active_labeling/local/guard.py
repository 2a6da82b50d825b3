"""Keep other web pages from using the local server through the annotator's browser.

The API itself asks every request to come from the labeling page (``service.from_page``: a header
another site can't send, fetch metadata, JSON bodies only), in DSS and locally. The local server
adds two checks of its own, where the ``Host`` it sees is the one the browser used (behind DSS's
proxy it is not):

- a request whose ``Origin`` is another site is refused (403), whatever its method;
- when the server is for a single annotator on this machine, a request whose ``Host`` is not a
  loopback name is refused (403): that is what a DNS-rebinding page would send.
"""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from flask import Flask, jsonify, request

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _hostname(host: str) -> str:
    return (urlsplit(f"//{host}").hostname or "").lower()


def register_guard(app: Flask, loopback_only: bool, extra_host: Optional[str] = None) -> None:
    """Add the checks to ``app``.

    Parameters
    ----------
    loopback_only : bool
        Refuse requests whose ``Host`` is not ``localhost``, ``127.0.0.1``, ``::1`` (or
        ``extra_host``): for a single annotator's server bound to this machine.
    """
    allowed = set(LOOPBACK) | ({extra_host.lower()} if extra_host else set())

    @app.before_request
    def _guard():
        if loopback_only and _hostname(request.host) not in allowed:
            return _refuse("this server only answers http://127.0.0.1 addresses")
        origin = request.headers.get("Origin")
        # "null" (sandboxed frames, local files) counts as another site; programs send no Origin.
        if origin and urlsplit(origin).netloc.lower() != request.host.lower():
            return _refuse("requests from other sites are refused: label from the labeling page, "
                           "opened at the address the server printed")
        return None


def _refuse(message: str):
    response = jsonify({"error": message})
    response.status_code = 403
    return response
