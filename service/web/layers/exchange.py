"""One request/response exchange as the edge layers observe it: status, headers, bytes and duration.

The outermost observing layer begins the exchange (``begin``) and runs the inner application through
``Exchange.run``; inner layers find it in the WSGI environ and only add response headers or listeners. So
however many layers observe, a request pays for one ``start_response`` wrapper and at most one body wrapper.

Listeners are called once, when the response is complete: at once when the application returned a list of
chunks (cache hits, stored misses) or a body of known length (Content-Length: Flask's rendered responses, whose
bytes exist already), else when the server closes the body iterator (streams: $package, $expand.csv), so the
duration covers producing the whole body. A listener that raises is logged and never breaks a response.
"""
from __future__ import annotations

import logging
from time import perf_counter
from typing import Callable

ENV = "rrall.exchange"
log = logging.getLogger("rrall")


class Exchange:
    __slots__ = ("environ", "t0", "status", "headers", "nbytes", "seconds", "_extra", "_listeners", "_done",
                 "_x_cache")

    def __init__(self, environ: dict):
        self.environ = environ
        self.t0 = perf_counter()
        self.status = 0          # HTTP status code once the application started the response
        self.headers: list = []  # response headers as sent (extra headers included)
        self.nbytes = 0          # body bytes produced
        self.seconds = 0.0       # set when the response is complete
        self._extra: list = []
        self._listeners: list = []
        self._done = False
        self._x_cache: str | None | bool = False   # not looked up yet

    def add_header(self, name: str, value: str) -> None:
        """Add a response header (call before the inner application runs)."""
        self._extra.append((name, value))

    def when_done(self, listener: Callable[["Exchange"], None]) -> None:
        self._listeners.append(listener)

    def header(self, name: str) -> str | None:
        """A response header's value (case-insensitive name), or None."""
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    @property
    def x_cache(self) -> str | None:
        """The X-Cache header of the answer (HIT / MISS), looked up once for all layers."""
        if self._x_cache is False:
            self._x_cache = self.header("X-Cache")
        return self._x_cache

    def run(self, app, start_response):
        """Call the inner WSGI application, observing its answer."""
        def observed_start(status, headers, exc_info=None):
            if self._extra:
                headers = [*headers, *self._extra]
            self.status = int(status[:3]) if status[:3].isdigit() else 0
            self.headers = headers
            return start_response(status, headers, exc_info)

        try:
            body = app(self.environ, observed_start)
        except BaseException:
            self.status = 500   # the server answers 500 for an application that raised
            self._finish()
            raise
        if isinstance(body, (list, tuple)):
            self.nbytes = sum(map(len, body))
            self._finish()
            return body
        length = self.header("Content-Length")
        if length is not None and length.isdigit():   # rendered already: nothing left to measure
            self.nbytes = 0 if self.environ.get("REQUEST_METHOD") == "HEAD" else int(length)
            self._finish()
            return body
        return _ObservedBody(body, self)

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        self.seconds = perf_counter() - self.t0
        for listener in self._listeners:
            try:
                listener(self)
            except Exception:   # noqa: BLE001 - observation must never break an answer
                log.exception("edge listener %r failed", listener)
        if self.environ.get(ENV) is self:
            del self.environ[ENV]   # no environ <-> exchange cycle: the request's objects are freed at once


class _ObservedBody:
    """The application's body iterator, counting bytes; completes the exchange when the server closes it."""
    __slots__ = ("_body", "_exchange")

    def __init__(self, body, exchange: Exchange):
        self._body, self._exchange = body, exchange

    def __iter__(self):
        ex = self._exchange
        for chunk in self._body:
            ex.nbytes += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._exchange._finish()


def begin(environ: dict) -> tuple[Exchange, bool]:
    """The request's exchange, and whether this caller created it (then it must call ``run``)."""
    ex = environ.get(ENV)
    if ex is not None:
        return ex, False
    ex = environ[ENV] = Exchange(environ)
    return ex, True
