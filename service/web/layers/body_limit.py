"""``BodyLimit``: reads a POST body once, up to the limit (``MAX_BODY_BYTES``, declared or chunked): a larger one
is a 413 OperationOutcome before any other work; the body is kept in the environ for the layers inside."""
from __future__ import annotations

from ...errors import TerminologyError
from .. import respond
from ..request import BODY_ENV, HttpRequest


class BodyLimit:
    def __init__(self, inner, service):
        self.inner = inner
        self.service = service

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in ("POST", "PUT", "PATCH") and BODY_ENV not in environ:
            req = HttpRequest(environ, max_body=self.service.max_body)
            try:
                environ[BODY_ENV] = req.body()
            except TerminologyError as exc:
                answer = respond.error(req, exc, "json")
                start_response(answer.status_line, answer.headers)
                return answer.body
        return self.inner(environ, start_response)
