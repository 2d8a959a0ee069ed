"""What a route handler may use: the application's state, settings and caches (one object per app).

Created in ``create_app``; every cache lives here (or in ``Caches``), none at module level, so two apps in one
process (tests) never share one and a worker's caches go away with its app.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..lru import LRUCache
from ..engine.requests import Common
from ..operations import make_context
from .negotiate import Negotiator

_PLAIN = Common()
DEFAULTS = {"RESPONSE_CACHE_ITEMS": 4096, "RESPONSE_CACHE_BYTES": 32 * 1024 * 1024, "HTTP_MAX_AGE": 300,
            "MAX_BODY_BYTES": 32 * 1024 * 1024}


def setting(cfg: dict, name: str) -> int:
    """An integer setting: environment RRALL_<name>, else the configuration, else the default."""
    env = os.environ.get("RRALL_" + name)
    if env is not None and env.strip():
        return int(env)
    return int(cfg.get(name, DEFAULTS[name]))


@dataclass
class Caches:
    responses: LRUCache                       # rendered answers (layers.ResponseCache)
    validated: LRUCache = field(default_factory=lambda: LRUCache(max_items=2048, max_bytes=1 << 40))
    negotiator: Negotiator = field(default_factory=Negotiator)
    indexes: LRUCache = field(default_factory=lambda: LRUCache(max_items=256, max_bytes=1 << 40))   # request CodeSystems
    packages: dict = field(default_factory=dict)   # the built $package .tgz per (content, version, name)
    pages: dict = field(default_factory=dict)      # what pages derive from the (immutable) content: map index, titles
    memberships: LRUCache = field(default_factory=lambda: LRUCache(max_items=4096, max_bytes=1 << 30))   # concept pages


class Service:
    def __init__(self, state: dict):
        self.state = state        # app.extensions["rrall"]: config, registry, content_registry, packages
        cfg = state["config"]
        self.max_body = setting(cfg, "MAX_BODY_BYTES")
        self.max_age = setting(cfg, "HTTP_MAX_AGE")
        self.caches = Caches(responses=LRUCache(setting(cfg, "RESPONSE_CACHE_ITEMS"),
                                                setting(cfg, "RESPONSE_CACHE_BYTES")))
        self.dispatch = None      # set by the pipeline: answers a request inside this app (batch entries)
        self.route_of = None      # set by the pipeline: the Route of an environ, or None (one routing)
        self.routes: dict = {}    # endpoint -> Route (service/web/routes.py)

    @property
    def config(self) -> dict:
        return self.state["config"]

    @property
    def registry(self):
        return self.state["registry"]

    @property
    def content_registry(self):
        """Our own content, without the packages layered under it."""
        return self.state.get("content_registry") or self.state["registry"]

    def context(self, req, request=None):
        """The engine's OpContext for one operation (a typed request) of this HTTP request."""
        return make_context(self.registry, request or _PLAIN, req.header("Accept-Language"), self.config,
                            memo=self.state.get("expansion_memo"), index_cache=self.caches.indexes)
