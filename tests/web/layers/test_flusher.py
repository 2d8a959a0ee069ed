"""service/web/layers/flusher.py: registered flushes run from a thread, at flush_all, and are held weakly."""
from __future__ import annotations

import gc
import time

from service.web.layers import flusher


class Sink:
    def __init__(self):
        self.calls = 0

    def flush(self):
        self.calls += 1


def test_flush_all_calls_every_registered_flush():
    a, b = Sink(), Sink()
    flusher.register(a.flush)
    flusher.register(b.flush)
    flusher.flush_all()
    assert a.calls >= 1 and b.calls >= 1


def test_the_thread_flushes_without_being_asked():
    sink = Sink()
    flusher.register(sink.flush)
    flusher.start()
    deadline = time.monotonic() + 10 * flusher.INTERVAL
    while sink.calls == 0 and time.monotonic() < deadline:
        time.sleep(flusher.INTERVAL / 5)
    assert sink.calls >= 1


def test_a_sink_that_is_let_go_is_dropped_and_a_failing_one_does_not_stop_the_others(caplog):
    class Broken:
        def flush(self):
            raise OSError("disk full")

    gone, broken, fine = Sink(), Broken(), Sink()
    for s in (gone, broken, fine):
        flusher.register(s.flush)
    del gone
    gc.collect()
    flusher.flush_all()
    assert fine.calls >= 1 and "edge flush" in caplog.text
    assert all(ref() is not None for ref in flusher._flushes)   # the dropped sink's reference is gone
