"""A labeling webapp's backend in DSS: config, pool, datasets, queries, media, routes.

``webapps/<kind>-labeling/backend.py`` only calls :func:`setup_labeling_webapp`. Anything wrong
in the settings or datasets raises at start, with a message saying what to change: the backend
then fails to start and DSS shows the message in the backend's log.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from flask import Flask, jsonify, request

from active_labeling.dss.decision_store import DssDecisionStore
from active_labeling.dss.identity import identify, reviewers
from active_labeling.dss.pools import DssFolderPool, DssTabularPool
from active_labeling.dss.predictions import DssPredictionsSource
from active_labeling.dss.queries import DssQueriesSource
from active_labeling.dss.stopping_verdict import DssStoppingVerdict
from active_labeling.dss.team_variables import TeamVariables
from active_labeling.dss.text_pool import DssTextPool
from active_labeling.dss.webapp_config import WebappConfig
from active_labeling.kinds import KINDS
from active_labeling.media import MediaService
from active_labeling.service.reservations import Reservations
from active_labeling.service.routes import register_routes
from active_labeling.service.service import LabelingService
from active_labeling.service.settings import Category, ServiceSettings
from active_labeling.tasks import default_task, task_of
from active_labeling.teams.final import FinalRule

# Where reservations and rendered media are kept across backend restarts; unset: in memory only.
STATE_DIR_VARIABLE = "ACTIVE_LABELING_STATE_DIR"
# How often (at most) a batch looks for new items or a new queries generation.
REFRESH_SECONDS = 5.0
# How long the stopping verdict read from the project variables is reused.
STOPPING_CACHE_SECONDS = 5.0
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Settings(ServiceSettings):
    """Service settings with the hotkeys chosen in the webapp's settings."""

    hotkeys: Tuple[str, ...] = ()

    def config(self) -> Dict[str, Any]:
        config = super().config()
        for category, key in zip(config["categories"], self.hotkeys):
            category["hotkey"] = key or None
        return config


def setup_labeling_webapp(app: Flask, config: WebappConfig) -> LabelingService:
    """Build the labeling service of a webapp and add its ``/api/*`` routes to ``app``.

    Parameters
    ----------
    app : Flask
        The app DSS made for the backend.
    config : WebappConfig
        The webapp's settings, parsed (``webapp_config.parse_<kind>_config``).

    Raises
    ------
    PoolError, SchemaMismatch
        With a message saying which setting or dataset to change.
    """
    kind = config.kind
    component = config.component
    task = task_of(default_task(config.task, config.multi_label))
    pool = _POOLS[kind](config)
    media = None
    if KINDS[kind].media:
        media = MediaService(pool.media_source(), kind, cache_dir=_state_path(config, "media"),
                             max_side=config.max_side)
        pool.item_error = media.error_for  # batches show a file already known to be unreadable
    store = DssDecisionStore(config.metadata_dataset, config.labels_dataset, pool.schema,
                             config.label_column, config.multi_label, component, item_values=pool.values,
                             journal_dir=_state_path(config, "journal"), task=task.name,
                             final_rule=FinalRule(config.annotators_per_item, config.disagreement,
                                                  task.agreement))
    queries = _queries(config, task)
    reservations = Reservations(_state_path(config, "reservations.sqlite") or ":memory:")
    service = LabelingService(pool, store, reservations, _settings(config, pool.columns), queries,
                              refresh_seconds=REFRESH_SECONDS,
                              image_size=media.image_size if media is not None and kind == "image" else None)
    refuse_forked_requests(app, component)
    # The verdict of the Stopping criteria step, when a scenario runs it (else null).
    register_routes(app, service, identify, media, stopping=DssStoppingVerdict(STOPPING_CACHE_SECONDS),
                    reviewer=reviewers(config.reviewers, config.reviewer_groups))
    app.extensions["active_labeling"] = service  # Flask's place for what an extension keeps
    # The team's figures where a flow reads them, and how final labels are made (Query Sampler).
    published = TeamVariables(service, config.metadata_dataset)
    service.desk.on_change = published.changed
    app.extensions["active_labeling_team"] = published
    _log.info("%s ready: %d items, %s", component, len(pool.item_ids()),
              "active learning on" if queries else "random order")
    return service


# How each kind's pool is read (active_labeling.kinds lists the kinds).
_POOLS: Dict[str, Callable[[WebappConfig], Any]] = {
    "tabular": lambda config: DssTabularPool(config.source, config.id_column, config.columns),
    "text": lambda config: DssTextPool(config.source, config.text_column, config.id_column, config.columns),
    "image": lambda config: DssFolderPool(config.source, "image"),
    "sound": lambda config: DssFolderPool(config.source, "sound"),
}


def _queries(config: WebappConfig, task) -> Any:
    """The Query Sampler's queries (with the task's pre-annotations), a predictions dataset, or None."""
    if config.queries_dataset is not None:
        return DssQueriesSource(config.queries_dataset, cache_seconds=min(3.0, REFRESH_SECONDS),
                                prelabel_column=task.prelabel_column)
    if config.predictions_dataset is not None:
        return DssPredictionsSource(config.predictions_dataset, config.predictions_path_column,
                                    config.predictions_column, task.uncertainty)
    return None


def refuse_forked_requests(app: Flask, component: str) -> None:
    """Answer every API request with what to change when the backend runs several processes.

    With "Number of processes" above 1 in the webapp's settings, werkzeug forks a fresh child for
    each request: a label id would be handed out twice, reservations would vanish and a compaction
    would drop rows it takes for copies. Such a request runs in another process than the one that
    started the backend; it is refused before it touches anything.
    """
    started_in = os.getpid()

    @app.before_request
    def _same_process():
        if os.getpid() == started_in or not request.path.startswith("/api/"):
            return None
        response = jsonify({"error": (
            f"{component}: this backend runs each request in a separate process, so labels could be lost "
            "or given twice. In the webapp's settings, set 'Number of processes' (under Backend) to 1, "
            "or to 0 for threads in one process, then restart the backend.")})
        response.status_code = 503
        return response


def _settings(config: WebappConfig, columns) -> _Settings:
    return _Settings(kind=config.kind,
                     categories=tuple(Category(name, description) for name, description in config.categories),
                     multi_label=config.multi_label, task=config.task, label_column=config.label_column,
                     columns=tuple(columns), text_column=config.text_column,
                     reservation_seconds=float(config.reservation_seconds),
                     annotators_per_item=config.annotators_per_item, hotkeys=config.hotkeys,
                     disagreement=config.disagreement, review_sample=config.review_sample,
                     show_annotator_names=config.show_annotator_names,
                     overlapping_spans=config.overlapping_spans, show_suggestions=config.show_suggestions)


def _state_path(config: WebappConfig, name: str) -> Optional[str]:
    root = os.environ.get(STATE_DIR_VARIABLE)
    if not root:
        return None
    # One sub-folder per webapp (its labels dataset tells webapps apart).
    webapp = hashlib.sha1(f"{config.kind}:{config.labels_dataset}".encode()).hexdigest()[:12]
    folder = os.path.join(root, webapp)
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)
