"""Two annotators at once against a backend served like DSS serves it: one thread, a real socket."""

from __future__ import annotations

import json
import threading
import urllib.request
from typing import Dict, List


def _call(base: str, headers: Dict[str, str], path: str, body=None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="GET" if body is None else "POST",
                                     headers={**headers, "Content-Type": "application/json",
                                              "X-Requested-With": "active-labeling"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_concurrent_annotators_never_share_an_item(dss, tabular, users):
    app = dss.load_webapp("tabular-labeling", tabular)
    got: Dict[str, List[str]] = {"alice": [], "bob": []}
    errors: List[BaseException] = []

    def annotate(login: str) -> None:
        try:
            while True:
                items = _call(base, users[login], "/api/batch?size=2")["items"]
                if not items:
                    return
                for item in items:
                    _call(base, users[login], "/api/label", {"id": item["id"], "label": "pos"})
                    got[login].append(item["id"])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    with dss.serve(app) as base:
        threads = [threading.Thread(target=annotate, args=(login,)) for login in got]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert not set(got["alice"]) & set(got["bob"])
    assert len(got["alice"]) + len(got["bob"]) == 14
    assert got["alice"] and got["bob"]
    metadata = dss.read_dataset("labels_metadata")
    assert sorted(metadata["item_id"]) == sorted(got["alice"] + got["bob"])
    assert metadata["label_id"].is_unique
    assert len(dss.read_dataset("labels")) == 14
