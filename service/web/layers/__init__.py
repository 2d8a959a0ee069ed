"""Cross-cutting WSGI layers around the request pipeline, each in one module (``wrap`` puts them in order).

From the outside in: ``Forwarded`` (behind a proxy: the client's scheme, host and prefix; only when told),
``Cors`` (preflights; allow/expose headers on every answer, cache hits included),
``Gzip`` (large answers for clients that accept it), ``BodyLimit`` (a body read once and bounded: 413),
``ResponseCache`` (hits and 304s before any parsing), then the pipeline. Outside them all, the production layers
of ``service/edge``: the access log (request id, one JSON line per request) and ``/metrics``.
"""
from __future__ import annotations

from .body_limit import BodyLimit
from .compress import Gzip
from .cors import Cors, origins
from .forwarded import Forwarded, enabled as behind_proxy
from .response_cache import ResponseCache


def wrap(pipeline, service) -> object:
    """The pipeline inside its layers, innermost first."""
    app = pipeline
    app = ResponseCache(app, service, pipeline.route_of)
    app = BodyLimit(app, service)
    app = Gzip(app)
    allowed = origins(service.config)
    if allowed:
        app = Cors(app, allowed)
    if behind_proxy(service.config):
        app = Forwarded(app)
    from ...edge import access_log, metrics
    app = metrics.wrap(app, service.state)        # /metrics; counts every answer, cache hits and 304s included
    app = access_log.wrap(app, service.config)    # outermost: X-Request-Id and one JSON line per request
    return app


__all__ = ["BodyLimit", "Cors", "Forwarded", "Gzip", "ResponseCache", "wrap"]
