"""Serving the files behind image and sound items: downscaled images, sound bytes with HTTP
ranges, waveform peaks and mel-spectrograms. No ``dataiku`` here: the bytes come from a
:class:`~active_labeling.storage.base.MediaSource`.
"""

from active_labeling.media.errors import MediaError
from active_labeling.media.service import MediaService

__all__ = ["MediaError", "MediaService"]
