"""A stand-in for the media module: a folder item's file as stored, for when it is not installed."""

from __future__ import annotations

import mimetypes

from flask import Response, send_file

from active_labeling.local.folder import LocalMediaSource


class RawMedia:
    """Serve the files as they are (no thumbnails, no waveform nor spectrogram)."""

    def __init__(self, source: LocalMediaSource):
        self.source = source

    def response(self, item_id: str, what: str, request) -> Response:
        """The file's bytes (with HTTP Range support) for ``what == "media"``."""
        if what != "media":
            raise KeyError(item_id)
        path = self.source.path(item_id)
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return send_file(path, mimetype=mimetype, conditional=True, max_age=0)
