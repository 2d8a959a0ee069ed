"""The expansion memo: ``Expander.entries`` of stored value sets, computed once per application.

Expanding a value set that includes a whole large code system (ICD-10-CM: ~100k concepts) costs hundreds of
ms; the result depends only on the value set, the registry content and the walk's inputs, so it is computed
once and reused. Text filter, paging and rendering still run per request (``expansion_select``, ``expansion_render``); the cached list is
never mutated.

Only value sets served from the stored registry are memoised (no request overlay, no inline value set). The
key is (registry, value set, ``ctx.walk``): ``WalkInputs`` holds every request input the Expander reads, so the
key cannot miss one. The Expander's bookkeeping (used code systems, warnings, ...) is snapshotted with the
entries and restored on a hit, so the rendered output is identical.

One ``ExpansionMemo`` per application (created in ``create_app``, held in the app's state and handed to each
operation's context); ``prewarm`` fills it before a production server forks, and what it prepares is pinned
(shared by every worker, never evicted).
"""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from ..runtime import gc_paused
from .entry_spans import held
from .text_index import tag_whole_system

MAX_ITEMS = 256
MAX_ENTRIES = 400_000   # codes held across the evictable memoised expansions (ICD-10-CM alone is ~98k)
_SKIP_STATE = ("ctx", "registry")


class ExpansionMemo:
    def __init__(self, max_items: int = MAX_ITEMS, max_entries: int = MAX_ENTRIES):
        self.max_items, self.max_entries = max_items, max_entries
        self._cache: OrderedDict = OrderedDict()
        self._pinned: dict = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(expander, vs: dict):
        ctx = expander.ctx
        registry = ctx.registry
        if getattr(registry, "request_scope", False):
            return None                                      # a request-scoped overlay (tx-resource, inline)
        url = vs.get("url")
        if not url or registry.resolve("ValueSet", url, vs.get("version")) is not vs:
            return None                                      # inline or otherwise not the stored one
        return id(registry), id(vs), ctx.walk

    def entries(self, expander, vs: dict) -> list:
        """expander.entries(vs), memoised for stored value sets."""
        key = self.key(expander, vs)
        if key is None:
            return expander.entries(vs)
        registry = expander.ctx.registry
        with self._lock:
            hit = self._pinned.get(key) or self._cache.get(key)
            if hit is not None and key in self._cache:
                self._cache.move_to_end(key)
        if hit is not None and hit[0] is vs and hit[1] is registry:
            for name, value in hit[3].items():
                setattr(expander, name, copy.copy(value))
            return hit[2]
        result = expander.entries(vs)
        if isinstance(result, list):
            result = tag_whole_system(result)
        state = {k: copy.copy(v) for k, v in vars(expander).items() if k not in _SKIP_STATE}
        with self._lock:
            self._cache[key] = (vs, registry, result, state)
            # bounded in entries as well as in items, so repeated huge expansions cannot pile up
            while len(self._cache) > 1 and (len(self._cache) > self.max_items
                                            or sum(held(v[2]) for v in self._cache.values()) > self.max_entries):
                self._cache.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._pinned.clear()

    def prewarm(self, registry, *, max_walk: int = 1_000_000, min_concepts: int = 5000) -> int:
        """Memoise, ahead of requests, the stored value sets that are one whole large code system (e.g. all of
        ICD-10-CM): done before the workers fork, the entries are shared and no worker pays the first
        expansion. Returns how many were prepared."""
        with gc_paused():   # ~100k new objects at once
            return self._prewarm(registry, max_walk, min_concepts)

    def _prewarm(self, registry, max_walk: int, min_concepts: int) -> int:
        from ..errors import TerminologyError
        from .context import OpContext
        from .expand import Expander

        done = 0
        for vs in registry.all("ValueSet"):
            compose = vs.get("compose") or {}
            incs = compose.get("include", [])
            if (len(incs) != 1 or compose.get("exclude") or not incs[0].get("system")
                    or any(incs[0].get(k) for k in ("filter", "concept", "valueSet"))):
                continue
            cs = registry.resolve("CodeSystem", incs[0]["system"], incs[0].get("version"))
            if cs is None or cs.size < min_concepts:
                continue
            # the same walk inputs as a plain request, or the keys would never match
            expander = Expander(OpContext(registry, max_walk=max_walk, memo=self))
            try:
                self.entries(expander, vs)
            except TerminologyError:
                continue
            key = self.key(expander, vs)
            with self._lock:
                if key in self._cache:
                    self._pinned[key] = self._cache.pop(key)
            done += 1
        return done


def entries(expander, vs: dict) -> list:
    """The value set's entries through the context's memo (plainly when the context has none)."""
    memo = getattr(expander.ctx, "memo", None)
    return memo.entries(expander, vs) if memo is not None else expander.entries(vs)
