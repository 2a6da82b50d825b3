"""Assemble the local labeling app: workspace, pool, store, reservations, queries, service, Flask."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from flask import Flask

from active_labeling.kinds import KINDS
from active_labeling.local.finals import record_team, team_settings
from active_labeling.local.folder import FolderPool
from active_labeling.local.frontend import register_frontend
from active_labeling.local.guard import LOOPBACK, register_guard
from active_labeling.local.identity import SingleAnnotator, TeamTokens, default_annotator, team_tokens
from active_labeling.local.queries import FileQueriesSource
from active_labeling.local.rawmedia import RawMedia
from active_labeling.local.rounds import LatestStopping
from active_labeling.local.store import SqliteDecisionStore
from active_labeling.local.tabular import TabularFilePool
from active_labeling.local.text_pool import TextFilePool
from active_labeling.local.workspace import Workspace, open_workspace
from active_labeling.service.gcpause import paused_gc
from active_labeling.service.reservations import Reservations
from active_labeling.service.routes import register_routes
from active_labeling.service.service import LabelingService
from active_labeling.service.settings import ServiceSettings, parse_categories
from active_labeling.table_files import CsvFormat
from active_labeling.tasks import default_task, task_of

_log = logging.getLogger(__name__)


@dataclass
class LocalSetup:
    """What ``active-labeling serve`` is asked to serve."""

    kind: str
    data: Path
    categories: Sequence[str]
    workspace: Path
    queries: Optional[Path] = None
    annotator: Optional[str] = None
    annotators: Sequence[str] = ()  # team mode when not empty
    reviewers: Sequence[str] = ()  # --reviewers: who may open review mode (team mode only)
    disagreement: str = "review"  # what settles a disagreement: review, or majority
    review_sample: float = 0.1  # share of agreed items offered to reviewers for a check
    show_annotator_names: bool = True  # review mode shows who gave each label
    id_column: Optional[str] = None
    columns: Sequence[str] = ()  # tabular: the columns shown; text: the context next to the text
    text_column: Optional[str] = None  # text: the column of the texts (default: the only column)
    csv: Optional[CsvFormat] = None  # a tabular --data's --sep and --quotechar
    multi_label: bool = False
    task: Optional[str] = None  # the annotation task (active_labeling.tasks); default: multi_label's
    predictions: Optional[Path] = None  # a detector's boxes per file: pre-boxes, most uncertain first
    overlapping_spans: bool = False  # --task spans: spans may overlap or nest
    show_suggestions: bool = True  # not --hide-suggestions
    label_column: str = "label"
    reservation_seconds: float = 600.0
    lease_seconds: float = 60.0  # a page's items lapse this long after its last renewal
    annotators_per_item: int = 1
    seed: int = 0
    refresh_seconds: float = 5.0
    host: str = "127.0.0.1"  # where the server listens: a single annotator's loopback server
                             # refuses other Host names (DNS rebinding)
    synchronous: str = "FULL"  # see SqliteDecisionStore
    hotkeys: Mapping[str, str] = field(default_factory=dict)  # --hotkeys; kept in the workspace
    extra: dict = field(default_factory=dict)


@dataclass
class LocalApp:
    """The assembled app and what it is made of (closed with ``close``)."""

    app: Flask
    service: LabelingService
    workspace: Workspace
    team: Optional[TeamTokens]
    annotator: Optional[str]
    parts: List[Any]
    reviewers: Sequence[str] = ()

    def close(self) -> None:
        """Close the store, reservations and workspace."""
        for part in self.parts:
            part.close()


def _media_for(pool: FolderPool, kind: str, cache_dir: Path) -> Any:
    try:  # the media module (thumbnails, waveforms...) when it is there
        from active_labeling.media import MediaService
    except ImportError:
        _log.warning("active_labeling.media is not available: files are served as they are")
        return RawMedia(pool.media)
    return MediaService(pool.media, kind, cache_dir=cache_dir)


def _table_pool(setup: LocalSetup, cache_dir: Path) -> TabularFilePool:
    return TabularFilePool(setup.data, setup.id_column, setup.columns or None, cache_dir=cache_dir,
                           csv=setup.csv)


def _text_pool(setup: LocalSetup, cache_dir: Path) -> TextFilePool:
    return TextFilePool(setup.data, setup.text_column, setup.id_column, setup.columns, cache_dir=cache_dir,
                        csv=setup.csv)


def _queries(setup: LocalSetup, workspace: Workspace) -> Optional[FileQueriesSource]:
    """The queries file, or a predictions file ranked by the task's uncertainty; None without either."""
    task = task_of(default_task(setup.task, setup.multi_label))
    if setup.predictions is not None:
        return FileQueriesSource(setup.predictions, workspace.db, task.prelabel_column, task.uncertainty)
    if setup.queries is not None:
        return FileQueriesSource(setup.queries, workspace.db, task.prelabel_column)
    return None


def _folder_pool(setup: LocalSetup, cache_dir: Path) -> FolderPool:
    return FolderPool(setup.data, setup.kind)


# How each kind's pool is read (active_labeling.kinds lists the kinds).
_POOLS: Dict[str, Callable[[LocalSetup, Path], Any]] = {
    "tabular": _table_pool, "text": _text_pool, "image": _folder_pool, "sound": _folder_pool}


def build_app(setup: LocalSetup) -> LocalApp:
    """Open the workspace and build the Flask app serving ``setup``.

    Raises
    ------
    WorkspaceError, PoolError, ValueError
        With a message for the user.
    """
    opened: List[Any] = []  # closed again when the build fails (the workspace lock with them)
    with paused_gc(freeze=True):
        try:
            return _build(setup, opened)
        except BaseException:
            for part in reversed(opened):
                part.close()
            raise


def _build(setup: LocalSetup, opened: List[Any]) -> LocalApp:
    settings = ServiceSettings(  # validated before anything is created
        kind=setup.kind, categories=parse_categories(setup.categories), multi_label=setup.multi_label,
        task=setup.task, label_column=setup.label_column, reservation_seconds=setup.reservation_seconds,
        annotators_per_item=setup.annotators_per_item, seed=setup.seed,
        disagreement=setup.disagreement, review_sample=setup.review_sample,
        show_annotator_names=setup.show_annotator_names,
        overlapping_spans=setup.overlapping_spans, show_suggestions=setup.show_suggestions)
    workspace = open_workspace(setup.workspace, {
        "kind": setup.kind, "data": str(Path(setup.data).resolve()), "id_column": setup.id_column,
        "categories": [c.name for c in settings.categories], "multi_label": settings.multi_label,
        "task": settings.task, "label_column": setup.label_column,
        "text_column": setup.text_column}, hotkeys=setup.hotkeys)
    opened.append(workspace)
    keys = workspace.hotkeys()  # kept by category name, whatever the order of --categories
    settings = replace(settings, categories=tuple(replace(c, hotkey=keys.get(c.name))
                                                  for c in settings.categories))
    workspace.lock_for_serving()
    store = SqliteDecisionStore(workspace.db_path, setup.synchronous)
    opened.append(store)
    # Read the stored decisions while the pool is read: both take a second or two on big inputs.
    loaded: dict = {}
    loader = threading.Thread(target=lambda: loaded.update(decisions=store.load()), daemon=True)
    loader.start()
    try:
        pool = _POOLS[setup.kind](setup, workspace.folder)
        if KINDS[setup.kind].table:
            settings = replace(settings, columns=tuple(pool.columns),
                               text_column=getattr(pool, "text_column", None))
    finally:
        loader.join()
    if "decisions" not in loaded:
        raise OSError(f"could not read the labels stored in {workspace.db_path}")
    reservations = Reservations(workspace.db_path, lease_seconds=setup.lease_seconds)
    opened.append(reservations)
    media = (_media_for(pool, setup.kind, workspace.folder / "media-cache") if KINDS[setup.kind].media
             else None)
    service = LabelingService(pool, store, reservations, settings, _queries(setup, workspace),
                              refresh_seconds=setup.refresh_seconds, decisions=loaded["decisions"],
                              image_size=getattr(media, "image_size", None))
    reviewers = tuple(dict.fromkeys(setup.reviewers))
    if reviewers and not setup.annotators:
        raise ValueError("--reviewers is for a team: give the annotators with --annotators too")
    record_team(workspace.db, team_settings(settings.annotators_per_item, settings.disagreement,
                                            settings.review_sample))
    team = (team_tokens(workspace.db, list(dict.fromkeys([*setup.annotators, *reviewers])))
            if setup.annotators else None)
    annotator = None if team else (setup.annotator or default_annotator())
    app = Flask("active_labeling.local", static_folder=None)
    register_routes(app, service, team or SingleAnnotator(annotator), media=media,
                    reviewer=lambda request, name: name in reviewers,
                    stopping=LatestStopping(workspace.folder))
    register_guard(app, loopback_only=team is None and setup.host in LOOPBACK, extra_host=setup.host)
    register_frontend(app, setup.kind, team, webapp=task_of(settings.task).webapp(setup.kind))
    return LocalApp(app, service, workspace, team, annotator, [store, reservations, workspace], reviewers)
