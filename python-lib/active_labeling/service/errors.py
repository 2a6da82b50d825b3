"""Errors the labeling service reports to its caller, each with the HTTP status it maps to."""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service refuses; nothing was written."""

    status = 500


class BadRequest(ServiceError):
    """A missing or malformed field, or an unknown category."""

    status = 400


class UnknownItem(ServiceError, KeyError):
    """The item is not in the pool (nor in the caller's history)."""

    status = 404

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown item"


class Reserved(ServiceError):
    """Another annotator holds the item."""

    status = 409


class Forbidden(ServiceError):
    """The caller is known but may not do this (an annotator asking for review mode)."""

    status = 403
