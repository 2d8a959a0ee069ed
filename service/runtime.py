"""Small process-level helpers shared by the loaders and caches (no Flask, no FHIR)."""
from __future__ import annotations

import functools
import gc
import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

SERVICE_DIR = Path(__file__).resolve().parent


@contextmanager
def gc_paused():
    """Suspend the cyclic garbage collector while building or unpickling many small objects
    (it would rescan them again and again); restores the previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def atomic_write(path: Path, data: bytes) -> bool:
    """Write via a temporary file and rename, so readers never see half a file; False on OSError
    (a read-only or full disk: callers then simply run without their cache)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return True
    except OSError:
        return False


def source_hash(relative_paths, *, salt: str = "") -> str:
    """A short hash of some of the service's source files (paths relative to service/, globs allowed):
    caches built by that code are invalid once it changes."""
    h = hashlib.sha256(salt.encode())
    for rel in relative_paths:
        for path in sorted(SERVICE_DIR.glob(rel)) if any(c in rel for c in "*?[") else [SERVICE_DIR / rel]:
            try:
                h.update(path.read_bytes())
            except OSError:
                h.update(str(rel).encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=64)
def _file_sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_sha256(path) -> str:
    """sha256 of a file's bytes (remembered while its size and mtime stay the same)."""
    st = os.stat(path)
    return _file_sha256_cached(str(path), st.st_size, st.st_mtime_ns)
