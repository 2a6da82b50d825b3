"""Annotators at once against a backend served like DSS serves it, on a real socket: one request at a
time (the default), a thread per request ("Number of processes" 0), or a fork per request (n > 1)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Dict, List

import pytest


@pytest.mark.parametrize("processes", [1, 0], ids=["one-request-at-a-time", "threads"])
def test_concurrent_annotators_never_share_an_item(dss, tabular, users, processes, api):
    app = dss.load_webapp("tabular-labeling", tabular)
    got: Dict[str, List[str]] = {"alice": [], "bob": []}
    errors: List[BaseException] = []

    def annotate(login: str) -> None:
        try:
            while True:
                items = api(base, users[login], "/api/batch?size=2")["items"]
                if not items:
                    return
                for item in items:
                    api(base, users[login], "/api/label", {"id": item["id"], "label": "pos"})
                    got[login].append(item["id"])
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    with dss.serve(app, processes) as base:
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


def test_a_backend_forking_per_request_refuses_to_label_and_says_what_to_set(dss, tabular, users, api):
    app = dss.load_webapp("tabular-labeling", tabular)
    with dss.serve(app, processes=2) as base:
        for path, body in (("/api/batch?size=2", None), ("/api/label", {"id": "x", "label": "pos"})):
            with pytest.raises(urllib.error.HTTPError) as refused:
                api(base, users["alice"], path, body)
            assert refused.value.code == 503
            message = json.loads(refused.value.read())["error"]
            assert "'Number of processes'" in message and "to 1" in message and "restart" in message
    assert dss.read_dataset("labels_metadata").empty and dss.read_dataset("labels").empty
