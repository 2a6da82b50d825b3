"""Running the plugin's real entry points the way DSS starts them (see shared/dss-runtime.md):
recipes, triggers and steps as fresh subprocesses with DSS's env variables; webapp backends
exec'd in-process with a Flask ``app`` already in their globals."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional

from standin_roles import check_roles

STANDIN_DIR = Path(__file__).resolve().parent
REPO_ROOT = STANDIN_DIR.parents[1]
_SAVED = object()


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> RunResult:
        """Raise, showing the script's output, unless it exited with 0."""
        if self.returncode != 0:
            raise AssertionError(f"exit code {self.returncode}\n--- stdout\n{self.stdout}"
                                 f"\n--- stderr\n{self.stderr}")
        return self


@dataclass
class TriggerRun(RunResult):
    fired: bool = False
    params: Optional[dict] = None
    state: Optional[str] = None
    fires: List[dict] = field(default_factory=list)


class StandInRunners:
    """Mixed into ``DSSStandIn``; needs ``root``, ``project_key``, ``repo_root`` and ``trigger_fires()``."""

    repo_root: Path = REPO_ROOT
    timeout: float = 120
    plugin_config: dict = {}  # the plugin's settings (Plugins > active-labeling > Settings)

    def _component(self, kind: str, ref, script: str) -> Path:
        """``ref`` is a component id (looked up under ``<repo>/<kind>/``) or a directory."""
        folder = Path(ref)
        if not folder.is_dir():
            folder = self.repo_root / kind / str(ref)
        path = folder / script
        if not path.is_file():
            raise FileNotFoundError(f"No {script} in {folder}")
        return path

    def _base_env(self) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DKU") and k != "PYTHONPATH"}
        env.update(DKU_STANDIN_ROOT=str(self.root), DKU_CURRENT_PROJECT_KEY=self.project_key,
                   DIP_HOME=str(self.root),
                   DKU_PLUGIN_CONFIG=json.dumps(self.plugin_config),
                   DKU_CUSTOM_RECIPE_PLUGIN_CONFIG=json.dumps(self.plugin_config),
                   DKU_CUSTOM_RESOURCE_FOLDER=str(self.repo_root / "resource"), PYTHONDONTWRITEBYTECODE="1",
                   PYTHONPATH=os.pathsep.join([str(self.repo_root / "python-lib"), str(STANDIN_DIR)]))
        return env

    def _run(self, script: Path, env: Dict[str, str]) -> RunResult:
        cwd = tempfile.mkdtemp(prefix="run-", dir=self.root)
        proc = subprocess.run([sys.executable, str(script)], env=env, cwd=cwd, capture_output=True,
                              text=True, timeout=self.timeout)
        return RunResult(proc.returncode, proc.stdout, proc.stderr)

    def _full(self, name: str) -> str:
        return name if "." in name else f"{self.project_key}.{name}"

    # -- recipes ---------------------------------------------------------------------------
    def run_recipe(self, recipe, inputs: Optional[Dict[str, List[str]]] = None,
                   outputs: Optional[Dict[str, List[str]]] = None, config: Optional[dict] = None,
                   append: Iterable[str] = ()) -> RunResult:
        """Run ``custom-recipes/<recipe>/recipe.py`` with these role -> names (datasets, folder ids or
        saved model ids). Outputs named in ``append`` have the recipe's "append instead of overwrite" set.
        Missing output datasets are created empty, as DSS creates outputs with the recipe."""
        script = self._component("custom-recipes", recipe, "recipe.py")
        inputs, outputs = inputs or {}, outputs or {}
        if (script.parent / "recipe.json").is_file():
            check_roles(script.parent / "recipe.json", inputs, outputs, self._kind_of)
        appended = {self._full(n) for n in append}
        spec: dict = {"in": [], "out": [], "currentActivityId": uuid.uuid4().hex}
        for direction, roles in (("in", inputs), ("out", outputs)):
            for role, names in roles.items():
                for name in names:
                    entry = {"role": role, "fullName": self._full(name), "smartName": name}
                    if direction == "out":
                        entry["appendMode"] = self._full(name) in appended
                        self._create_output_if_missing(name)
                    spec[direction].append(entry)
        env = self._base_env()
        env.update(DKUFLOW_SPEC=json.dumps(spec), DKU_CUSTOM_RECIPE_CONFIG=json.dumps(config or {}))
        return self._run(script, env)

    def _kind_of(self, name: str) -> str:
        key, short = self._full(name).split(".", 1)
        project = self.root / "projects" / key
        for kind in ("dataset", "folder", "model"):
            if (project / f"{kind}s" / short).exists():
                return kind
        return "missing"

    def _create_output_if_missing(self, name: str) -> None:
        if self._kind_of(name) == "missing":
            self.create_dataset(self._full(name).split(".", 1)[1])

    # -- triggers and steps ----------------------------------------------------------------
    def run_trigger(self, trigger, config: Optional[dict] = None, state=_SAVED) -> TriggerRun:
        """Run ``python-triggers/<trigger>/trigger.py`` once. ``state`` defaults to the state saved by
        this trigger's last fire (None before any fire); a fire saves its state for the next run."""
        script = self._component("python-triggers", trigger, "trigger.py")
        trigger_id = script.parent.name
        states = self.__dict__.setdefault("_trigger_states", {})
        if state is _SAVED:
            state = states.get(trigger_id)
        run_id = uuid.uuid4().hex
        env = self._base_env()
        definition = {"id": trigger_id, "type": f"pytrigger_active-labeling_{trigger_id}", "delay": 5,
                      "params": {"config": config or {}}}
        env.update(DKU_STANDIN_RUN_ID=run_id, DKU_PLUGIN_TRIGGER_CONFIG=json.dumps(config or {}),
                   DKU_TRIGGER=json.dumps(definition))
        if state is not None:
            env["DKU_TRIGGER_STATE"] = state
        result = self._run(script, env)
        fires = [f for f in self.trigger_fires() if f.get("run") == run_id]
        run = TriggerRun(result.returncode, result.stdout, result.stderr, fired=bool(fires),
                         fires=fires, state=state)
        if fires:
            run.params, run.state = fires[-1]["params"], fires[-1]["state"]
            states[trigger_id] = run.state
        return run

    def run_step(self, step, config: Optional[dict] = None,
                 trigger_params: Optional[dict] = None, trigger: Optional[dict] = None) -> RunResult:
        """Run ``python-steps/<step>/step.py`` in a scenario run started by ``trigger`` (a trigger
        definition, default a plugin trigger) with ``trigger_params``, or by hand when both are None."""
        script = self._component("python-steps", step, "step.py")
        env = self._base_env()
        env.update(DKU_PLUGIN_STEP_CONFIG=json.dumps(config or {}))
        if trigger_params is not None or trigger is not None:
            started_by = {"trigger": trigger or {"type": "pytrigger_active-labeling_every-n-labelings",
                                                 "name": "Every n labelings"},
                          "params": trigger_params or {}}
            path = Path(tempfile.mkdtemp(prefix="scenario-", dir=self.root)) / "trigger.json"
            path.write_text(json.dumps(started_by), encoding="utf-8")
            env["DKU_CURRENT_SCENARIO_TRIGGER_FILE"] = str(path)
        return self._run(script, env)

    # -- webapps ---------------------------------------------------------------------------
    def load_webapp(self, webapp, config: Optional[dict] = None):
        """Exec ``webapps/<webapp>/backend.py`` in-process like DSS and return its Flask ``app``.

        DSS's env variables stay set until the end of the test (the ``dss`` fixture restores them)."""
        from flask import Flask

        script = self._component("webapps", webapp, "backend.py")
        self._setenv("DKU_CUSTOM_WEBAPP_CONFIG", json.dumps(config or {}))
        self._setenv("DKU_PLUGIN_CONFIG", json.dumps(self.plugin_config))
        self._setenv("DKU_CUSTOM_RESOURCE_FOLDER", str(self.repo_root / "resource"))
        self._setenv("DKU_CURRENT_PROJECT_KEY", self.project_key)
        self._setenv("DKU_STANDIN_ROOT", str(self.root))
        app = Flask(f"webapp_{script.parent.name}")
        namespace = {"__name__": "backend", "__file__": str(script), "app": app}
        exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), namespace)
        return app

    def _setenv(self, name: str, value: str) -> None:
        os.environ[name] = value

    @contextlib.contextmanager
    def serve(self, app, processes: int = 1) -> Iterator[str]:
        """Serve ``app`` on a real socket as DSS does with the webapp's "Number of processes" setting
        (``webapps/backend.py``): 1, the default, one request at a time; 0, a thread per request in
        one process; n > 1, werkzeug forks a fresh child for each request. Yields the base URL."""
        import logging
        import signal

        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", 0, app, threaded=processes == 0, processes=max(processes, 1))
        forking = processes > 1
        request_log = logging.getLogger("werkzeug")
        level = request_log.level
        if forking:
            # A child forked while another test thread held the stderr buffer's lock would hang on
            # its request log line; and closing must not wait for a child that hangs.
            request_log.setLevel(logging.ERROR)
            server.block_on_close = False
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            for child in list(getattr(server, "active_children", None) or ()) if forking else ():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGKILL)
            request_log.setLevel(level)
