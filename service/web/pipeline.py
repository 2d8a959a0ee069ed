"""The one request pipeline: every route, GET and POST, JSON and XML.

    HttpRequest(environ) -> route (Flask's url_map) -> negotiate once -> handler(service, request, **args)
        -> respond (Result | FileResult | TerminologyError) -> status, headers, body

Flask owns the application (create_app, configuration, the url_map the routes are registered in, the test
client); this pipeline is the application's ``wsgi_app`` and the only code that turns a request into an
answer. Flask's per-request machinery (request context, hooks, Response objects) is not on the path: measured,
it cost more than the operations themselves (docs/performance.md, "One pipeline"). Cross-cutting concerns are
WSGI layers around it, each in one module (``service.web.layers``).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from ..errors import TerminologyError
from . import respond
from .request import HttpRequest

MATCH_MEMO = 8192
ROUTE_ENV = "rrall.route"   # ((path, method), (Route, args)): the match, made once per request


class Pipeline:
    """The application's WSGI callable (inside the layers)."""

    def __init__(self, service, url_map, routes: dict):
        self.service = service
        self.routes = routes                      # endpoint -> routes.Route
        self.adapter = url_map.bind("localhost")  # no host matching: one adapter serves every request
        self.negotiator = service.caches.negotiator
        self._matched: dict = {}   # (path, method) -> (Route, args): werkzeug's matcher runs once per path

    # ---- routing (also used by the response cache layer, so there is one routing) -------------------------
    def match(self, path: str, method: str, environ: dict | None = None):
        """(Route, args) for a path and method; raises werkzeug NotFound / MethodNotAllowed. Remembered in the
        environ, so the layers and the pipeline route a request once."""
        key = (path, method)
        if environ is not None:
            hit = environ.get(ROUTE_ENV)
            if hit is not None and hit[0] == key:
                return hit[1]
        found = self._matched.get(key)
        if found is None:
            found = self._match(path, method)
            if len(self._matched) >= MATCH_MEMO:   # bounded: ids make paths many
                self._matched.clear()
            self._matched[key] = found
        if environ is not None:
            environ[ROUTE_ENV] = (key, found)
        return found

    def _match(self, path: str, method: str):
        try:
            endpoint, args = self.adapter.match(path, method)
        except RequestRedirect as redirect:   # a missing trailing slash: answer at the canonical path
            endpoint, args = self.adapter.match(urlsplit(redirect.new_url).path, method)
        route = self.routes.get(endpoint)
        if route is None:   # a rule something else registered in the url_map: not ours to answer
            raise NotFound()
        return route, args

    def route_of(self, environ: dict):
        """The Route of a WSGI request, or None (for the layers)."""
        try:
            return self.match(environ.get("PATH_INFO", "") or "/", environ.get("REQUEST_METHOD", "GET"), environ)[0]
        except Exception:   # noqa: BLE001 - unroutable here: the pipeline answers it (404/405) itself
            return None

    # ---- one request ------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        answer = self.handle(HttpRequest(environ, max_body=self.service.max_body))
        start_response(answer.status_line, answer.headers)
        return answer.body

    def handle(self, req: HttpRequest) -> respond.Answer:
        fmt = None
        if req.method == "OPTIONS":   # what the path allows (a CORS preflight is answered by the Cors layer)
            allowed = self.adapter.allowed_methods(req.path)
            if not allowed:
                return respond.http_error(req, 404, f"Not Found: {req.method} {req.path}", "json")
            return respond.Answer(204, [("Allow", ", ".join(sorted(set(allowed) | {"OPTIONS"}))),
                                        ("Content-Length", "0")], [b""])
        try:
            req.check_query()   # a query string that cannot be decoded is a 400, on every route
            route, args = self.match(req.path, req.method, req.environ)
            fmt = self.format_of(req, route)
            if fmt == "html" and route.page is not None:
                return respond.render_page(req, route.page(self.service, req, **args), max_age=self.service.max_age)
            result = route.handler(self.service, req, **args)
            if isinstance(result, respond.FileResult):
                return respond.render_file(req, result)
            if not route.cacheable:
                result.cache = False
            return respond.render(req, result, fmt, max_age=self.service.max_age)
        except TerminologyError as exc:
            return respond.error(req, exc, fmt if fmt is not None else self._safe_format(req))
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(set(exc.valid_methods or ()) | {"OPTIONS"}))
            return respond.http_error(req, 405, f"Method Not Allowed: {req.method} {req.path}",
                                      self._safe_format(req), headers={"Allow": allowed})
        except NotFound:
            return respond.http_error(req, 404, f"Not Found: {req.method} {req.path}", self._safe_format(req))
        except HTTPException as exc:
            return respond.http_error(req, exc.code or 500, exc.description or exc.name, self._safe_format(req))
        except Exception as exc:   # noqa: BLE001 - the last resort: an OperationOutcome, never a stack trace
            return respond.internal_error(req, exc)

    def format_of(self, req: HttpRequest, route) -> str | None:
        """"json" or "xml" for FHIR answers; 406 when the client accepts neither (nor a download's own type)."""
        if not route.negotiated:
            return "json"
        fmt, accept = req.arg("_format"), req.header("Accept")
        kind = self.negotiator(fmt, accept, req.path.rsplit("/", 1)[-1])
        if kind is None:
            from .negotiate import not_acceptable
            raise not_acceptable(fmt, accept)
        return kind

    def _safe_format(self, req: HttpRequest) -> str:
        try:
            return self.negotiator(req.arg("_format"), req.header("Accept"), "") or "json"
        except TerminologyError:   # e.g. a query string that cannot be decoded
            return "json"
