"""The error raised when an item's file can't be read: an item-level problem, not a crash."""

from __future__ import annotations

from active_labeling.service.errors import ServiceError

_WHAT = {"image": "an image", "sound": "a sound"}


class MediaError(ServiceError):
    """An item's file can't be decoded (corrupt, empty, unsupported format).

    A :class:`ServiceError`: the routes answer it with HTTP 422 and ``{"error": str(error)}``, and
    the annotator skips the item.

    Parameters
    ----------
    kind : str
        "image" or "sound".
    reason : str
        What went wrong, in a few words.
    """

    status = 422

    def __init__(self, kind: str, reason: str):
        self.kind = kind
        self.reason = reason.strip().rstrip(".")
        super().__init__(f"This file can't be read as {_WHAT.get(kind, 'media')}: {self.reason}. "
                         "Skip it with S.")
