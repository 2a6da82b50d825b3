"""``dataiku.api_client()``, reduced to what a webapp needs: who sent this request.

The stand-in knows users from ``<root>/users.json`` (``{login: {"groups": [...], "token": ...}}``).
A request is authenticated by a secret session token, as DSS does with its session cookie: either
the header ``X-DSS-Standin-Session: <token>`` (what the fixture's ``auth_headers(login)`` gives; a
header survives every test client) or the cookie ``dss-standin-session=<token>`` (for browsers). A
header that only names a user authenticates nobody.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import Mapping

from ._base import read_json, standin_root

SESSION_COOKIE = "dss-standin-session"
SESSION_HEADER = "X-DSS-Standin-Session"


class DataikuException(Exception):
    """What dataikuapi raises when the DSS backend answers with an error."""


class DSSClient:
    def get_auth_info_from_browser_headers(self, headers_dict: Mapping[str, str],
                                           with_secrets: bool = False) -> dict:
        headers = {str(k).lower(): v for k, v in dict(headers_dict).items()}
        try:
            cookies = SimpleCookie(headers.get("cookie", ""))
        except CookieError:
            cookies = SimpleCookie()
        token = headers.get(SESSION_HEADER.lower())
        if not token and SESSION_COOKIE in cookies:
            token = cookies[SESSION_COOKIE].value
        users = read_json(standin_root() / "users.json", {})
        for login, user in users.items():
            if token and user.get("token") == token:
                return {"authIdentifier": login, "groups": list(user.get("groups", [])),
                        "associatedDSSUser": login, "userProfile": "DATA_SCIENTIST"}
        raise DataikuException("com.dataiku.dip.exceptions.UnauthorizedException: "
                               "No valid authentication found in the browser headers")


def api_client() -> DSSClient:
    return DSSClient()
