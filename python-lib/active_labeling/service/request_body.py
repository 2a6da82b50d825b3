"""The JSON body of a POST: size, content type and text checked before anything is touched."""

from __future__ import annotations

import json
from typing import Any, Dict

from active_labeling.service.errors import BadRequest, ServiceError

MAX_BODY = 64 * 1024


class TooLarge(ServiceError):
    """The body is over ``MAX_BODY`` bytes."""

    status = 413


class NotJson(ServiceError):
    """The body is not sent as ``application/json``."""

    status = 415


def read_json_body(request) -> Dict[str, Any]:
    """The body of ``request`` as a JSON object (``{}`` when empty).

    Only ``Content-Type: application/json`` is read: a ``<form>`` of another site can post
    text/plain or form data without asking, never JSON. Every text in it must be well-formed
    Unicode: JSON allows ``"\\udcff"`` (a lone surrogate), which no store can write.

    Raises
    ------
    TooLarge, NotJson, BadRequest
        With a message naming what is wrong.
    """
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise TooLarge(f"the body is {length} bytes; at most {MAX_BODY} are accepted")
    raw = request.stream.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        raise TooLarge(f"the body is over {MAX_BODY} bytes")
    if not raw.strip():
        return {}
    if request.mimetype != "application/json":
        sent = request.headers.get("Content-Type") or "no Content-Type"
        raise NotJson(f"the body should be JSON sent with 'Content-Type: application/json', not {sent}")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadRequest(f"the body should be a JSON object: {error}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body should be a JSON object")
    _check_text(body, "the body")
    return body


def _check_text(value: Any, where: str) -> None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            bad = value[error.start]
            raise BadRequest(f"{where} is not valid text: it holds a lone surrogate (\\u{ord(bad):04x}) at "
                             f"character {error.start}; send it as well-formed Unicode (remove that "
                             "character)") from None
    elif isinstance(value, dict):
        for key, inner in value.items():
            _check_text(key, f"a field name of {where}")
            _check_text(inner, str(key) if where == "the body" else f"{where}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _check_text(inner, f"{where}[{index}]")
