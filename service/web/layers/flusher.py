"""Periodic hand-over of what the edge layers gather per request (log lines, metric counts) to their sinks.

Writing a log line or updating the shared metric files on every request costs more than the layers' own work
(a system call, locks, memory-mapped writes), so the layers add to in-process buffers under a lock and register
a ``flush`` here. One daemon thread per process calls every registered flush each ``INTERVAL`` seconds, and
once more when the process exits (``atexit`` for the main process and gunicorn workers; a multiprocessing
finalizer for granian's workers, which leave through ``os._exit``). The thread is started lazily by ``start()``
in each process (threads do not survive ``fork``, so a forked worker starts its own on its first request).
Registered flushes are held weakly: an app that is gone stops being flushed.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref

INTERVAL = 0.5   # seconds: the most a log line or a count waits before it reaches its sink
log = logging.getLogger("rrall")

_flushes: list[weakref.WeakMethod] = []
_lock = threading.Lock()
_started = False   # this process has its thread (reset in a forked child: threads do not survive fork)


def _forked() -> None:
    global _started, _lock
    _started, _lock = False, threading.Lock()


os.register_at_fork(after_in_child=_forked)


def register(bound_flush) -> None:
    """Flush ``bound_flush`` (a bound method) periodically and at exit."""
    with _lock:
        _flushes.append(weakref.WeakMethod(bound_flush))


def flush_all() -> None:
    """Call every registered flush now (tests, scrapes, exit)."""
    with _lock:
        alive = [f for f in (ref() for ref in _flushes) if f is not None]
        _flushes[:] = [weakref.WeakMethod(f) for f in alive]
    for flush in alive:
        try:
            flush()
        except Exception:   # noqa: BLE001 - one sink failing must not stop the others
            log.exception("edge flush %r failed", flush)


def start() -> None:
    """Make sure this process has its flushing thread (one global read when it has)."""
    global _started
    if _started:
        return
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_loop, name="rrall-edge-flush", daemon=True).start()
    atexit.register(flush_all)
    from multiprocessing import util
    util.Finalize(None, flush_all, exitpriority=100)   # granian workers exit through multiprocessing's os._exit


def _loop() -> None:
    while True:
        time.sleep(INTERVAL)
        flush_all()
