"""The labeling service: serving order, reservations, history, stats, HTTP routes.

Framework-free core (:class:`~active_labeling.service.service.LabelingService`) over the storage
interfaces of :mod:`active_labeling.storage.base`, plus the Flask routes of docs/api.md. A
backend (DSS's ``backend.py`` or the local server) wires them like this::

    from active_labeling.service.reservations import Reservations
    from active_labeling.service.routes import register_routes
    from active_labeling.service.service import LabelingService
    from active_labeling.service.settings import Category, ServiceSettings

    settings = ServiceSettings(kind="tabular", categories=(Category("cat", "Cats"), Category("dog")),
                               columns=("text",), reservation_seconds=600)
    service = LabelingService(pool, store, Reservations(":memory:"), settings, queries=None)
    register_routes(app, service, identify=lambda request: "alice", media=None)

``identify(request)`` returns the annotator's login (None: 401). ``media`` is a
``MediaService`` for image and sound pools.
"""
