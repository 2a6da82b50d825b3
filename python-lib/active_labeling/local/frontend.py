"""The page of the local app, composed the way DSS composes a standard webapp.

``GET /`` wraps ``webapps/<kind>-labeling/body.html`` in a document that links the webapp's
``style.css``, defines ``window.dataiku.getWebAppBackendUrl`` (the backend is this server) and
loads its ``app.js`` as an ES module. The webapp's files are served under ``/webapp/`` and the
plugin's ``resource/`` folder under ``/plugins/active-labeling/resource/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from flask import Flask, Response, abort, redirect, request, send_from_directory

from active_labeling.local.identity import COOKIE, TeamTokens

REPO_ROOT = Path(__file__).resolve().parents[3]
PLUGIN_ID = "active-labeling"
# Files of a webapp folder the browser may fetch (not backend.py nor webapp.json).
_STATIC = (".js", ".css", ".html", ".svg", ".png", ".ico", ".woff2", ".map")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Active labeling</title>
<link rel="stylesheet" href="/webapp/style.css">
<script>
window.dataiku = {getWebAppBackendUrl: function (path) {
  return path.charAt(0) === "/" ? path : "/" + path;
}};
</script>
</head>
<body>
%s
<script type="module" src="/webapp/app.js"></script>
</body>
</html>
"""


def webapp_folder(kind: str, root: Path = REPO_ROOT, webapp: Optional[str] = None) -> Path:
    """The webapp folder of ``kind`` in the plugin, or ``webapp`` (a task's own webapp) when given."""
    return root / "webapps" / (webapp or f"{kind}-labeling")


def register_frontend(app: Flask, kind: str, team: Optional[TeamTokens] = None,
                      root: Path = REPO_ROOT, webapp: Optional[str] = None) -> None:
    """Add ``/``, ``/webapp/<file>`` and the plugin resource route to ``app``.

    ``webapp``: the folder of the task's own webapp (``image-object-labeling``), else the kind's.
    """
    folder = webapp_folder(kind, root, webapp)
    resources = root / "resource"

    def page():
        if team is not None:
            token = request.args.get("token")
            if token:
                if team.name_for(token) is None:
                    return Response("Unknown token: open the address the server printed for you.", 403)
                # Keep the token in a cookie and out of the address bar (and of shared screenshots).
                # Lax, not Strict: a link clicked in a chat app is a cross-site navigation, and a
                # Strict cookie would be left out of the redirected request. Lax still keeps it
                # out of cross-site POSTs.
                # Review mode (reviewers' URLs) survives the redirect; the API still checks who asks.
                response = redirect("/?mode=review" if request.args.get("mode") == "review" else "/",
                                    code=303)
                response.set_cookie(COOKIE, token, httponly=True, samesite="Lax")
                return response
            if team.name_for(request.cookies.get(COOKIE)) is None:
                return Response("Open the address the labeling server printed for you.", 401)
        body_file = folder / "body.html"
        if not body_file.is_file():
            return Response(f"The front end is missing: {body_file} not found.", 500)
        response = Response(_PAGE % body_file.read_text(encoding="utf-8"), mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    def webapp_file(filename: str):
        if not filename.lower().endswith(_STATIC):
            abort(404)
        return send_from_directory(folder, filename, max_age=0)

    def resource_file(filename: str):
        return send_from_directory(resources, filename, max_age=0)

    app.add_url_rule("/", "active_labeling_page", page)
    app.add_url_rule("/webapp/<path:filename>", "active_labeling_webapp", webapp_file)
    app.add_url_rule(f"/plugins/{PLUGIN_ID}/resource/<path:filename>", "active_labeling_resource",
                     resource_file)
