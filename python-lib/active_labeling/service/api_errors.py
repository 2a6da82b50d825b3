"""JSON answers for HTTP errors under ``/api/`` (unknown route, wrong method...), on a shared app.

In DSS the routes are added to the app DSS made, which has routes of its own (``/``, ``/__ping``):
only paths under ``/api/`` get JSON, every other path keeps the answer it had.
"""

from __future__ import annotations

from typing import Callable, Optional

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from active_labeling.service.from_page import protect

API_PREFIX = "/api"


def is_api_path(path: str) -> bool:
    """True for ``/api`` and the paths under ``/api/``."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def register_api_errors(app: Flask) -> None:
    """Answer ``{"error": ...}`` for werkzeug's HTTP errors on ``/api/`` paths of ``app``."""
    # A handler the app already had for every HTTP error keeps serving the other paths.
    earlier: Optional[Callable] = app.error_handler_spec.get(None, {}).get(None, {}).get(HTTPException)

    def handle(error: HTTPException):
        if not is_api_path(request.path) or error.code is None:
            return earlier(error) if earlier is not None else error
        response = jsonify({"error": _message(error)})
        response.status_code = error.code
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return protect(response)

    app.register_error_handler(HTTPException, handle)


def _message(error: HTTPException) -> str:
    where = f"{request.method} {request.path}"
    if isinstance(error, NotFound):
        return (f"there is no API route {where}: check the address against the routes of "
                "docs/api.md (reload the labeling page if it is older than its backend)")
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(m for m in (error.valid_methods or ()) if m not in ("HEAD", "OPTIONS"))
        return f"{request.path} does not accept {request.method}: use {allowed or 'another method'}"
    return f"{where}: {error.description or error.name}"


def json_error(status: int, message: str) -> Response:
    """``{"error": message}`` with ``status``."""
    response = jsonify({"error": message})
    response.status_code = status
    return protect(response)
