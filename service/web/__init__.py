"""The HTTP edge: one request pipeline (``pipeline``) inside its cross-cutting layers (``layers``).

``install(app)`` registers the routes in Flask's url_map, builds the ``Service`` (state, settings, caches) and
makes the layered pipeline the application's ``wsgi_app``.
"""
from __future__ import annotations

from . import layers, routes
from .pipeline import Pipeline
from .service import Service


def install(app) -> Service:
    service = Service(app.extensions["rrall"])
    table = routes.install(app)
    pipeline = Pipeline(service, app.url_map, table)
    service.dispatch = pipeline.handle
    service.route_of = pipeline.route_of
    service.routes = table
    app.extensions["rrall"]["service"] = service
    app.wsgi_app = layers.wrap(pipeline, service)
    return service
