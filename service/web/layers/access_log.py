"""Access log and request ids: one JSON line per request, and ``X-Request-Id`` on every response.

Installed outermost by ``service/web/layers.wrap``, so cache hits and 304s are logged too. A line::

    {"time":"2026-05-20T10:11:12.345Z","level":"info","method":"GET","path":"/r4/CodeSystem/$lookup",
     "status":200,"bytes":512,"duration_ms":0.412,"cache":"HIT","request_id":"4f1c..."}

* ``path`` is the path without the query string (at most 512 characters): parameters stay out of the log.
* ``cache`` is the ``X-Cache`` header of the answer (``HIT`` / ``MISS``), ``null`` when the request is not one
  the response cache handles (and for a 304, which answers a revalidation).
* ``duration_ms`` runs from the request entering this layer until the application produced the last byte.
* ``level`` is ``info`` below 400, ``warning`` for 4xx, ``error`` for 5xx.
* ``request_id``: the incoming ``X-Request-Id`` when it is 1-128 characters of ``A-Z a-z 0-9 . _ : + / = -``
  (what load balancers and tracing systems send), else a new random id (32 hex digits, not a secret); returned as
  ``X-Request-Id`` on every response and left in the WSGI environ as ``rrall.request_id``.

Settings (app configuration, else environment, else default):

* ``ACCESS_LOG`` / ``RRALL_ACCESS_LOG`` / ``serve --access-log``: ``stderr`` (default), ``off``, or a file path
  (opened for appending before the workers fork and shared by them).
* ``ACCESS_LOG_LEVEL`` / ``RRALL_ACCESS_LOG_LEVEL`` / ``serve --access-log-level``: ``info`` (every request,
  default), ``warning`` (4xx and 5xx only) or ``error`` (5xx only).

Lines are written in batches of whole lines (``edge/flusher.py``): at the latest every half second, or sooner
when 64 KiB are waiting (4 KiB on a pipe, where a write of at most PIPE_BUF bytes is never interleaved with
another worker's), and at exit. A write per request costs more than the rest of this layer; a process killed
outright loses at most the last half second of lines. A failing sink (full disk, closed pipe) never fails a
request: the lines are dropped.
"""
from __future__ import annotations

import os
import random
import re
import stat
import threading
import time

import orjson

from . import exchange, flusher
from .settings import setting

REQUEST_ID_ENV = "rrall.request_id"
LEVELS = {"info": 0, "warning": 1, "error": 2}
MAX_PATH = 512
BATCH_FILE, BATCH_PIPE = 64 * 1024, 4096   # bytes per write: a file, a pipe or socket (PIPE_BUF: atomic)
_SAFE_ID = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}").fullmatch
_random_bits = random.getrandbits


class AccessLogError(ValueError):
    """A setting that cannot be used (unknown level, a file that cannot be opened)."""


def open_sink(target: str) -> int | None:
    """The file descriptor lines go to: None for off, 2 for stderr, else the file opened for appending."""
    target = str(target).strip()
    if target.lower() in ("off", "none", "0", "false", "no", ""):
        return None
    if target.lower() in ("stderr", "-"):
        return 2
    try:
        return os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    except OSError as exc:
        raise AccessLogError(f"cannot open the access log {target!r}: {exc.strerror}") from None


_second: tuple[int, str] = (-1, "")   # (unix second, its ISO-8601 text): formatted once a second


def _utc_now() -> str:
    global _second
    now = time.time()
    sec = int(now)
    if _second[0] != sec:
        _second = (sec, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)))
    return f"{_second[1]}.{int((now - sec) * 1000):03d}Z"


def request_id(environ: dict) -> str:
    """The incoming X-Request-Id when it is safe to echo and log, else a new random one."""
    incoming = environ.get("HTTP_X_REQUEST_ID")
    if incoming is not None and _SAFE_ID(incoming):
        return incoming
    # 128 random bits from the random module: os.urandom releases the GIL for a system call on every request, which
    # measurably slowed the server's threads; ids need uniqueness, not secrecy (random reseeds in forked workers)
    return f"{_random_bits(128):032x}"


def _batch_limit(fd: int | None) -> int:
    try:
        mode = os.fstat(fd).st_mode if fd is not None else 0
    except OSError:
        mode = 0
    return BATCH_PIPE if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) else BATCH_FILE


class AccessLog:
    """WSGI middleware: request id in, X-Request-Id out, and one JSON line per request (unless off)."""

    def __init__(self, inner, fd: int | None, min_level: int = 0):
        self.inner = inner
        self.fd = fd
        self.min_level = min_level
        self._batch = _batch_limit(fd)
        self._lines: list[bytes] = []
        self._size = 0
        self._lock = threading.Lock()
        if fd is not None:
            flusher.register(self.flush)

    def __call__(self, environ, start_response):
        rid = environ[REQUEST_ID_ENV] = request_id(environ)
        ex, owner = exchange.begin(environ)
        ex.add_header("X-Request-Id", rid)
        if self.fd is not None:
            flusher.start()
            ex.when_done(self._write)
        return ex.run(self.inner, start_response) if owner else self.inner(environ, start_response)

    def __del__(self):   # an app that is let go still writes what it holds (the flusher only holds it weakly)
        if self.fd is not None and self._lines:
            self.flush()

    def flush(self) -> None:
        """Write the waiting lines now."""
        with self._lock:
            lines, self._lines, self._size = self._lines, [], 0
        self._emit(lines)

    def _emit(self, lines: list[bytes]) -> None:
        """Write whole lines, at most one batch per write."""
        start = size = 0
        for i, line in enumerate(lines):
            if size and size + len(line) > self._batch:
                self._write_out(b"".join(lines[start:i]))
                start, size = i, 0
            size += len(line)
        if size:
            self._write_out(b"".join(lines[start:]))

    def _write_out(self, data: bytes) -> None:
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:
            pass   # the log is best effort: never fail or stall requests because the sink failed

    def _write(self, ex: exchange.Exchange) -> None:
        status = ex.status
        level = 0 if status < 400 else 1 if status < 500 else 2
        if level < self.min_level:
            return
        env = ex.environ
        line = orjson.dumps({
            "time": _utc_now(),
            "level": ("info", "warning", "error")[level],
            "method": env.get("REQUEST_METHOD", ""),
            "path": env.get("PATH_INFO", "")[:MAX_PATH],
            "status": status,
            "bytes": ex.nbytes,
            "duration_ms": round(ex.seconds * 1000, 3),
            "cache": ex.x_cache,
            "request_id": env.get(REQUEST_ID_ENV),
        }) + b"\n"
        with self._lock:
            self._lines.append(line)
            self._size += len(line)
            if self._size < self._batch:
                return
            lines, self._lines, self._size = self._lines, [], 0
        self._emit(lines)


def wrap(inner, cfg: dict) -> AccessLog:
    """This layer around ``inner`` (service/web/layers.wrap puts it outermost)."""
    level = str(setting(cfg, "ACCESS_LOG_LEVEL", "info")).strip().lower()
    if level not in LEVELS:
        raise AccessLogError(f"unknown access log level {level!r} (use one of: {', '.join(LEVELS)})")
    return AccessLog(inner, open_sink(setting(cfg, "ACCESS_LOG", "stderr")), LEVELS[level])
