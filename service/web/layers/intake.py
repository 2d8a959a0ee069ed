"""``Intake``: what the HTTP server leaves to the application, answered as OperationOutcomes (issue #14).

``service/web/layers.wrap`` puts it inside the access log and metrics and outside every other layer (one line), so
it runs early on every server (granian, gunicorn, the development server, the Flask test client), its answers are
logged and counted, and nothing behind it needs to repeat it:

* The request target: longer than MAX_URL_BYTES or more than MAX_QUERY_PARAMS query parameters -> 414.
* The request body (methods other than GET/HEAD/OPTIONS): read here, whole, before anything else runs, by a
  small pool of reader threads, so a client that sends its headers and then stalls costs no more than
  BODY_TIMEOUT_SECONDS of the thread that serves it (408, connection closed) and other clients keep being
  served. A Content-Length over MAX_BODY_BYTES -> 413 without reading; a chunked body is counted as it
  arrives and cut off at the limit -> 413 as well. Everything behind this layer sees a complete body with
  its Content-Length. When every reader is busy with stalled uploads, a new upload is refused at once
  (503, Retry-After) after waiting BURST_WAIT (0.5 s) for a free reader, rather than queued.
* The request clock (service/request_clock.py) starts once the body is in: the per-request deadline
  covers parsing and the operation, not the upload.

Why a reader pool: granian (and gunicorn) hand a request to the WSGI callable as soon as its headers are in,
and a read of ``wsgi.input`` then blocks until the body arrives, with no timeout of its own. The reader waits
in its place; the serving thread answers 408 after the timeout. Under gunicorn the stalled socket is then shut
down, which frees the reader at once; under granian the read can only end when the client sends more or goes
away (granian offers no way to drop one connection), and the serving thread stays parked, without the GIL,
until then (see _SentThenWait). So readers are bounded (BODY_READERS per worker) and the serving side is sized
for them (service/serving.py: threads + readers): stalled uploads can at worst make other uploads wait for a
free reader (503), never GETs.
Errors the HTTP server produces before the application sees the request (a request line over 64 KiB: 414; a
malformed request line: 400; headers beyond granian's buffer, service/serving.py: 431) cannot be given a body
in-process: see the README.
"""
from __future__ import annotations

import io
import os
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import orjson

from ... import request_clock
from ...errors import TerminologyError
from .. import respond
from ..request import BODY_ENV, HttpRequest

NO_BODY = {"GET", "HEAD", "OPTIONS"}
CHUNK = 64 * 1024
BURST_WAIT = 0.5   # seconds an upload waits for a free reader before a 503
_REASONS = {400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large", 414: "URI Too Long",
            503: "Service Unavailable"}


class EdgeError(Exception):
    def __init__(self, status: int, code: str, text: str, *, close: bool = False, headers=(), pending=None):
        super().__init__(text)
        self.status, self.code, self.text, self.close, self.headers = status, code, text, close, list(headers)
        self.pending = pending   # a body read still running: the answer waits for it after it is sent


class Intake:
    def __init__(self, wsgi_app, cfg: dict, state: dict | None = None):
        self.inner = wsgi_app
        self.state = state   # app.extensions["rrall"], for /readyz (service/readiness.py)
        self.max_url, self.max_params = int(cfg["MAX_URL_BYTES"]), int(cfg["MAX_QUERY_PARAMS"])
        self.body_timeout, self.max_body = float(cfg["BODY_TIMEOUT_SECONDS"]), int(cfg["MAX_BODY_BYTES"])
        self.deadline = float(cfg["DEADLINE_SECONDS"])
        self.readers = _Readers(int(cfg["BODY_READERS"]))

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/readyz" and self.state is not None:
            if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
                answer_ = respond.layer_path_methods(environ, "GET, HEAD, OPTIONS")
                start_response(answer_.status_line, answer_.headers)
                return answer_.body
            return self._readyz(start_response)
        try:
            self._check_target(environ)
            if environ.get("REQUEST_METHOD", "GET") not in NO_BODY:
                self._read_body(environ)
        except EdgeError as err:
            return answer(environ, start_response, err)
        token = request_clock.begin(self.deadline)
        try:
            return self.inner(environ, start_response)
        finally:
            request_clock.end(token)

    def _readyz(self, start_response):
        """Readiness beside the pipeline's /healthz: content loaded, every worker running (else 503)."""
        from ...readiness import report

        ready, body = report(self.state)
        data = orjson.dumps(body)
        start_response("200 OK" if ready else "503 Service Unavailable",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                        ("Cache-Control", "no-store")])
        return [data]

    # ---- the request target ---------------------------------------------------------------------
    def _check_target(self, environ) -> None:
        query = environ.get("QUERY_STRING", "")
        if len(query) + len(environ.get("PATH_INFO", "")) > self.max_url:
            raise EdgeError(414, "too-long", f"The request URL is longer than {self.max_url:,} bytes: send the "
                            "parameters in the body (POST, as a Parameters resource or form)", close=True)
        if not query:
            return
        if query.count("&") >= self.max_params:
            raise EdgeError(414, "too-long", f"The request has more than {self.max_params:,} query parameters",
                            close=True)
        # a query that is not UTF-8 is the pipeline's to judge (service/web: a 400 where a parameter is read)

    # ---- the body ---------------------------------------------------------------------------------
    def _read_body(self, environ) -> None:
        raw_length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not raw_length and not chunked and not environ.get("SERVER_PROTOCOL", "").startswith("HTTP/2"):
            return   # HTTP/1.x without Content-Length or chunked coding has no body (HTTP/2 may omit the length)
        length = None
        if raw_length and not chunked:
            if not raw_length.strip().isdigit():
                raise EdgeError(400, "invalid", "The Content-Length header is not a number", close=True)
            length = int(raw_length)
            if length > self.max_body:
                raise EdgeError(413, "too-long", f"The request body is larger than {self.max_body:,} bytes",
                                close=True)
            if length == 0:
                return
        stream, cancelled = environ["wsgi.input"], threading.Event()
        future = self.readers.submit(_read_all, stream, length, self.max_body, cancelled)
        if future is None:
            raise EdgeError(503, "transient", "The server is busy receiving other uploads: try again shortly",
                            close=True, headers=[("Retry-After", "5")])
        try:
            body = future.result(self.body_timeout)
        except FutureTimeout:
            cancelled.set()
            _unblock(environ)
            raise EdgeError(408, "timeout", f"The request body did not arrive within {self.body_timeout:g} "
                            "seconds", close=True, pending=future) from None
        if body is None:
            raise EdgeError(413, "too-long", f"The request body is larger than {self.max_body:,} bytes",
                            close=True)
        if length is not None and len(body) < length:
            raise EdgeError(400, "incomplete", "The request body is shorter than its Content-Length", close=True)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ[BODY_ENV] = body   # read once: the response cache keys on it, the pipeline parses it
        environ.pop("HTTP_TRANSFER_ENCODING", None)


def _read_all(stream, length: int | None, limit: int, cancelled: threading.Event) -> bytes | None:
    """The body (length bytes, or up to EOF when chunked); None when it exceeds limit. Runs in a reader; stops
    at the next chunk once the request was answered without it (cancelled)."""
    parts, total = [], 0
    while (length is None or total < length) and not cancelled.is_set():
        want = CHUNK if length is None else min(CHUNK, length - total)
        data = stream.read(want)
        if not data:
            break
        total += len(data)
        if total > limit:
            return None
        parts.append(data)
    return b"".join(parts)


def _unblock(environ) -> None:
    """Free the reader of a stalled upload where the server lets us: gunicorn exposes the socket."""
    sock = environ.get("gunicorn.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass


class _Readers:
    """A bounded pool of body readers, created per process (threads do not survive the fork of workers)."""

    def __init__(self, size: int):
        self.size = max(1, size)
        self.pid = None
        self.lock = threading.Lock()

    def _ensure(self) -> None:
        if self.pid != os.getpid():
            with self.lock:
                if self.pid != os.getpid():
                    self.pool = ThreadPoolExecutor(self.size, thread_name_prefix="rrall-body")
                    self.free = threading.BoundedSemaphore(self.size)
                    self.pid = os.getpid()

    def submit(self, fn, *args):
        """The future of fn(*args) in a reader, or None when every reader stays busy for BURST_WAIT seconds (a burst
        of ordinary uploads frees them in microseconds; stalled ones hold them for the body timeout)."""
        self._ensure()
        if not self.free.acquire(timeout=BURST_WAIT):
            return None
        free = self.free

        def run():
            try:
                return fn(*args)
            finally:
                free.release()
        return self.pool.submit(run)


def answer(environ, start_response, err: EdgeError):
    """The OperationOutcome of a refusal, rendered by the one renderer (web.respond) as FHIR JSON."""
    req = HttpRequest(environ)
    rendered = respond.error(req, TerminologyError(err.text, status=err.status, issue_code=err.code, tx_code=None),
                             "json", headers=dict(err.headers))
    headers = [h for h in rendered.headers if h[0] not in ("ETag",)]
    if err.close:
        headers.append(("Connection", "close"))
    start_response(f"{err.status} {_REASONS.get(err.status, 'Error')}", headers)
    body = b"".join(rendered.body)
    return [body] if err.pending is None else _SentThenWait(body, err.pending)


class _SentThenWait:
    """The answer to a stalled upload: sent at once, but the WSGI call ends only when the read of the body has
    ended (the client sent the rest, went away, or its socket was shut down). Ending the call while granian
    still reads that body stalls the worker's whole interpreter until the read ends (measured with granian
    2.8); a serving thread parked here costs nothing, and there are at most BODY_READERS of them."""

    def __init__(self, body: bytes, pending):
        self.parts, self.pending = [body], pending

    def __iter__(self):
        return self

    def __next__(self) -> bytes:
        if self.parts:
            return self.parts.pop()
        try:
            self.pending.result()
        except Exception:   # noqa: BLE001 - the client is gone; nothing to report
            pass
        raise StopIteration

    def close(self) -> None:
        self.parts = []
