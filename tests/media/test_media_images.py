"""Images come out upright, within the configured size, in a format that keeps transparency."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from active_labeling.media import MediaError, MediaService


def test_exif_rotated_jpeg_is_upright_and_downscaled(get_media, source):
    response = get_media(MediaService(source, "image"), "/photos/rotated.jpg")
    assert response.status_code == 200
    assert response.content_type == "image/jpeg"
    image = Image.open(io.BytesIO(response.get_data()))
    # Stored 2400x1600 with 'rotate 90° clockwise': shown portrait, longest side 1024.
    assert image.size == (683, 1024)
    # The stored top (red) ends up on the right once turned clockwise.
    left = image.getpixel((100, 512))
    right = image.getpixel((580, 512))
    assert left[2] > 150 and left[0] < 100
    assert right[0] > 150 and right[2] < 100


def test_large_png_is_downscaled_to_the_configured_side(get_media, source):
    response = get_media(MediaService(source, "image", max_side=600), "/photos/big.png")
    image = Image.open(io.BytesIO(response.get_data()))
    assert response.content_type == "image/jpeg"
    assert image.size == (600, 200)


def test_transparency_is_kept_as_png(get_media, source):
    response = get_media(MediaService(source, "image"), "/photos/alpha.png")
    assert response.content_type == "image/png"
    image = Image.open(io.BytesIO(response.get_data()))
    assert image.size == (1024, 256)
    assert image.mode == "RGBA"
    assert image.getpixel((10, 10))[3] == 0
    assert image.getpixel((10, 250))[3] == 255


def test_small_image_keeps_its_size_and_has_cache_headers(get_media, source):
    response = get_media(MediaService(source, "image"), "/photos/small.png")
    assert Image.open(io.BytesIO(response.get_data())).size == (40, 30)
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = get_media(MediaService(source, "image"), "/photos/small.png", headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize("item_id", ["/photos/broken.jpg", "/photos/text.png"])
def test_unreadable_image_raises_media_error(source, item_id):
    media = MediaService(source, "image")
    with pytest.raises(MediaError) as caught:
        media.render(item_id)
    message = str(caught.value)
    assert message.startswith("This file can't be read as an image: ")
    assert message.endswith("Skip it with S.")
    assert caught.value.status == 422
    assert media.error_for(item_id) == message


def test_unknown_item_is_a_key_error(get_media, source):
    with pytest.raises(KeyError):
        get_media(MediaService(source, "image"), "/photos/missing.jpg")
    with pytest.raises(KeyError):
        get_media(MediaService(source, "image"), "/photos/small.png", what="waveform")


def test_cache_hit_does_not_read_the_source_again(get_media, source):
    media = MediaService(source, "image")
    first = get_media(media, "/photos/rotated.jpg").get_data()
    second = get_media(media, "/photos/rotated.jpg").get_data()
    assert first == second
    assert source.opened["/photos/rotated.jpg"] == 1


def test_memory_cache_is_bounded(get_media, source):
    media = MediaService(source, "image", memory_bytes=200_000)
    for item in ["/photos/rotated.jpg", "/photos/big.png", "/photos/alpha.png", "/photos/small.png"]:
        get_media(media, item)
    assert media.cache._size <= 200_000
    get_media(media, "/photos/small.png")
    assert source.opened["/photos/small.png"] == 1  # the most recent stays


def test_disk_cache_survives_a_restart(get_media, source, tmp_path):
    first = get_media(MediaService(source, "image", cache_dir=tmp_path), "/photos/big.png").get_data()
    second = get_media(MediaService(source, "image", cache_dir=tmp_path), "/photos/big.png").get_data()
    assert first == second
    assert source.opened["/photos/big.png"] == 1
