"""A lean lane in front of Flask for the hot GET operations.

`$lookup`, `$validate-code`, `$subsumes` and `$expand` over GET with plain query parameters are what an EHR
sends on every keystroke and coded element, and many of them are first-time requests that the response
cache (caching.py) cannot answer. For those, Flask's per-request machinery (request context, URL adapter,
hooks, the Response object) costs about as much as the operation itself. This WSGI layer answers them
directly, with the same parts the Flask views use: the handler table (terminology.OPERATIONS), parameter
merging and typing (service.params), content negotiation (http.negotiate), R5->R4 conversion and the
caching headers of caching.py.

It only ever answers successes. Whatever it does not recognise (another method or route, a control
parameter such as `_format` or `_pretty`, an Accept it would not answer with JSON, a resource-valued
parameter) goes to Flask untouched. A TerminologyError raised while answering is handed to Flask in the WSGI
environ: the view re-raises it without computing again, and Flask's error handler renders it, so errors
still become OperationOutcomes in one place. Any other exception is logged and the request runs again in
Flask. tests/api/test_fastlane.py checks that both lanes give the same status, headers and body.
"""
from __future__ import annotations

import logging
from urllib.parse import parse_qsl

import orjson

from .. import operations as ops
from .. import params as P
from ..convert import r5_to_r4
from ..errors import TerminologyError
from .caching import KEY_ENV, STORE_ENV, caching_headers
from .http import CONTROL_PARAMS, FHIR_ID, LANE_ERROR_ENV, negotiate
from .terminology import OPERATIONS

_SKIP = CONTROL_PARAMS | P.RESOURCE_PARAMS
MAX_QUERY = 8192   # longer query strings go the ordinary way
log = logging.getLogger("rrall")


def _route(path: str):
    """(FHIR version, resource type, operation, instance id) for a lane path, else None."""
    parts = path.split("/")
    if len(parts) == 4:
        _, base, rtype, op = parts
        rid = None
    elif len(parts) == 5:
        _, base, rtype, rid, op = parts
        if not FHIR_ID.fullmatch(rid):
            return None
    else:
        return None
    if base not in ("r4", "r5") or (rtype, op) not in OPERATIONS:
        return None
    return base, rtype, op, rid


class FastLane:
    def __init__(self, wsgi_app, state: dict, max_age: int):
        self.wsgi_app = wsgi_app
        self.state = state   # app.extensions["rrall"]: read per request, like the views do
        self.max_age = max_age

    def __call__(self, environ, start_response):
        answer = self._answer(environ) if environ.get("REQUEST_METHOD") == "GET" else None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        body, key = answer
        start_response("200 OK", [
            ("Content-Type", "application/fhir+json"), ("Content-Length", str(len(body))),
            ("ETag", f'W/"{key}"'), *caching_headers(self.max_age), ("X-Cache", "MISS")])
        environ[STORE_ENV] = True
        return [body]

    def _answer(self, environ):
        """(body, cache key) of a successful answer, or None to hand the request to Flask."""
        key = environ.get(KEY_ENV)   # set by the response cache in front of this lane
        route = _route(environ.get("PATH_INFO", ""))
        query = environ.get("QUERY_STRING", "")
        if key is None or route is None or len(query) > MAX_QUERY:
            return None
        base, rtype, op, rid = route
        if negotiate(None, environ.get("HTTP_ACCEPT"), op) != "json":
            return None
        try:
            pairs = parse_qsl(query.encode("latin-1").decode(), keep_blank_values=True,
                              errors="werkzeug.url_quote")
        except (UnicodeError, ValueError):
            return None   # Flask's own parsing decides what such a query means
        named: dict[str, list] = {}
        for name, value in pairs:
            if name in _SKIP:
                return None
            named.setdefault(name, []).append(value)
        try:
            params = P.coerce(P.merge(named))
            ctx = ops.make_context(self.state["registry"], params, environ.get("HTTP_ACCEPT_LANGUAGE"),
                                   self.state["config"])
            resource = OPERATIONS[(rtype, op)][1](ctx, params, rid)
            if base == "r4":
                resource = r5_to_r4(resource)
            return orjson.dumps(resource), key
        except TerminologyError as exc:
            # Flask answers it without computing again: the view re-raises it (terminology._run), and the
            # error handler renders it like any other
            environ[LANE_ERROR_ENV] = exc
            return None
        except Exception:   # noqa: BLE001 - a bug here must not cost the client its answer: Flask runs it
            log.warning("GET lane fell back to Flask on %s", environ.get("PATH_INFO"), exc_info=True)
            return None
