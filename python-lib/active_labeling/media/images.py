"""Images as the annotator sees them: upright (EXIF orientation applied) and downscaled."""

from __future__ import annotations

import io
import warnings
from typing import Tuple

from PIL import Image, ImageOps

from active_labeling.media.errors import MediaError

JPEG_QUALITY = 85
# EXIF orientations that turn the picture a quarter (the page shows it with width and height swapped).
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_ORIENTATION = 0x0112


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in ("RGBA", "LA", "PA"):
        return True
    return image.mode == "P" and "transparency" in image.info


def render_image(data: bytes, max_side: int = 1024) -> Tuple[bytes, str]:
    """Decode an image file, apply its EXIF orientation and fit it within ``max_side`` pixels.

    Parameters
    ----------
    data : bytes
        The file's content (any format pillow reads).
    max_side : int
        Longest side of the result, in pixels; smaller images keep their size.

    Returns
    -------
    (body, content_type) : JPEG bytes and ``image/jpeg``, or PNG bytes and ``image/png`` when the
        image has transparency (JPEG would turn it black).

    Raises
    ------
    MediaError
        When pillow can't read the file.
    """
    try:
        with warnings.catch_warnings():
            # Pillow warns on huge images before refusing the hugest: treat both as errors below.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            # For JPEG, decode at a reduced scale directly: much faster on camera photos.
            image.draft("RGB", (max_side, max_side))
            image.load()
            image = ImageOps.exif_transpose(image)
    except Image.DecompressionBombError as error:
        raise MediaError("image", f"it is too large ({error})") from None
    except Image.DecompressionBombWarning:
        raise MediaError("image", "it has too many pixels to be shown safely") from None
    except Exception as error:  # noqa: BLE001 - pillow raises many kinds on corrupt files
        raise MediaError("image", f"{type(error).__name__}: {error}") from None
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if _has_transparency(image):
        image.convert("RGBA").save(out, format="PNG", optimize=False)
        return out.getvalue(), "image/png"
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), "image/jpeg"


def original_size(data: bytes) -> Tuple[int, int]:
    """``(width, height)`` of an image file as the page shows it: full size, EXIF orientation applied.

    Only the file's header is decoded. Boxes are drawn and stored in these pixels, whatever the
    size the image is served at.

    Raises
    ------
    MediaError
        When pillow can't read the file.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                orientation = image.getexif().get(_ORIENTATION)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError("image", "it has too many pixels to be shown safely") from None
    except Exception as error:  # noqa: BLE001 - pillow raises many kinds on corrupt files
        raise MediaError("image", f"{type(error).__name__}: {error}") from None
    return (height, width) if orientation in _QUARTER_TURNS else (width, height)
