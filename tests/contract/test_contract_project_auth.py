"""Contract of ``dataiku.Project`` variables and of the webapp user identity."""

from __future__ import annotations

import dataiku
import pytest


def test_variables_are_standard_and_local(dss):
    assert dataiku.Project().get_variables() == {"standard": {}, "local": {}}
    assert dataiku.Project("PROJ").project_key == "PROJ"


def test_set_variables_needs_both_keys_and_replaces_both(dss):
    project = dataiku.Project()
    project.set_variables({"standard": {"a": 1, "b": 2}, "local": {"x": 1}})
    with pytest.raises(Exception, match="local"):
        project.set_variables({"standard": {"a": 3}})
    project.set_variables({"standard": {"a": 3}, "local": {}})
    assert dss.get_variables() == {"standard": {"a": 3}, "local": {}}


def test_get_variables_returns_a_copy(dss):
    variables = dataiku.Project().get_variables()
    variables["standard"]["n"] = 1
    assert dataiku.Project().get_variables()["standard"] == {}


def test_auth_info_from_browser_headers(dss):
    dss.add_user("alice", ["annotators"])
    dss.add_user("bob")
    headers = {"Host": "dss", **dss.auth_headers("alice")}
    info = dataiku.api_client().get_auth_info_from_browser_headers(headers)
    assert info["authIdentifier"] == "alice" and info["groups"] == ["annotators"]
    cookie = dss.auth_cookie("bob")
    info = dataiku.api_client().get_auth_info_from_browser_headers({"Cookie": f"a=1; {cookie['name']}="
                                                                              f"{cookie['value']}"})
    assert info == {**info, "authIdentifier": "bob", "groups": []}


@pytest.mark.parametrize("headers", [{}, {"X-DKU-User": "alice", "Cookie": "user=alice"},
                                     {"Cookie": "dss-standin-session=forged"},
                                     {"X-DSS-Standin-Session": ""}])
def test_no_valid_auth_raises(dss, headers):
    dss.add_user("alice")
    with pytest.raises(Exception, match="(?i)auth"):
        dataiku.api_client().get_auth_info_from_browser_headers(headers)
