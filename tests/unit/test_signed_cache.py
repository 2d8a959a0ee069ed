"""service.signed_cache and its users: cache entries are data this installation wrote, never code (issue #14,
defect 4: a crafted pickle in .cache/ ran a shell command at start-up; a valid pickle of the wrong type crashed
start-up with a traceback)."""
from __future__ import annotations

import os
import pickle

import pytest

from helpers import FIXTURES
from service import signed_cache
from service.content import LoadCache, load_registry
from service.engine.codesystem import CodeSystemIndex


class Boom:
    """Unpickling this runs os.system (what a crafted pickle does)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    monkeypatch.delenv("RRALL_CACHE_KEY", raising=False)
    monkeypatch.setenv("RRALL_CACHE_KEY_FILE", str(tmp_path / "key" / "cache-key"))


def cache_dir(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("RRALL_CACHE_DIR", str(root))
    return root


def test_entries_round_trip_and_the_key_is_made_once_outside_the_cache(tmp_path):
    store = signed_cache.SignedStore(tmp_path / "cache")
    assert store.enabled and store.store("x/a.pickle", {"a": [1, 2]})
    assert store.load("x/a.pickle", dict) == {"a": [1, 2]} and store.load("x/a.pickle", list) is None
    key_file = tmp_path / "key" / "cache-key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_bytes()) == 32
    store.write("x/b", pickle.dumps(CodeSystemIndex({"resourceType": "CodeSystem", "url": "http://x", "concept": [
        {"code": "a"}]})))
    assert isinstance(store.load("x/b", CodeSystemIndex), CodeSystemIndex)
    again = signed_cache.SignedStore(tmp_path / "cache")
    assert again.key == store.key and isinstance(again.load("x/b", CodeSystemIndex), CodeSystemIndex)


def test_a_crafted_pickle_in_the_cache_is_never_run(tmp_path, monkeypatch):
    root = cache_dir(tmp_path, monkeypatch)
    load_registry([str(FIXTURES)])                      # fills the cache
    marker = tmp_path / "pwned"
    entries = list((root / "index").iterdir())
    assert entries
    for entry in entries:                                # replaced by a payload that runs a command
        entry.write_bytes(pickle.dumps(Boom(marker)))
    reg = load_registry([str(FIXTURES)])
    assert not marker.exists()
    assert reg.load_stats["index_hits"] == 0 and reg.load_stats["index_built"] == len(entries)
    assert reg.load_stats["rejected"] == len(entries)
    assert load_registry([str(FIXTURES)]).load_stats["index_hits"] == len(entries)   # rebuilt and trusted again


def test_a_signed_entry_of_the_wrong_type_or_a_foreign_class_is_ignored(tmp_path, monkeypatch):
    root = cache_dir(tmp_path, monkeypatch)
    load_registry([str(FIXTURES)])
    store = signed_cache.SignedStore(root)
    entry = next((root / "index").iterdir())
    name = f"index/{entry.name}"
    store.write(name, pickle.dumps(["a list, not an index"]))
    assert store.load(name, CodeSystemIndex) is None
    marker = tmp_path / "pwned"
    store.write(name, pickle.dumps(Boom(marker)))        # even signed: os.system is not an allowed class
    assert store.load(name, CodeSystemIndex) is None and not marker.exists()
    reg = load_registry([str(FIXTURES)])                 # and start-up goes on: rebuilt
    assert reg.load_stats["index_built"] == 1 and not marker.exists()


def test_entries_from_another_installation_or_under_another_name_are_rebuilt(tmp_path, monkeypatch):
    root = cache_dir(tmp_path, monkeypatch)
    load_registry([str(FIXTURES)])
    monkeypatch.setenv("RRALL_CACHE_KEY", os.urandom(32).hex())   # another key: nothing verifies
    reg = load_registry([str(FIXTURES)])
    assert reg.load_stats["index_hits"] == 0 and reg.load_stats["validated"] > 0
    monkeypatch.delenv("RRALL_CACHE_KEY")
    entries = sorted((root / "index").iterdir())
    if len(entries) > 1:                                 # a valid entry copied over another one's name
        entries[0].write_bytes(entries[1].read_bytes())
        assert signed_cache.SignedStore(root).load(f"index/{entries[0].name}", CodeSystemIndex) is None


@pytest.mark.parametrize("damage", [b"", b"garbage", signed_cache.MAGIC, signed_cache.MAGIC + b"\0" * 40])
def test_truncated_or_corrupted_entries_are_not_fatal(tmp_path, monkeypatch, damage):
    root = cache_dir(tmp_path, monkeypatch)
    first = load_registry([str(FIXTURES)])
    for entry in (root / "index").iterdir():
        entry.write_bytes(damage)
    for marker in (root / "validated").iterdir():
        marker.write_bytes(damage)
    reg = load_registry([str(FIXTURES)])
    assert reg.load_stats["index_hits"] == 0 and reg.load_stats["validated"] == first.load_stats["validated"]


def test_planted_validation_markers_do_not_skip_validation(tmp_path, monkeypatch):
    root = cache_dir(tmp_path, monkeypatch)
    cache = LoadCache(root)
    key = cache.key(b"whatever")
    (root / "validated").mkdir(parents=True)
    (root / "validated" / key).write_bytes(b"")          # the old, unsigned marker format
    assert not cache.is_validated(key)
    cache.mark_validated(key)
    assert cache.is_validated(key)


def test_a_key_file_inside_the_cache_folder_turns_the_cache_off(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("RRALL_CACHE_KEY_FILE", str(root / "cache-key"))
    store = signed_cache.SignedStore(root)
    assert not store.enabled and store.load("a", object) is None and not store.write("a", b"x")


def test_the_package_cache_is_signed_too(tmp_path):
    from pkgfixture import make_package
    from service import packages

    tgz = make_package(tmp_path / "p.tgz")
    cache = tmp_path / "cache"
    assert not packages.load_package(tgz, cache).from_cache
    assert packages.load_package(tgz, cache).from_cache
    marker = tmp_path / "pwned"
    for entry in cache.glob("package-*"):
        entry.write_bytes(pickle.dumps(Boom(marker)))
    again = packages.load_package(tgz, cache)
    assert not again.from_cache and not marker.exists() and again.counts()["CodeSystem"] >= 1
