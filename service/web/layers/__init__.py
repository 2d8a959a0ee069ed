"""Cross-cutting WSGI layers around the request pipeline, each in one module (``wrap`` puts them in order).

From the outside in: ``access_log`` (X-Request-Id, one JSON line per request), ``metrics`` (``/metrics``;
counts every answer, cache hits and 304s included), ``intake`` (URL and parameter limits, the body read whole
with a timeout and a size limit: 408/413/414, the request clock, ``/readyz``), ``Forwarded`` (behind a proxy:
the client's scheme, host and prefix; only when told), ``Cors`` (preflights; allow/expose headers),
``Gzip`` (large answers for clients that accept it), ``ResponseCache`` (hits and 304s before any parsing), then
the pipeline. ``exchange`` is the observation access log and metrics share, ``flusher`` hands their batches
over, ``settings`` reads a layer's settings.
"""
from __future__ import annotations

from . import access_log, intake, metrics
from .compress import Gzip
from .cors import Cors, origins
from .forwarded import Forwarded, enabled as behind_proxy
from .response_cache import ResponseCache


def wrap(pipeline, service) -> object:
    """The pipeline inside its layers, innermost first."""
    app = pipeline
    app = ResponseCache(app, service, pipeline.route_of)
    app = Gzip(app)
    allowed = origins(service.config)
    if allowed:
        app = Cors(app, allowed)
    if behind_proxy(service.config):
        app = Forwarded(app)
    app = intake.Intake(app, service.config, service.state)   # limits, whole bodies with a timeout, /readyz
    app = metrics.wrap(app, service.state)        # /metrics; counts every answer, cache hits and 304s included
    app = access_log.wrap(app, service.config)    # outermost: X-Request-Id and one JSON line per request
    return app


__all__ = ["Cors", "Forwarded", "Gzip", "ResponseCache", "wrap"]
