"""Production WSGI servers for `rrall-tx serve`: granian (default) or gunicorn.

Both get the application already built: content is loaded once in the parent process, then the objects are
frozen out of the cyclic GC's view (gc.freeze) and the workers are forked, so they share the loaded
indexes copy-on-write instead of each loading and holding its own copy. docs/performance.md has the
measurements behind the default (granian was 3-5x gunicorn's throughput on the same machine and content).
"""
from __future__ import annotations

import gc
import multiprocessing

SERVERS = ("granian", "gunicorn")


def run(app, *, server: str, host: str, port: int, workers: int, threads: int, worker_class: str) -> None:
    gc.freeze()   # loaded objects leave the GC's view: forked workers do not copy their pages by scanning them
    if server == "granian":
        _granian(app, host=host, port=port, workers=workers, threads=threads)
    else:
        _gunicorn(app, host=host, port=port, workers=workers, threads=threads, worker_class=worker_class)


def _granian(app, *, host: str, port: int, workers: int, threads: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    # workers must be forked (the Linux default for Python < 3.14), so that they inherit the built app
    method = multiprocessing.get_start_method(allow_none=True)
    if method is None:
        multiprocessing.set_start_method("fork")
    elif method != "fork":
        raise RuntimeError(f"granian workers must be forked from the loaded app, but the multiprocessing start "
                           f"method is already '{method}': use --server gunicorn")
    server = Granian("rrall", address=host, port=port, interface=Interfaces.WSGI, workers=workers,
                     blocking_threads=threads, websockets=False, log_access=False,
                     respawn_failed_workers=True,   # a worker killed (e.g. out of memory) is replaced, as gunicorn does
                     workers_kill_timeout=30)       # a stuck worker cannot hold up a shutdown or reload forever
    server.serve(target_loader=lambda _target: app)


def _gunicorn(app, *, host: str, port: int, workers: int, threads: int, worker_class: str) -> None:
    from gunicorn.app.base import BaseApplication

    from .edge.metrics import worker_exited

    class _Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", worker_class)
            self.cfg.set("threads", threads)
            self.cfg.set("preload_app", True)
            self.cfg.set("accesslog", None)
            self.cfg.set("timeout", 60)
            self.cfg.set("child_exit", lambda _arbiter, worker: worker_exited(worker.pid))   # metrics bookkeeping

        def load(self):
            return app

    _Server().run()
