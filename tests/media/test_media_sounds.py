"""Sounds: stored bytes with HTTP ranges, waveform peaks and a mel-spectrogram."""

from __future__ import annotations

import io
import json

import librosa
import numpy as np
import pytest
from PIL import Image

from active_labeling.media import MediaError, MediaService


def test_whole_sound_is_served_as_stored(get_media, source, media_files):
    response = get_media(MediaService(source, "sound"), "/sounds/sine440.wav")
    assert response.status_code == 200
    assert response.content_type == "audio/wav"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.get_data() == media_files["/sounds/sine440.wav"]


def test_range_of_first_bytes(get_media, source, media_files):
    stored = media_files["/sounds/sine440.wav"]
    response = get_media(MediaService(source, "sound"), "/sounds/sine440.wav",
                    headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-99/{len(stored)}"
    assert response.get_data() == stored[:100]


def test_open_ended_and_suffix_ranges(get_media, source, media_files):
    stored = media_files["/sounds/sine440.wav"]
    media = MediaService(source, "sound")
    tail = get_media(media, "/sounds/sine440.wav", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206
    assert tail.get_data() == stored[-50:]
    assert tail.headers["Content-Range"] == f"bytes {len(stored) - 50}-{len(stored) - 1}/{len(stored)}"
    rest = get_media(media, "/sounds/sine440.wav", headers={"Range": f"bytes={len(stored) - 10}-"})
    assert rest.get_data() == stored[-10:]
    # Served from the cache: the one-way stream was read once.
    assert source.opened["/sounds/sine440.wav"] == 1


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=50-10", "bytes=-0"])
def test_unsatisfiable_range_is_416(get_media, source, media_files, header):
    stored = media_files["/sounds/sine440.wav"]
    response = get_media(MediaService(source, "sound"), "/sounds/sine440.wav", headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(stored)}"


def test_waveform_of_a_sine(get_media, source):
    response = get_media(MediaService(source, "sound"), "/sounds/sine440.wav", what="waveform")
    assert response.content_type == "application/json"
    waveform = json.loads(response.get_data())
    assert waveform["sample_rate"] == 22050
    assert waveform["duration"] == pytest.approx(1.5, abs=1e-3)
    peaks = np.array(waveform["peaks"])
    assert peaks.shape == (800, 2)
    assert peaks[:, 1].max() == pytest.approx(0.5, abs=0.01)
    assert peaks[:, 0].min() == pytest.approx(-0.5, abs=0.01)
    # Every bucket of a steady sine spans (almost) the whole amplitude.
    assert (peaks[:, 1] - peaks[:, 0]).min() > 0.3


def test_spectrogram_is_a_png_brightest_at_the_sine_frequency(get_media, source):
    response = get_media(MediaService(source, "sound"), "/sounds/sine2k.wav", what="spectrogram")
    assert response.content_type == "image/png"
    image = Image.open(io.BytesIO(response.get_data()))
    assert image.format == "PNG"
    brightness = np.asarray(image.convert("L"), dtype=float)
    rows = brightness.shape[0]
    brightest = int(np.argmax(brightness.mean(axis=1)))
    bands = librosa.mel_frequencies(n_mels=rows, fmax=22050 / 2)[::-1]  # top row = highest band
    assert bands[brightest] == pytest.approx(2000, rel=0.08)
    # And the sine shows across the whole duration, not in a few frames only.
    assert brightness[brightest].min() > brightness.mean()


@pytest.mark.parametrize("item_id", ["/sounds/broken.wav", "/sounds/empty.wav"])
def test_unreadable_sound_raises_media_error(source, item_id):
    media = MediaService(source, "sound")
    with pytest.raises(MediaError) as caught:
        media.render(item_id, "waveform")
    assert str(caught.value).startswith("This file can't be read as a sound: ")
    assert str(caught.value).endswith("Skip it with S.")


def test_waveform_and_spectrogram_read_the_source_once(get_media, source):
    media = MediaService(source, "sound")
    for what in ("waveform", "spectrogram", "media", "waveform"):
        get_media(media, "/sounds/sine440.wav", what=what)
    assert source.opened["/sounds/sine440.wav"] == 1
