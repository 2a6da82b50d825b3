"""In DSS the backend lives under a prefix only ``dataiku.getWebAppBackendUrl`` knows: every call
of the page, media included, must go through it. The local server's page is changed on the fly
to give it such a prefix, and the prefixed calls are forwarded to the real server."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

import pytest
from labeling_ui_support import current_id, press_and_wait_change, wait_all_saved

pytestmark = pytest.mark.browser
PlaywrightError = pytest.importorskip("playwright.sync_api").Error

PREFIX = "/web-apps-backends/PROJ/Xy12ab"
DSS_HELPER = ("<script>window.dataiku.getWebAppBackendUrl = function (path) {"
              f" return '{PREFIX}' + (path.charAt(0) === '/' ? path : '/' + path); }};</script></head>")


def test_every_backend_call_goes_through_get_web_app_backend_url(browser, serve):
    server = serve("sound")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    direct, prefixed = [], []

    def page_with_prefix(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("</head>", DSS_HELPER, 1))

    def backend(route):
        path = urlsplit(route.request.url).path
        query = urlsplit(route.request.url).query
        prefixed.append(path)
        target = server.url + path[len(PREFIX):] + (f"?{query}" if query else "")
        with contextlib.suppress(PlaywrightError):   # a prefetch still running when the page closes
            route.fulfill(response=route.fetch(url=target))

    def unprefixed(route):
        if urlsplit(route.request.url).path.startswith("/api/"):
            direct.append(route.request.url)
        route.fallback()

    context.route("**/api/**", unprefixed)
    context.route(f"**{PREFIX}/**", backend)
    context.route(server.url + "/", page_with_prefix)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(server.url + "/")
    page.wait_for_selector(".al-app[data-ready=true]", timeout=15000)
    page.wait_for_function("document.querySelector('.al-stage').dataset.itemId", timeout=15000)
    first = current_id(page)
    page.wait_for_function("document.querySelector('.al-spectro-img').naturalWidth > 0", timeout=20000)
    press_and_wait_change(page, "2")
    page.keyboard.press("Backspace")
    page.wait_for_function("(id) => document.querySelector('.al-stage').dataset.itemId === id", arg=first)
    wait_all_saved(page)
    context.unroute_all(behavior="ignoreErrors")
    context.close()

    assert direct == []
    kinds = {p.rsplit("/", 1)[-1] for p in prefixed}
    assert {"config", "batch", "label", "history", "media", "waveform", "spectrogram"} <= kinds
    assert server.history()[0]["id"] == first
    assert page.errors == []
