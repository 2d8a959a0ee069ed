"""A bounded, thread-safe LRU (items and bytes): rendered responses (web.layers.ResponseCache), validated
request resources and request CodeSystem indexes (web.service.Caches).

Bounded by item count and by total body bytes; an entry larger than ``max_entry_bytes`` is not
stored. Each worker holds its own (nothing shared, nothing to invalidate: the content is immutable for the
life of the process and the registry content hash is in every response key).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class LRUCache:
    def __init__(self, max_items: int = 2048, max_bytes: int = 64 * 1024 * 1024,
                 max_entry_bytes: int = 2 * 1024 * 1024):
        self.max_items = max(0, int(max_items))
        self.max_bytes = max(0, int(max_bytes))
        self.max_entry_bytes = max_entry_bytes
        self._data: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_items > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    @staticmethod
    def _weight(value) -> int:
        return len(value.body) if isinstance(value, CachedResponse) else len(value) if isinstance(
            value, (bytes, bytearray, str)) else 1

    def get(self, key):
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key, value) -> bool:
        """Store value under key; False when it is too large (or the cache is off)."""
        weight = self._weight(value)
        if not self.enabled or weight > min(self.max_entry_bytes, self.max_bytes):
            return False
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= self._weight(old)
            self._data[key] = value
            self._bytes += weight
            while self._data and (len(self._data) > self.max_items or self._bytes > self.max_bytes):
                _k, evicted = self._data.popitem(last=False)
                self._bytes -= self._weight(evicted)
        return True

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def stats(self) -> dict:
        return {"items": len(self._data), "bytes": self._bytes, "hits": self.hits, "misses": self.misses,
                "max_items": self.max_items, "max_bytes": self.max_bytes}
