"""Install or update the plugin in a DSS instance from its zip, then create or update its code env.

Used by ``active-labeling deploy`` (and ``make deploy``). Talks to DSS through ``dataikuapi``:
``list_plugins`` decides between a first install and an update; the code env is created when the
plugin has none yet, else updated (DSS rebuilds it from the new requirements).
"""

from __future__ import annotations

import json
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import dataikuapi
import requests
from dataikuapi.utils import DataikuException


class DeployError(Exception):
    """Deploying failed; the message says at which step, what DSS answered and what to do."""


@dataclass(frozen=True)
class PluginArchive:
    """A plugin zip and what its descriptors say."""

    path: Path
    plugin_id: str
    version: str
    interpreters: List[str]


def read_archive(path: Path) -> PluginArchive:
    """Check that ``path`` is a plugin zip (``plugin.json`` at its root) and read its id and version.

    Raises
    ------
    DeployError
        When the file is missing, not a zip, or has no valid ``plugin.json`` at its root.
    """
    path = Path(path)
    if not path.is_file():
        raise DeployError(f"no plugin zip at {path}: run `make plugin` first, or pass --zip.")
    try:
        with zipfile.ZipFile(path) as archive:
            plugin = json.loads(archive.read("plugin.json"))
            names = set(archive.namelist())
            desc = (json.loads(archive.read("code-env/python/desc.json"))
                    if "code-env/python/desc.json" in names else {})
        return PluginArchive(path, str(plugin["id"]), str(plugin["version"]),
                             list(desc.get("acceptedPythonInterpreters") or []))
    except zipfile.BadZipFile:
        raise DeployError(f"{path} is not a zip file; build one with `make plugin`.") from None
    except (KeyError, ValueError, TypeError) as error:
        raise DeployError(f"{path} is not a DSS plugin zip (no valid plugin.json at its root: {error}).") \
            from None


def wait_for_future(future: Any, what: str, timeout: float = 3600.0,
                    sleep: Callable[[float], None] = time.sleep) -> Any:
    """Wait for a DSS long-running job and return its result.

    Unlike ``DSSFuture.wait_for_result``, stops when the job ends without a result (it failed)
    and after ``timeout`` seconds, instead of polling forever.

    Raises
    ------
    DeployError
        When the job failed or did not finish in time.
    """
    state = future.state or {}
    deadline = time.monotonic() + timeout
    delay = 0.2
    while not state.get("hasResult"):
        if state and state.get("alive") is False:
            raise DeployError(f"{what} failed in DSS: {_failure_text(state)}")
        if time.monotonic() >= deadline:
            raise DeployError(f"{what} did not finish within {timeout:.0f} s; see DSS's logs "
                              f"(Administration > Monitoring > Background tasks).")
        sleep(delay)
        delay = min(delay * 1.5, 5.0)
        state = future.get_state() or {}
    return state.get("result")


def _failure_text(state: Dict[str, Any]) -> str:
    failure = state.get("exception") or state.get("error") or state.get("message")
    if isinstance(failure, dict):
        failure = failure.get("detailedMessage") or failure.get("message") or failure
    return str(failure or "the job stopped without a result (see DSS's logs).")


def _status_hint(status: Optional[int], url: str) -> str:
    if status == 401:
        return (" Check DSS_API_KEY / --api-key: DSS did not accept it. Use a personal or global API "
                "key of a user who may develop plugins (or an administrator).")
    if status == 403:
        return (" The API key is valid but may not manage plugins: use one with admin or "
                "plugin-development rights.")
    if status == 404:
        return f" Check DSS_URL / --url ({url}): it should be the DSS address, like http://dss.example.com:11200."
    return ""


def _messages(result: Any) -> List[str]:
    """Warnings and errors DSS reported while building a code env (shapes vary across versions)."""
    messages = result.get("messages") if isinstance(result, dict) else None
    if isinstance(messages, dict):
        messages = messages.get("messages")
    found = []
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict) and message.get("severity") in ("WARNING", "ERROR"):
            found.append(f"{message['severity']}: {message.get('message') or message.get('title')}")
    return found


class _StatusRecorder:
    """Remembers the HTTP status of the last answer, for errors that only carry DSS's message."""

    def __init__(self):
        self.status: Optional[int] = None

    def __call__(self, response, *args, **kwargs):
        self.status = response.status_code
        return response


def deploy(url: str, api_key: str, archive: PluginArchive, python_interpreter: Optional[str] = "PYTHON311",
           no_check_certificate: bool = False, timeout: float = 3600.0,
           log: Callable[[str], None] = print) -> Dict[str, Any]:
    """Install or update the plugin, then create or update its code env.

    Parameters
    ----------
    url, api_key : str
        The DSS instance and an API key allowed to manage plugins.
    archive : PluginArchive
        The plugin zip (:func:`read_archive`).
    python_interpreter : str, optional
        Interpreter of a new code env (``PYTHON39``...); ``None`` lets DSS choose.
    no_check_certificate : bool
        Accept a self-signed HTTPS certificate.
    timeout : float
        Seconds to wait for the code env to build.
    log : callable
        Receives one line per step.

    Returns
    -------
    dict
        ``{"plugin": id, "installed": bool (False: updated), "code_env": name, "code_env_created": bool}``.

    Raises
    ------
    DeployError
        With the failing step, DSS's answer and what to do.
    """
    client = dataikuapi.DSSClient(url, api_key, no_check_certificate=no_check_certificate)
    recorder = _StatusRecorder()
    session = getattr(client, "_session", None)
    if session is not None:
        session.hooks["response"].append(recorder)
    step = f"connecting to DSS at {url}"
    try:
        log(f"Connecting to DSS at {url}...")
        step = "listing the installed plugins"
        installed = {p.get("id"): p for p in client.list_plugins() if isinstance(p, dict)}
        plugin = client.get_plugin(archive.plugin_id)
        is_new = archive.plugin_id not in installed
        with open(archive.path, "rb") as zip_file:
            if is_new:
                step = f"installing plugin {archive.plugin_id}"
                log(f"Installing plugin {archive.plugin_id} {archive.version} (new in this instance)...")
                client.install_plugin_from_archive(zip_file)
            else:
                step = f"updating plugin {archive.plugin_id}"
                before = installed[archive.plugin_id].get("version")
                log(f"Updating plugin {archive.plugin_id} "
                    f"{'from ' + str(before) + ' ' if before else ''}to {archive.version}...")
                plugin.update_from_zip(zip_file)
        step = "reading the plugin's settings"
        settings = plugin.get_settings()
        env_name = settings.get_raw().get("codeEnvName")
        created = not env_name
        if created:
            step = "creating the plugin's code env"
            log(f"Creating the code env ({python_interpreter or 'DSS default interpreter'}); "
                f"this takes a few minutes...")
            result = wait_for_future(plugin.create_code_env(python_interpreter=python_interpreter),
                                     "creating the code env", timeout)
            env_name = (result or {}).get("envName")
            if not env_name:
                raise DeployError(f"DSS created a code env but did not name it (answer: {result!r}).")
            step = "selecting the new code env in the plugin's settings"
            settings.set_code_env(env_name)
            settings.save()
            log(f"Code env {env_name} created and selected for the plugin.")
        else:
            step = f"updating the code env {env_name}"
            log(f"Updating the code env {env_name} from the plugin's requirements...")
            result = wait_for_future(plugin.update_code_env(), "updating the code env", timeout)
            log(f"Code env {env_name} updated.")
        for message in _messages(result):
            log(f"  DSS said: {message}")
    except DataikuException as error:
        raise DeployError(f"DSS refused {step} (HTTP {recorder.status}): {error}."
                          f"{_status_hint(recorder.status, url)}") from None
    except requests.exceptions.SSLError as error:
        raise DeployError(f"TLS error while {step}: {error}. For a self-signed certificate, pass "
                          f"--no-check-certificate.") from None
    except ValueError as error:  # a 2xx answer that is not JSON (requests' error is also a ValueError)
        raise DeployError(f"unexpected answer while {step} (not DSS's JSON: {error}). "
                          f"Check DSS_URL / --url ({url}).") from None
    except requests.exceptions.RequestException as error:
        raise DeployError(f"cannot reach DSS at {url} while {step}: {error}") from None
    log(f"Done: {archive.plugin_id} {archive.version} is {'installed' if is_new else 'updated'} "
        f"with code env {env_name}.")
    return {"plugin": archive.plugin_id, "installed": is_new, "code_env": env_name,
            "code_env_created": created}
