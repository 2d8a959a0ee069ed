"""RR-ALL terminology service: create_app(config=None) builds the Flask application."""
from __future__ import annotations

import logging

from flask import Flask

from . import config as config_mod
from . import packages, xml_in
from .content import load_registry
from .engine.expansion_memo import ExpansionMemo

log = logging.getLogger("rrall")


def create_app(config: dict | None = None, registry=None) -> Flask:
    """The application: content and packages loaded, the request pipeline installed, large expansions
    prepared (all before a production server forks its workers, which then share them)."""
    app = Flask(__name__, static_folder=None)   # every route is in the route table (service/web/routes.py)
    cfg = config_mod.load(config)
    if registry is None:
        registry = load_registry(cfg["CONTENT_DIRS"])
    combined, package_set = packages.install(registry, list(cfg.get("PACKAGES") or []), cfg.get("CACHE_DIR"))
    memo = ExpansionMemo()
    app.extensions["rrall"] = {"config": cfg, "registry": combined, "content_registry": registry,
                               "packages": package_set, "expansion_memo": memo}
    app.url_map.merge_slashes = False   # '//r4//metadata' is a 404, not a redirect (a 500 in the pipeline)
    xml_in.configure(cfg)   # the XML body limits (MAX_XML_*)
    from . import web
    web.install(app)
    memo.prewarm(combined, max_walk=cfg.get("MAX_WALK", 1_000_000))
    return app
