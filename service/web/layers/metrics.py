"""Prometheus metrics: ``GET /metrics`` in the text exposition format, from ``prometheus_client``.

Installed by ``service/web/layers.wrap`` outside the response cache (so hits and 304s are counted) and inside the\naccess log.

Families (label values come from fixed sets: never a raw path, code or parameter):

* ``rrall_http_requests_total{operation,status}`` and ``rrall_http_request_duration_seconds{operation,status}``
  (histogram): ``operation`` is one of the names in ``OPERATIONS`` (``$expand``, ``$lookup``, ...) or ``read``,
  ``search``, ``metadata``, ``batch``, ``health``, ``metrics``, ``other``; ``status`` is ``2xx`` ... ``5xx``.
* ``rrall_response_cache_total{result}``: ``hit`` / ``miss`` (the ``X-Cache`` header of the answer) and
  ``revalidated`` (a 304 answered from the ETag).
* ``rrall_expansion_total_codes`` and ``rrall_expansion_returned_codes`` (histograms): codes matching an
  expansion (``expansion.total``) and codes in the answer after paging, for every computed ``$expand``
  (``$bundle`` and ``$expand.csv`` included; cache hits are not computed again, so not observed again).
* ``rrall_loaded_resources{type}`` (gauge): CodeSystems, ValueSets and ConceptMaps loaded at start.
* ``rrall_build_info{version,python}`` (gauge, always 1).

Several workers (``rrall-tx serve``): ``prometheus_client``'s multi-process mode. ``prepare_multiprocess`` runs
in ``serve`` before the app is built and the workers fork: it points ``PROMETHEUS_MULTIPROC_DIR`` at a folder
(the one given in the environment, emptied of a previous run's files, else a new temporary folder removed at
exit), so every worker writes its values to memory-mapped files there and any worker's ``/metrics`` sums them.
Gauges are set once in the parent ("max" across processes). Under gunicorn a dead worker is marked
(``mark_process_dead``); granian has no per-worker exit hook, which matters only for "live" gauges (none here).
Without ``PROMETHEUS_MULTIPROC_DIR`` (tests, ``serve --dev``) the values live in the process.

Cost: a request adds to plain in-process counts under a lock (about a microsecond); ``edge/flusher.py`` hands
them to ``prometheus_client`` every half second and at exit, and a scrape first flushes its own process. So
another worker's latest half second may be missing from a scrape, never lost. (Updating ``prometheus_client``'s
shared values on every request cost about 20 us of CPU per request in the server, a third of a cache hit.)

Settings: ``METRICS`` / ``RRALL_METRICS`` / ``serve --no-metrics`` turns the layer off (``/metrics`` is then a 404).
``/metrics`` has no authentication: keep it off the public side of a proxy (deploy/nginx.conf denies it).
"""
from __future__ import annotations

import atexit
import contextvars
import glob
import os
import platform
import shutil
import tempfile
import threading
from bisect import bisect_left

from ... import events
from . import exchange, flusher
from .settings import enabled, setting

OPERATIONS = frozenset({"$lookup", "$validate-code", "$subsumes", "$expand", "$translate", "$batch-validate-code",
                        "$validate", "$bundle", "$package", "$expand.csv", "$versions"})
RESOURCE_TYPES = frozenset({"CodeSystem", "ValueSet", "ConceptMap"})
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SIZE_BUCKETS = (0, 1, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000, 100000)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
ALLOW = "GET, HEAD, OPTIONS"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CACHE_RESULTS = ("hit", "miss", "revalidated")
MAX_MEMO_PATHS = 2048   # paths whose operation label is remembered (bounded: paths are client input)

_current: contextvars.ContextVar = contextvars.ContextVar("rrall_metrics")


def operation(method: str, path: str) -> str:
    """The bounded operation label of a request."""
    if path in ("/healthz", "/readyz"):
        return "health"
    if path == "/metrics":
        return "metrics"
    parts = path.split("/")
    if len(parts) < 2 or parts[1] not in ("r4", "r5"):
        return "other"
    if len(parts) == 2 or (len(parts) == 3 and not parts[2]):
        return "batch" if method == "POST" else "other"
    last = parts[-1]
    if last.startswith("$"):
        return last if last in OPERATIONS and len(parts) <= 5 else "other"
    if len(parts) == 3 and parts[2] == "metadata":
        return "metadata"
    if parts[2] in RESOURCE_TYPES and len(parts) in (3, 4):
        return "search" if len(parts) == 3 else "read"
    return "other"


def status_class(status: int) -> str:
    return STATUS_CLASSES[status // 100 - 1] if 100 <= status < 600 else "5xx"


def _histogram(buckets: tuple) -> list:
    """Counts of one histogram series: [observations, sum, per-bucket counts (the last one: +Inf)]."""
    return [0, 0.0] + [0] * (len(buckets) + 1)


def _observe(counts: list, buckets: tuple, value: float) -> None:
    counts[0] += 1
    counts[1] += value
    counts[2 + bisect_left(buckets, value)] += 1   # value <= bound, as prometheus_client's observe()


def _add_to_histogram(child, counts: list) -> None:
    """Add gathered observations to a prometheus_client histogram child at once.

    Uses the child's value cells (``_sum``, ``_buckets``: non-cumulative counts per bucket, the layout of
    prometheus_client since its first releases) because the library has no public way to add many observations
    in one call; tests/edge/test_metrics.py checks the exposed buckets, sums and counts."""
    child._sum.inc(counts[1])
    for cell, n in zip(child._buckets, counts[2:]):
        if n:
            cell.inc(n)


class _Counts:
    """What one process gathered since the last flush."""
    __slots__ = ("series", "cache", "expansion_total", "expansion_returned")

    def __init__(self):
        self.series: dict = {}   # (operation, status // 100) -> histogram counts of the latency
        self.cache = [0, 0, 0]   # CACHE_RESULTS
        self.expansion_total = _histogram(SIZE_BUCKETS)
        self.expansion_returned = _histogram(SIZE_BUCKETS)


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def prepare_multiprocess(cfg: dict | None = None) -> str | None:
    """Before the app is built and workers fork: the multi-process folder, set up and emptied (None when off)."""
    if not enabled(setting(cfg or {}, "METRICS", True)):
        return None
    path = os.environ.get(MULTIPROC_ENV)
    if path:
        os.makedirs(path, exist_ok=True)
        for stale in glob.glob(os.path.join(path, "*.db")):   # a previous run's values are not this run's
            os.remove(stale)
        return path
    path = tempfile.mkdtemp(prefix="rrall-metrics-")
    os.environ[MULTIPROC_ENV] = path
    owner = os.getpid()
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(path, ignore_errors=True))   # not in workers
    return path


def worker_exited(pid: int) -> None:
    """A worker died: drop its values of "live" gauges (the server calls this where it can)."""
    if multiprocess():
        from prometheus_client import multiprocess as mp
        mp.mark_process_dead(pid)


def _on_expansion(total: int, returned: int) -> None:
    m = _current.get(None)   # the Metrics layer of the app answering this request
    if m is not None:
        with m._lock:
            _observe(m._counts.expansion_total, SIZE_BUCKETS, total)
            _observe(m._counts.expansion_returned, SIZE_BUCKETS, returned)


class Metrics:
    """WSGI middleware: counts every answer and serves GET /metrics."""

    def __init__(self, inner, state: dict):
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.inner = inner
        self.registry = CollectorRegistry(auto_describe=True)
        reg = self.registry
        self.requests = Counter("rrall_http_requests", "HTTP requests answered", ["operation", "status"],
                                registry=reg)
        self.latency = Histogram("rrall_http_request_duration_seconds", "Time to produce the answer",
                                 ["operation", "status"], buckets=LATENCY_BUCKETS, registry=reg)
        self.cache = Counter("rrall_response_cache", "Response-cache outcomes of cacheable requests", ["result"],
                             registry=reg)
        self.expansion_total = Histogram("rrall_expansion_total_codes", "Codes matching a computed expansion",
                                         buckets=SIZE_BUCKETS, registry=reg)
        self.expansion_returned = Histogram("rrall_expansion_returned_codes",
                                            "Codes returned by a computed expansion (after paging)",
                                            buckets=SIZE_BUCKETS, registry=reg)
        loaded = Gauge("rrall_loaded_resources", "Resources loaded at start", ["type"], registry=reg,
                       multiprocess_mode="max")
        build = Gauge("rrall_build_info", "Software and Python version", ["version", "python"], registry=reg,
                      multiprocess_mode="max")
        registry_ = state["registry"]
        for kind in sorted(RESOURCE_TYPES):
            loaded.labels(kind).set(len(registry_.all(kind)))
        build.labels(str(state["config"].get("SOFTWARE_VERSION", "")), platform.python_version()).set(1)
        self._cache_children = [self.cache.labels(r) for r in CACHE_RESULTS]
        self._ops: dict[str, str] = {}   # path -> operation label (memo)
        self._counts = _Counts()
        self._lock = threading.Lock()
        flusher.register(self.flush)
        if multiprocess():
            from prometheus_client import multiprocess as mp
            self.exposed = CollectorRegistry()
            mp.MultiProcessCollector(self.exposed)
        else:
            self.exposed = reg
        events.on_expansion(_on_expansion)

    def __call__(self, environ, start_response):
        ex, owner = exchange.begin(environ)
        ex.when_done(self._record)
        if environ.get("PATH_INFO") == "/metrics" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            app = self._scrape
        elif environ.get("PATH_INFO") == "/metrics" and not environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
            app = _other_method   # like every other path: OPTIONS 204, another method 405, with Allow
        else:
            app = self.inner
        flusher.start()
        token = _current.set(self)
        try:
            return ex.run(app, start_response) if owner else app(environ, start_response)
        finally:
            _current.reset(token)

    def _scrape(self, environ, start_response):
        from prometheus_client import generate_latest

        self.flush()   # this process's latest counts (other workers' are at most flusher.INTERVAL old)
        body = generate_latest(self.exposed)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-store")])
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    def _record(self, ex: exchange.Exchange) -> None:
        env = ex.environ
        path = env.get("PATH_INFO", "")
        op = self._ops.get(path)
        if op is None:
            op = operation(env.get("REQUEST_METHOD", ""), path)
            if len(path) > 4 and len(self._ops) < MAX_MEMO_PATHS:   # "/r4" and "/r4/": batch only for POST
                self._ops[path] = op
        status = ex.status
        cached = ex.x_cache
        result = 0 if cached == "HIT" else 1 if cached == "MISS" else 2 if status == 304 else -1
        with self._lock:
            counts = self._counts
            series = counts.series.get((op, status // 100))
            if series is None:
                series = counts.series[(op, status // 100)] = _histogram(LATENCY_BUCKETS)
            _observe(series, LATENCY_BUCKETS, ex.seconds)
            if result >= 0:
                counts.cache[result] += 1

    def flush(self) -> None:
        """Hand the gathered counts to prometheus_client (shared files in multi-process mode)."""
        with self._lock:
            counts, self._counts = self._counts, _Counts()
        for (op, hundreds), series in counts.series.items():
            labels = (op, status_class(hundreds * 100))
            self.requests.labels(*labels).inc(series[0])
            _add_to_histogram(self.latency.labels(*labels), series)
        for child, n in zip(self._cache_children, counts.cache):
            if n:
                child.inc(n)
        for histogram, series in ((self.expansion_total, counts.expansion_total),
                                  (self.expansion_returned, counts.expansion_returned)):
            if series[0]:
                _add_to_histogram(histogram, series)


def _other_method(environ, start_response):
    """/metrics answers GET and HEAD: OPTIONS says so (204), any other method is a 405 (as on every path)."""
    from ..respond import layer_path_methods

    answer = layer_path_methods(environ, ALLOW)
    start_response(answer.status_line, answer.headers)
    return answer.body


def wrap(inner, state: dict):
    """This layer around ``inner`` (inside the access log, outside everything else), unless METRICS is off."""
    if not enabled(setting(state["config"], "METRICS", True)):
        return inner
    import prometheus_client
    prometheus_client.disable_created_metrics()   # no *_created series: half the lines, nothing lost
    return Metrics(inner, state)
