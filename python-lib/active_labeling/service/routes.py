"""The HTTP API (docs/api.md) as Flask routes on an existing app.

DSS ``exec``s a webapp's backend with a Flask ``app`` already made, so the routes are added to a
given app rather than making one. The caller is whoever ``identify(request)`` says; a request
body never names the annotator. Every route first checks that the request comes from the labeling
page (``from_page``); HTTP errors under ``/api/`` are JSON too (``api_errors``).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Dict, Optional

from flask import Flask, Response, jsonify, request
from werkzeug.routing import BaseConverter

from active_labeling.kinds import KINDS
from active_labeling.service.api_errors import json_error, register_api_errors
from active_labeling.service.errors import BadRequest, Forbidden, ServiceError
from active_labeling.service.from_page import check_from_page, protect
from active_labeling.service.request_body import MAX_BODY, TooLarge, read_json_body
from active_labeling.service.service import LabelingService

__all__ = ["MAX_BODY", "TooLarge", "Unauthorized", "register_routes"]
MEDIA_VIEWS = ("media", "waveform", "spectrogram", "size")
_PAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_log = logging.getLogger(__name__)


class Unauthorized(ServiceError):
    """The request carries no known annotator (e.g. a missing or wrong team token)."""

    status = 401


class _ItemIdConverter(BaseConverter):
    # Item ids of folders are paths with a leading "/" ("%2Fcats%2F1.png" arrives decoded):
    # werkzeug's "path" converter refuses a leading slash, so accept anything non-empty.
    regex = ".+?"
    part_isolating = False


def _int_arg(name: str, default: Optional[int]) -> Optional[int]:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} should be an integer, got {value!r}") from None


def _page_id(value: Any) -> Optional[str]:
    """A page (browser tab) id: up to 64 letters, digits, ``-`` or ``_``; None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _PAGE_ID.fullmatch(value):
        raise BadRequest("page should be the page's id: up to 64 letters, digits, - or _")
    return value


def _stopping_verdict(stopping: Optional[Callable[[], Optional[Dict[str, Any]]]]) -> Optional[Dict[str, Any]]:
    if stopping is None:
        return None
    try:
        return stopping()
    except Exception:  # the verdict is a hint: progress must show without it
        _log.warning("could not read the stopping verdict", exc_info=True)
        return None


def register_routes(app: Flask, service: LabelingService, identify: Callable[[Any], Optional[str]],
                    media: Any = None,
                    stopping: Optional[Callable[[], Optional[Dict[str, Any]]]] = None,
                    reviewer: Optional[Callable[[Any, str], bool]] = None) -> None:
    """Add the ``/api/*`` routes to ``app``.

    Parameters
    ----------
    app : Flask
    service : LabelingService
    identify : callable
        ``identify(flask.request)`` returns the annotator's name, or None when unknown (401).
    media : object, optional
        Has ``response(item_id, what, request) -> flask.Response`` for what in
        ``MEDIA_VIEWS``, raising ``KeyError`` for an unknown item. Without it media routes answer 404.
    stopping : callable, optional
        Returns the latest stopping verdict (``stopping_store.stopping_view``) or None; shown by
        ``GET /api/stats``. It reads the verdict where the runtime keeps it (rounds log, DSS
        project variables), so the service itself stays storage-free.
    reviewer : callable, optional
        ``reviewer(flask.request, name)``: whether the caller may use review mode (the
        ``/api/review*`` routes); without it nobody may.
    """
    app.url_map.converters.setdefault("al_item", _ItemIdConverter)
    register_api_errors(app)

    def who() -> str:
        name = identify(request)
        if not name:
            raise Unauthorized("unknown annotator: open the address the labeling server printed for you")
        return name

    def is_reviewer(name: str) -> bool:
        return bool(reviewer is not None and reviewer(request, name))

    def reviewing() -> str:
        name = who()
        if not is_reviewer(name):
            raise Forbidden(f"{name} is not a reviewer of this webapp: review mode is for the reviewers "
                            "named in its settings (ask its owner to add you); label items instead")
        return name

    def api(rule: str, methods=("GET",), from_page: bool = True, **options):
        """Register ``handler`` for ``rule``; ``from_page=False`` for media (loaded by tags)."""
        def decorate(handler):
            def view(**kwargs):
                try:
                    check_from_page(request, needs_header=from_page)
                    result = handler(**kwargs)
                except ServiceError as error:
                    return json_error(error.status, str(error))
                except Exception:  # the page gets JSON, the log gets the traceback
                    _log.exception("labeling API %s failed", rule)
                    return json_error(500, "unexpected error in the labeling backend; see its log")
                if isinstance(result, Response):
                    return protect(result)
                response = jsonify(result)
                response.headers["Cache-Control"] = "no-store"
                return protect(response)
            # No automatic OPTIONS answer: a CORS preflight gets a 405, so another site's page can't
            # send the header the JSON routes ask for.
            app.add_url_rule(rule, "active_labeling_" + handler.__name__, view, methods=list(methods),
                             provide_automatic_options=False, **options)
            return handler
        return decorate

    @api("/api/config")
    def config():
        name = who()
        return dict(service.config(name), reviewer=is_reviewer(name))

    @api("/api/batch")
    def batch():
        return service.batch(who(), _int_arg("size", 10), _page_id(request.args.get("page")))

    @api("/api/label", methods=("POST",))
    def label():
        annotator, body = who(), read_json_body(request)
        if "label" not in body:
            raise BadRequest("label is missing")
        return service.label(annotator, body.get("id"), body["label"], body.get("comment", ""))

    @api("/api/skip", methods=("POST",))
    def skip():
        annotator, body = who(), read_json_body(request)
        return service.skip(annotator, body.get("id"), body.get("comment", ""))

    @api("/api/release", methods=("POST",))
    def release():
        annotator, body = who(), read_json_body(request)
        ids, page = body.get("ids"), _page_id(body.get("page"))
        if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, str) for i in ids)):
            raise BadRequest("ids should be a list of item ids")
        return {"released": service.release(annotator, ids, page)}

    @api("/api/renew", methods=("POST",))
    def renew():
        annotator, body = who(), read_json_body(request)
        page = _page_id(body.get("page"))
        return service.renew(annotator, page, body.get("active", False), body.get("ids"))

    @api("/api/history")
    def history():
        before, after = _int_arg("before", None), _int_arg("after", None)
        if before is not None and after is not None:
            raise BadRequest("give before or after, not both")
        return {"entry": service.history_entry(who(), before, after)}

    @api("/api/stats")
    def stats():
        name = who()
        return dict(service.stats_for(name), stopping=_stopping_verdict(stopping),
                    team=service.desk.snapshot(name, everyone=is_reviewer(name)))

    @api("/api/review/batch")
    def review_batch():
        return service.desk.batch(reviewing(), _int_arg("size", 10))

    @api("/api/review", methods=("POST",))
    def review():
        name, body = reviewing(), read_json_body(request)
        if "label" not in body:
            raise BadRequest("label is missing: send the final label of the item")
        return service.desk.review(name, body.get("id"), body["label"], body.get("comment", ""))

    @api("/api/review/history")
    def review_history():
        before, after = _int_arg("before", None), _int_arg("after", None)
        if before is not None and after is not None:
            raise BadRequest("give before or after, not both")
        return {"entry": service.desk.history_entry(reviewing(), before, after)}

    @api("/api/items/<al_item:item_id>/<any(media, waveform, spectrogram, size):what>", from_page=False,
         merge_slashes=False)
    def item_media(item_id: str, what: str):
        who()
        kind = KINDS[service.settings.kind]
        if media is None or not kind.media:
            return json_error(404, f"no {what} for this item: the items are not files")
        if what not in kind.media:
            return json_error(404, f"no {what} for {kind.noun}")
        try:
            return media.response(item_id, what, request)
        except KeyError:
            return json_error(404, f"unknown item {item_id!r}: only the pool's items are served")
        except OSError as error:
            # An unreadable file: the annotator sees the message and can skip the item.
            return json_error(422, f"cannot read item {item_id!r}: {error.strerror or error}")
        except Exception as error:
            status = getattr(error, "status", None)  # e.g. the media module's MediaError (422)
            if isinstance(status, int) and 400 <= status < 500:
                return json_error(status, str(error))
            raise
