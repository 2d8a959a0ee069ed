"""Cross-cutting WSGI layers at the edge of the application, outside the response cache.

Each module is one self-contained WSGI middleware, put outermost by ``service/web/layers.wrap`` with one line:
``access_log`` (request id, one JSON line per request) -> ``metrics`` (Prometheus ``/metrics``) -> the other
layers (forwarded, CORS, gzip, body limit, response cache) -> the pipeline. Because they wrap the cache, cache hits
and 304s are logged and counted like every other answer. ``exchange`` is the observation they share,
``flusher`` hands their batches over.
"""
from __future__ import annotations

import os

_FALSE = ("0", "false", "off", "no")


def setting(cfg: dict, name: str, default):
    """A layer's setting: the app configuration (create_app / `serve` flags), else RRALL_<name>, else default."""
    value = cfg.get(name)
    if value is None:
        env = os.environ.get("RRALL_" + name)
        value = env.strip() if env is not None and env.strip() else default
    return value


def enabled(value) -> bool:
    """A boolean setting given as a bool or as text (0/false/off/no are false)."""
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE
    return bool(value)
