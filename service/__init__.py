"""RR-ALL terminology service: create_app(config=None) builds the Flask application."""
from __future__ import annotations

import logging

import orjson
from flask import Flask, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from . import config as config_mod
from . import edge, readiness, xml_in
from .content import load_registry
from .api import http
from .errors import Invalid, TerminologyError, issue, to_operation_outcome

log = logging.getLogger("rrall")


class FhirIdConverter(BaseConverter):
    """A FHIR resource id: 1-64 of A-Z a-z 0-9 - . (so '$operation' never reads as an id)."""

    regex = http.FHIR_ID.pattern


def create_app(config: dict | None = None, registry=None) -> Flask:
    app = Flask(__name__)
    cfg = config_mod.load(config)
    if registry is None:
        registry = load_registry(cfg["CONTENT_DIRS"])
    app.extensions["rrall"] = {"config": cfg, "registry": registry}
    app.config["MAX_CONTENT_LENGTH"] = cfg["MAX_BODY_BYTES"]   # larger bodies: 413 (service/edge.py first)
    xml_in.configure(cfg)
    app.url_map.converters["fhirid"] = FhirIdConverter
    app.url_map.merge_slashes = False   # '//r4//metadata' is a 404 OperationOutcome, not an HTML redirect

    from .api import conceptmap, integrator, resources, terminology

    integrator.install_packages(app)   # FHIR NPM packages (config PACKAGES) under the content

    for version in ("r4", "r5"):
        for bp in (resources.bp, terminology.bp, conceptmap.bp, integrator.bp):
            app.register_blueprint(bp, url_prefix=f"/{version}", name=f"{version}_{bp.name}")

    @app.before_request
    def _version():
        try:
            request.query_string.decode()
        except UnicodeDecodeError:   # werkzeug cannot parse it, not even for the error answer: drop it first
            request.query_string = b""
            raise Invalid("The query string is not valid UTF-8: percent-encode other bytes") from None
        g.fhir_version = "R4" if request.path.startswith("/r4") else "R5"
        if request.path.startswith(("/r4", "/r5")):
            http.check_accept()

    @app.get("/healthz")
    def healthz():   # liveness: the process answers
        return app.response_class(b'{"status":"ok"}', mimetype="application/json")

    @app.get("/readyz")
    def readyz():   # readiness: content loaded and every worker running (service/readiness.py)
        ready, body = readiness.report(app.extensions["rrall"])
        return app.response_class(orjson.dumps(body), status=200 if ready else 503, mimetype="application/json")

    @app.errorhandler(TerminologyError)
    def _terminology_error(err: TerminologyError):
        return http.render(to_operation_outcome(err), status=err.status)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        code = {404: "not-found", 405: "not-supported", 406: "not-supported", 415: "not-supported"}.get(
            err.code or 500, "processing")
        text = f"{err.name}: {request.method} {request.path}" if err.code in (404, 405) else err.description
        oo = {"resourceType": "OperationOutcome", "issue": [issue("error", code, text)]}
        return http.render(oo, status=err.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        oo = {"resourceType": "OperationOutcome", "issue": [issue(
            "error", "exception", f"Internal error while processing the request ({type(err).__name__})")]}
        return http.render(oo, status=500)

    from .api import caching
    caching.install(app)   # response cache + ETag/304 (after _version, so Accept is checked first)
    app.wsgi_app = edge.Edge(app.wsgi_app, cfg)   # outermost: limits, whole bodies with a timeout, request clock
    return app
