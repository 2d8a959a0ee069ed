"""Readiness (`/readyz`) beside liveness (`/healthz`): is the content loaded, are the workers up?

``WorkerBoard`` is created by service/serving.py in the parent process before the workers are forked; each
worker writes its pid into a free slot of the shared array when it starts (a respawned worker takes the slot of
the dead one), so any worker can tell how many of the expected workers are running. Without a board (the
development server, the Flask test client) the answering process is the only worker.
"""
from __future__ import annotations

import multiprocessing
import os


class WorkerBoard:
    def __init__(self, expected: int):
        self.expected = max(1, expected)
        self.pids = multiprocessing.RawArray("i", self.expected)   # shared with the forked workers
        self.lock = multiprocessing.Lock()

    def register(self, pid: int | None = None) -> None:
        """Called in a worker once it can serve: takes a slot that is empty or whose process is gone."""
        pid = pid or os.getpid()
        with self.lock:
            if pid in self.pids[:]:
                return
            for i, old in enumerate(self.pids):
                if old == 0 or not _alive(old):
                    self.pids[i] = pid
                    return

    def running(self) -> int:
        return sum(1 for pid in self.pids[:] if pid and _alive(pid))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:    # a zombie (exited, not yet reaped) is not running
            return fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


def report(state: dict) -> tuple[bool, dict]:
    """(ready, body) for /readyz from app.extensions["rrall"]."""
    reg = state["registry"]
    counts = {kind: len(reg.all(kind)) for kind in ("CodeSystem", "ValueSet", "ConceptMap")}
    board: WorkerBoard | None = state.get("workers")
    running, expected = (board.running(), board.expected) if board is not None else (1, 1)
    problems = []
    if not any(counts.values()):
        problems.append("no content is loaded")
    if running < expected:
        problems.append(f"{running} of {expected} workers are running")
    body = {"status": "ready" if not problems else "not ready", "content": counts,
            "workers": {"running": running, "expected": expected}}
    if problems:
        body["problems"] = problems
    return not problems, body
