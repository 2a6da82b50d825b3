"""Requests must come from the labeling page, not from another site the annotator has open.

The browser sends the annotator's credentials (the DSS session cookie, the local team cookie) or
reaches the single annotator's loopback server with any request a page of another site makes
(a ``<form>`` post, an ``<img>``, a no-cors ``fetch``). Those requests can't carry a custom header:
a cross-origin ``fetch`` that sets one needs a CORS preflight, and the API answers none. So every
JSON route asks for ``X-Requested-With``, which the page always sends. Fetch metadata
(``Sec-Fetch-Site``) refuses other sites' requests too, but older browsers don't send it: it is a
second defence, never the only one.

Media routes are loaded by ``<img src>`` and ``<audio src>``, which can't send a header. They change
nothing (no reservation, no write), serve only the pool's items, and their answers are opaque to
another origin (``Cross-Origin-Resource-Policy: same-origin`` even keeps them from being embedded
there): they are refused on ``Sec-Fetch-Site`` alone.
"""

from __future__ import annotations

from flask import Response

from active_labeling.service.errors import ServiceError

PAGE_HEADER = "X-Requested-With"
PAGE_HEADER_VALUE = "active-labeling"
# What Sec-Fetch-Site says of a request the page itself made, or the annotator typed in.
_OWN_FETCH_SITES = ("same-origin", "none")


class NotFromPage(ServiceError):
    """A request that does not prove it comes from the labeling page."""

    status = 403


def check_from_page(request, needs_header: bool = True) -> None:
    """Refuse ``request`` unless it comes from the page (see the module's docstring).

    Parameters
    ----------
    request : flask.Request
    needs_header : bool
        False for media routes, which tags load without headers.

    Raises
    ------
    NotFromPage
        Answered as HTTP 403, with what to do.
    """
    site = (request.headers.get("Sec-Fetch-Site") or "").strip().lower()
    if site and site not in _OWN_FETCH_SITES:
        raise NotFromPage(f"requests from other sites are refused (this one is {site}): "
                          "label from the labeling page itself, opened at its own address")
    if needs_header and not request.headers.get(PAGE_HEADER, "").strip():
        raise NotFromPage(f"this request does not come from the labeling page: it lacks the "
                          f"'{PAGE_HEADER}' header the page sends. Label from the labeling page "
                          f"opened at its own address; a program must send "
                          f"'{PAGE_HEADER}: {PAGE_HEADER_VALUE}'")


def protect(response: Response) -> Response:
    """Headers that keep an API answer from being used by another site's page."""
    # An <img>/<script> of another origin can't embed it, and nothing is sniffed into a script.
    response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
