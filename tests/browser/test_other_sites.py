"""A page of another origin, open in the annotator's browser, tries to use the labeling server:
it reserves nothing, labels nothing, can't even show an item's image; the annotator's own
labeling page works as before, and gives its items back when it closes (docs/api.md, "Requests
must come from the page")."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

import pytest
from labeling_ui_support import (
    PAGE_HEADERS,
    VIEWPORT,
    current_id,
    press_and_wait_change,
    wait_all_saved,
    wait_ready,
)

pytestmark = pytest.mark.browser

# The attacker knows an item's id (a guessed file name) and the API. What each attempt gives is
# kept in window.attack; the browser hides the answers of the cross-origin ones from the page.
ATTACK_PAGE = """<!DOCTYPE html>
<html><body>
<h1>Cute cats</h1>
<iframe name="sink" id="sink"></iframe>
<form id="form" method="POST" action="%(target)s/api/label" enctype="text/plain" target="sink">
  <input type="hidden" name='{"id": "%(item)s", "label": "dark", "comment": "' value='"}'>
</form>
<script>
const TARGET = %(target_json)s, ITEM = %(item_json)s;
window.attack = (async () => {
  const out = {noCors: []};
  for (let i = 0; i < 3; i++) {  // enough to take 300 items
    try {
      const r = await fetch(TARGET + "/api/batch?size=100", {mode: "no-cors", credentials: "include"});
      out.noCors.push(r.type);
    } catch (e) { out.noCors.push("failed"); }
  }
  try {
    await fetch(TARGET + "/api/batch?size=100", {credentials: "include",
                                                 headers: {"X-Requested-With": "active-labeling"}});
    out.withHeader = "answered";
  } catch (e) { out.withHeader = "failed: " + e.name; }
  try {
    await fetch(TARGET + "/api/label", {method: "POST", credentials: "include",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({id: ITEM, label: "dark"})});
    out.jsonPost = "answered";
  } catch (e) { out.jsonPost = "failed: " + e.name; }
  out.form = await new Promise((resolve) => {
    document.getElementById("sink").onload = () => resolve("loaded");
    setTimeout(() => resolve("timeout"), 5000);
    document.getElementById("form").submit();
  });
  out.imageWidth = await new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image.naturalWidth);
    image.onerror = () => resolve(0);
    image.src = TARGET + "/api/items/" + encodeURIComponent(ITEM) + "/media";
  });
  return out;
})();
</script>
</body></html>
"""


class _AttackSite:
    """A second HTTP server, on another port (and possibly another host name), serving one page."""

    def __init__(self, page: str):
        body = page.encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _call(server, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data=data, method=method,
                                     headers={**PAGE_HEADERS, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _free_ids(server):
    """Ids a batch can hand out now (reserved for a moment by a probe page, then given back)."""
    ids = {item["id"] for item in _call(server, "GET", "/api/batch?size=100&page=probe")["items"]}
    _call(server, "POST", "/api/release", {"page": "probe"})
    return ids


def _held(server):
    query = "SELECT item_id FROM reservations WHERE annotator = 'tester' AND expires > strftime('%s', 'now')"
    return {r["item_id"] for r in server.rows(query)}


@pytest.mark.parametrize("attacker_host", ["127.0.0.1", "localhost"])  # the same site; another site
def test_a_page_of_another_origin_reserves_and_labels_nothing(browser, serve, attacker_host):
    server = serve("image")
    everything = _free_ids(server)
    assert len(everything) == 40
    item = sorted(everything)[0]
    site = _AttackSite(ATTACK_PAGE % {"target": server.url, "item": item,
                                      "target_json": json.dumps(server.url), "item_json": json.dumps(item)})
    context = browser.new_context(viewport=VIEWPORT)
    try:
        attacker = context.new_page()
        answers = []
        attacker.on("response", lambda r: answers.append((r.request.method, urlsplit(r.url).path, r.status))
                    if r.url.startswith(server.url) else None)
        failed = []
        attacker.on("requestfailed", lambda r: failed.append((r.method, urlsplit(r.url).path, r.failure)))
        attacker.goto(f"http://{attacker_host}:{site.port}/")
        result = attacker.evaluate("window.attack")
        assert _free_ids(server) == everything, "the other site's page reserved items"
        assert server.decision_rows() == [], "the other site's page labeled an item"
        # The no-cors batches reached the server, which answered (a 403), and the browser kept even
        # that from the page (Cross-Origin-Resource-Policy); the image likewise.
        blocked = ("GET", "/api/batch", "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin")
        assert result["noCors"] == ["failed"] * 3 and failed.count(blocked) == 3
        assert result["imageWidth"] == 0
        assert ("GET", f"/api/items/{quote(item, safe='')}/media",
                "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin") in failed
        # The form post is a navigation: its answer is the server's refusal.
        assert ("POST", "/api/label", 403) in answers and result["form"] == "loaded"
        # The header and a JSON body both need a preflight, which the server refuses: never sent.
        assert result["withHeader"] == "failed: TypeError" and result["jsonPost"] == "failed: TypeError"
        assert ("GET", "/api/batch", "net::ERR_FAILED") in failed
        assert ("POST", "/api/label", "net::ERR_FAILED") in failed

        # The annotator's own page, in the same browser: items, images, labels as before.
        page = context.new_page()
        page.goto(server.url)
        wait_ready(page)
        shown = current_id(page)
        # The image is decoded and put on the stage just after the item's id is shown: wait for it.
        page.wait_for_function("() => { const img = document.querySelector('.al-stage img');"
                               " return img !== null && img.complete && img.naturalWidth > 0; }",
                               timeout=15000)
        press_and_wait_change(page, "1")
        wait_all_saved(page)
        assert [(r["item_id"], json.loads(r["label"])) for r in server.decision_rows()] == [(shown, "dark")]
        held = _held(server)
        assert current_id(page) in held and len(held) >= 5
        # Closing the page gives its items back at once (a keepalive fetch carrying the header).
        page.close(run_before_unload=True)
        deadline = time.monotonic() + 5
        while _held(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _held(server) == set()
        assert _free_ids(server) == everything - {shown}
    finally:
        context.close()
        site.close()
