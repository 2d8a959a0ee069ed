"""The bounded LRU of rendered responses."""
from __future__ import annotations

import threading

from service.lru import CachedResponse, LRUCache


def _resp(n: int, fill: bytes = b"x") -> CachedResponse:
    return CachedResponse(200, (("Content-Type", "application/fhir+json"),), fill * n)


def test_get_returns_what_was_put_and_counts_hits_and_misses():
    c = LRUCache(max_items=4)
    assert c.get("k") is None
    assert c.put("k", _resp(3))
    assert c.get("k") == _resp(3)
    assert (c.hits, c.misses) == (1, 1)


def test_least_recently_used_item_is_evicted_first():
    c = LRUCache(max_items=2)
    c.put("a", _resp(1))
    c.put("b", _resp(1))
    c.get("a")                 # a is now the most recent
    c.put("c", _resp(1))
    assert c.get("b") is None
    assert c.get("a") is not None and c.get("c") is not None
    assert len(c) == 2


def test_total_bytes_are_bounded():
    c = LRUCache(max_items=100, max_bytes=10, max_entry_bytes=10)
    c.put("a", _resp(4))
    c.put("b", _resp(4))
    c.put("c", _resp(4))       # 12 bytes > 10: a goes
    assert c.get("a") is None
    assert c.size_bytes == 8
    assert c.stats()["items"] == 2


def test_an_entry_larger_than_the_limit_is_not_stored():
    c = LRUCache(max_items=10, max_bytes=100, max_entry_bytes=5)
    assert not c.put("big", _resp(6))
    assert c.get("big") is None and c.size_bytes == 0


def test_replacing_a_key_keeps_the_byte_count_right():
    c = LRUCache(max_items=10, max_bytes=100)
    c.put("a", _resp(10))
    c.put("a", _resp(3))
    assert c.size_bytes == 3 and len(c) == 1


def test_a_zero_size_cache_stores_nothing():
    c = LRUCache(max_items=0)
    assert not c.enabled
    assert not c.put("a", _resp(1))
    assert c.get("a") is None


def test_clear_empties_the_cache():
    c = LRUCache()
    c.put("a", _resp(1))
    c.clear()
    assert len(c) == 0 and c.size_bytes == 0 and c.get("a") is None


def test_concurrent_puts_keep_the_bounds():
    c = LRUCache(max_items=50, max_bytes=10_000)

    def work(t):
        for i in range(500):
            c.put(f"{t}-{i}", _resp(i % 40 + 1))
            c.get(f"{t}-{i - 3}")
    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(c) <= 50
    assert c.size_bytes == sum(len(v.body) for v in c._data.values()) <= 10_000
