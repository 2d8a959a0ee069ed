"""Production WSGI servers for `rrall-tx serve`: granian (default) or gunicorn.

Both get the application already built: content is loaded once in the parent process, then the objects are
frozen out of the cyclic GC's view (gc.freeze) and the workers are forked, so they share the loaded
indexes copy-on-write instead of each loading and holding its own copy. docs/performance.md has the
measurements behind the default (granian was 3-5x gunicorn's throughput on the same machine and content).

Operation (issue #14): the port must be free (granian binds it with SO_REUSEPORT in every worker, so a second
server would silently share it: ``ensure_port_free`` refuses first); request headers must arrive within
HEADER_TIMEOUT_SECONDS (granian then closes the connection); each granian worker has ``threads`` threads for requests
plus one per body reader of service/web/layers/intake.py, so stalled uploads (at most BODY_READERS per worker, each for at
most BODY_TIMEOUT_SECONDS) never take the threads other requests need; SIGTERM stops accepting, lets in-flight
requests finish for up to SHUTDOWN_TIMEOUT_SECONDS, then kills what is left and exits. Each worker registers
in a ``readiness.WorkerBoard`` when it starts (for /readyz).
"""
from __future__ import annotations

import errno
import gc
import multiprocessing
import socket

from .readiness import WorkerBoard

SERVERS = ("granian", "gunicorn")


def ensure_port_free(host: str, port: int) -> None:
    """RuntimeError when something already listens on host:port (another server, or another `serve`)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # TIME_WAIT leftovers do not count
        try:
            probe.bind((host, port))   # no SO_REUSEPORT: fails while any listener holds the port
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise RuntimeError(f"cannot listen on {host}:{port}: the port is already in use (another server "
                                   "is running there); stop it or choose another --port") from None
            raise RuntimeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(app, *, server: str, host: str, port: int, workers: int, threads: int, worker_class: str) -> None:
    ensure_port_free(host, port)
    cfg = app.extensions["rrall"]["config"]
    board = WorkerBoard(workers)
    app.extensions["rrall"]["workers"] = board
    gc.freeze()   # loaded objects leave the GC's view: forked workers do not copy their pages by scanning them
    if server == "granian":
        _granian(app, cfg, board, host=host, port=port, workers=workers, threads=threads)
    else:
        _gunicorn(app, cfg, board, host=host, port=port, workers=workers, threads=threads,
                  worker_class=worker_class)


def _granian(app, cfg: dict, board: WorkerBoard, *, host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    # workers must be forked (the Linux default for Python < 3.14), so that they inherit the built app
    method = multiprocessing.get_start_method(allow_none=True)
    if method is None:
        multiprocessing.set_start_method("fork")
    elif method != "fork":
        raise RuntimeError(f"granian workers must be forked from the loaded app, but the multiprocessing start "
                           f"method is already '{method}': use --server gunicorn")

    def loader(_target):   # runs in each worker, after the fork
        board.register()
        return app

    server = Granian("rrall", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                     blocking_threads=threads + int(cfg["BODY_READERS"]), websockets=False, log_access=False,
                     http1_settings=HTTP1Settings(header_read_timeout=int(cfg["HEADER_TIMEOUT_SECONDS"] * 1000),
                                                  max_buffer_size=_header_buffer(cfg)),
                     respawn_failed_workers=True,   # a worker killed (e.g. out of memory) is replaced, as gunicorn does
                     workers_kill_timeout=max(1, round(cfg["SHUTDOWN_TIMEOUT_SECONDS"])))   # bounded drain
    server.serve(target_loader=loader)


def _gunicorn_worker_init(board: WorkerBoard):
    def init(_worker):
        from gunicorn import util

        board.register()
        util.write_error = _gunicorn_error   # gunicorn's own refusals (414, 400, ...) as OperationOutcomes
    return init


def _gunicorn_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Replaces gunicorn's HTML error page (gunicorn.util.write_error, same signature) in its workers."""
    import orjson
    from gunicorn import util

    from .errors import issue

    code = "exception" if status_int >= 500 else "too-long" if status_int in (413, 414, 431) else "invalid"
    text = f"{reason}: {mesg}" if mesg else reason
    body = orjson.dumps({"resourceType": "OperationOutcome", "issue": [issue("error", code, text)]})
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/fhir+json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


def _header_buffer(cfg: dict) -> int:
    """granian's read buffer per connection, which bounds the request line and headers (more: 431): room for the
    longest request line the HTTP server takes (64 KiB, longer: 414) and 32 KiB of headers."""
    return max(96 * 1024, int(cfg["MAX_URL_BYTES"]) + 32 * 1024)


def _gunicorn(app, cfg: dict, board: WorkerBoard, *, host: str, port: int, workers: int, threads: int,
              worker_class: str) -> None:
    from gunicorn.app.base import BaseApplication

    from .web.layers.metrics import worker_exited

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", worker_class)
            # as given: a stalled upload holds one of these threads until the body timeout (then 408); more threads
            # would make gunicorn hand every request to one worker (it accepts while it has free threads)
            self.cfg.set("threads", threads)
            self.cfg.set("preload_app", True)
            self.cfg.set("accesslog", None)
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", max(1, round(cfg["SHUTDOWN_TIMEOUT_SECONDS"])))
            self.cfg.set("limit_request_line", 8190)   # gunicorn's largest; longer: 414 (as an OperationOutcome)
            self.cfg.set("post_worker_init", _gunicorn_worker_init(board))
            self.cfg.set("child_exit", lambda _arbiter, worker: worker_exited(worker.pid))   # metrics bookkeeping

        def load(self):
            return app

    _Server().run()
