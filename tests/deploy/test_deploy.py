"""`active-labeling deploy` against a real HTTP server that answers like DSS's public API."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fake_dss_api import FakeDSS

from active_labeling.cli import main

REPO_ROOT = Path(__file__).resolve().parents[2]
PLUGIN = json.loads((REPO_ROOT / "plugin.json").read_text())
ENV_NAME = f"plugin_{PLUGIN['id']}_managed"


@pytest.fixture
def plugin_zip(tmp_path):
    path = tmp_path / "plugin.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("plugin.json", json.dumps(PLUGIN))
        archive.writestr("code-env/python/desc.json",
                         (REPO_ROOT / "code-env/python/desc.json").read_text())
        archive.writestr("python-lib/active_labeling/__init__.py", "")
    return path


@pytest.fixture(autouse=True)
def no_dss_env(monkeypatch):
    monkeypatch.delenv("DSS_URL", raising=False)
    monkeypatch.delenv("DSS_API_KEY", raising=False)


def _deploy(dss: FakeDSS, plugin_zip: Path, *extra: str, key: str = "secret") -> int:
    return main(["deploy", "--url", dss.url, "--api-key", key, "--zip", str(plugin_zip), *extra])


def test_first_install_creates_and_selects_the_code_env(plugin_zip, capsys):
    with FakeDSS() as dss:
        code = _deploy(dss, plugin_zip, "--python", "PYTHON310")
    out = capsys.readouterr().out
    assert code == 0
    steps = dss.paths()
    assert steps[:3] == ["GET /plugins/", "POST /plugins/actions/installFromZip",
                         f"GET /plugins/{PLUGIN['id']}/settings"]
    assert steps[3] == f"POST /plugins/{PLUGIN['id']}/code-env/actions/create"
    assert steps[-1] == f"POST /plugins/{PLUGIN['id']}/settings"
    assert all(s.startswith("GET /futures/") for s in steps[4:-1]) and len(steps) > 5
    assert not any("updateFromZip" in s for s in steps)
    create = json.loads(dss.calls[3]["body"])
    assert create["pythonInterpreter"] == "PYTHON310" and create["deploymentMode"] == "PLUGIN_MANAGED"
    assert dss.uploaded == [plugin_zip.read_bytes()]
    assert dss.plugins[PLUGIN["id"]] == {"version": PLUGIN["version"], "codeEnvName": ENV_NAME}
    for words in ("Installing plugin", "Creating the code env", f"Code env {ENV_NAME} created",
                  "built with PYTHON310", "Done"):
        assert words in out


def test_update_replaces_the_plugin_and_updates_its_code_env(plugin_zip, capsys):
    installed = {PLUGIN["id"]: {"version": "0.0.1", "codeEnvName": "plugin_env_kept"}}
    with FakeDSS(plugins=installed) as dss:
        code = _deploy(dss, plugin_zip)
    out = capsys.readouterr().out
    assert code == 0
    steps = dss.paths()
    assert steps[:4] == ["GET /plugins/", f"POST /plugins/{PLUGIN['id']}/actions/updateFromZip",
                         f"GET /plugins/{PLUGIN['id']}/settings",
                         f"POST /plugins/{PLUGIN['id']}/code-env/actions/update"]
    assert not any("installFromZip" in s or "create" in s or s.startswith("POST") and s.endswith("/settings")
                   for s in steps)
    assert dss.plugins[PLUGIN["id"]] == {"version": PLUGIN["version"], "codeEnvName": "plugin_env_kept"}
    assert f"from 0.0.1 to {PLUGIN['version']}" in out and "plugin_env_kept updated" in out


def test_update_of_a_plugin_without_code_env_creates_one(plugin_zip):
    with FakeDSS(plugins={PLUGIN["id"]: {"version": "0.0.1", "codeEnvName": None}}) as dss:
        assert _deploy(dss, plugin_zip) == 0
    assert f"POST /plugins/{PLUGIN['id']}/code-env/actions/create" in dss.paths()
    assert dss.plugins[PLUGIN["id"]]["codeEnvName"] == ENV_NAME


def test_wrong_api_key_is_explained_and_nothing_is_installed(plugin_zip, capsys):
    with FakeDSS() as dss:
        code = _deploy(dss, plugin_zip, key="not-the-key")
    err = capsys.readouterr().err
    assert code != 0
    assert "HTTP 401" in err and "invalid API key" in err and "DSS_API_KEY" in err
    assert "Traceback" not in err
    assert dss.paths() == ["GET /plugins/"] and not dss.plugins


def test_server_error_names_the_failing_step(plugin_zip, capsys):
    with FakeDSS() as dss:
        dss.fail("POST", "/plugins/actions/installFromZip", 500, "Disk full on the DSS server")
        code = _deploy(dss, plugin_zip)
    err = capsys.readouterr().err
    assert code != 0
    assert "installing plugin" in err and "HTTP 500" in err and "Disk full" in err
    assert not any("code-env" in s for s in dss.paths())


def test_failed_code_env_build_stops_with_dss_message(plugin_zip, capsys):
    with FakeDSS() as dss:
        dss.failing_jobs = True
        code = _deploy(dss, plugin_zip)
    err = capsys.readouterr().err
    assert code != 0 and "no matching distribution for numpy" in err
    assert dss.plugins[PLUGIN["id"]]["codeEnvName"] is None  # no half-made env selected


def test_unreachable_dss_is_a_readable_error(plugin_zip, capsys):
    with FakeDSS() as dss:
        url = dss.url
    code = main(["deploy", "--url", url, "--api-key", "k", "--zip", str(plugin_zip)])
    err = capsys.readouterr().err
    assert code != 0 and "cannot reach DSS" in err and url in err and "Traceback" not in err


@pytest.mark.parametrize("given,missing", [({"DSS_URL": "url"}, "DSS_API_KEY"),
                                           ({"DSS_API_KEY": "secret"}, "DSS_URL")])
def test_missing_url_or_key_fails_before_any_call(plugin_zip, capsys, monkeypatch, given, missing):
    with FakeDSS() as dss:
        for name, value in given.items():
            monkeypatch.setenv(name, dss.url if value == "url" else value)
        code = main(["deploy", "--zip", str(plugin_zip)])
    err = capsys.readouterr().err
    assert code == 2 and missing in err
    assert dss.calls == []


def test_url_and_key_from_the_environment(plugin_zip, monkeypatch):
    with FakeDSS() as dss:
        monkeypatch.setenv("DSS_URL", dss.url)
        monkeypatch.setenv("DSS_API_KEY", "secret")
        assert main(["deploy", "--zip", str(plugin_zip)]) == 0
    assert PLUGIN["id"] in dss.plugins


def test_missing_zip_or_refused_interpreter_is_a_user_error(tmp_path, plugin_zip, capsys):
    with FakeDSS() as dss:
        assert _deploy(dss, tmp_path / "nothing.zip") == 2
        assert "make plugin" in capsys.readouterr().err
        assert _deploy(dss, plugin_zip, "--python", "PYTHON312") == 2
        assert "PYTHON312" in capsys.readouterr().err
    assert dss.calls == []


@pytest.mark.skipif(not shutil.which("make") or not (REPO_ROOT / ".git").exists(),
                    reason="needs make and a git checkout")
def test_make_deploy_builds_the_committed_plugin_and_installs_it(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "active-labeling").exists():
        pytest.skip("the active-labeling command is not installed in this environment")
    with FakeDSS() as dss:
        # -o: take the virtualenv as installed, never reinstall it from a test.
        done = subprocess.run(["make", "-C", str(clone), f"BIN={bin_dir}", "-o", f"{bin_dir}/.installed",
                               "deploy", f"DSS_URL={dss.url}", "DSS_API_KEY=secret"],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installing plugin" in done.stdout and "secret" not in done.stdout + done.stderr  # key not echoed
    built = clone / "dist" / f"dss-plugin-{PLUGIN['id']}-{PLUGIN['version']}.zip"
    with zipfile.ZipFile(built) as archive:
        assert "plugin.json" in archive.namelist()
    assert dss.uploaded == [built.read_bytes()]
    assert dss.plugins[PLUGIN["id"]]["codeEnvName"] == ENV_NAME
