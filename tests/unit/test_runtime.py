"""service.runtime: GC pause, atomic writes, source hashes."""
from __future__ import annotations

import gc

from service import runtime


def test_gc_paused_restores_the_previous_state():
    assert gc.isenabled()
    with runtime.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_atomic_write_creates_parents_and_reports_failure(tmp_path):
    target = tmp_path / "a" / "b" / "file.bin"
    assert runtime.atomic_write(target, b"data") and target.read_bytes() == b"data"
    assert not list(target.parent.glob("*.tmp"))
    blocker = tmp_path / "plain-file"
    blocker.write_text("x")
    assert runtime.atomic_write(blocker / "below" / "f", b"x") is False


def test_source_hash_depends_on_salt_and_files():
    a = runtime.source_hash(("runtime.py",))
    assert a == runtime.source_hash(("runtime.py",))
    assert a != runtime.source_hash(("runtime.py",), salt="other")
    assert a != runtime.source_hash(("runtime.py", "cache.py"))
    assert len(runtime.source_hash(("*.py",))) == 16
