"""The work deadline of the request being answered on this thread (no Flask, no FHIR).

The intake layer (service/web/layers/intake.py) starts the clock once the request body has arrived, so the
per-request deadline (config DEADLINE_SECONDS) covers everything after that: parsing the body (XML
included), typing the parameters and the operation itself. OpContext takes its deadline from here when
a request is running; code without a request (tests, the CLI) gets its own deadline as before.
"""
from __future__ import annotations

import time
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("rrall_request_deadline", default=None)


def begin(seconds: float):
    """Start the clock of the current request; returns the token for end()."""
    return _deadline.set(time.monotonic() + seconds)


def end(token) -> None:
    _deadline.reset(token)


def deadline() -> float | None:
    """The monotonic time by which the current request must be done, or None outside a request."""
    return _deadline.get()


def expired() -> bool:
    limit = _deadline.get()
    return limit is not None and time.monotonic() > limit
