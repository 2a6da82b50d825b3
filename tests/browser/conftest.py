"""Fixtures of the browser tests: generated data, the real local server, headless Chromium."""

from __future__ import annotations

import pytest
from labeling_ui_support import CATEGORIES, LabelingServer, launch_chromium, make_data


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def datasets(tmp_path_factory):
    root = tmp_path_factory.mktemp("labeling-data")
    cache = {}

    def get(kind):
        if kind not in cache:
            cache[kind] = make_data(kind, root / kind)
        return cache[kind]
    return get


def load_librosa():
    """Load librosa in this process (at once when already loaded) before a sound server starts.

    In a new environment, librosa's first load compiles its numba functions (about 30 s on two
    cores) and caches them on disk; a server doing it would miss the tests' waits for media.
    """
    import librosa

    librosa.feature.melspectrogram  # noqa: B018 - the lazy module loads when touched


@pytest.fixture
def serve(tmp_path, datasets):
    """``serve(kind, extra=[...])`` starts a server on fresh workspace; all are stopped at the end."""
    servers = []

    def start(kind, extra=(), categories=None, data=None):
        if kind == "sound":
            load_librosa()
        server = LabelingServer(kind, data or datasets(kind), tmp_path / f"workspace-{len(servers)}",
                                categories or CATEGORIES[kind], extra)
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.stop()
