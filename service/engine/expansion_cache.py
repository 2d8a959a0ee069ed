"""Memoised ``Expander.entries`` for stored value sets (the expensive, request-independent part of $expand).

Expanding a value set that includes a whole large code system (ICD-10-CM: ~100k concepts)
costs hundreds of ms; the result depends only on the value set, the registry content and the
version parameters, so it is computed once per worker and reused. Text filter, paging and
rendering still run per request (``accumulator``); the cached list is never mutated.

Only value sets served from the stored registry are cached (no tx-resource overlay, no inline
value set), keyed by the value set and registry objects (held, so ids cannot be reused) and every
context input the Expander reads. The
Expander's bookkeeping (used code systems, warnings, ...) is snapshotted with the entries and
restored on a hit, so the rendered output is identical.
"""
from __future__ import annotations

import copy
import threading
from collections import OrderedDict

from ..runtime import gc_paused
from .text_index import tag_whole_system

MAX_ITEMS = 256
MAX_ENTRIES = 400_000   # codes held across the evictable memoised expansions (ICD-10-CM alone is ~98k)
_cache: OrderedDict = OrderedDict()
# prepared before the fork (prewarm): shared with every worker, never evicted (evicting would only make a
# worker rebuild a private copy of the same entries, at ~0.6 s for ICD-10-CM)
_pinned: dict = {}
_lock = threading.Lock()
_SKIP_STATE = ("ctx", "registry")


def _key(expander, vs: dict):
    ctx = expander.ctx
    registry = ctx.registry
    params = ctx.params
    if params.get("tx-resource") or any(isinstance(r, dict) for name in ("valueSet", "codeSystem")
                                        for r in params.get(name, [])):
        return None                                          # a request-scoped overlay (operations.make_context)
    url = vs.get("url")
    if not url or registry.resolve("ValueSet", url, vs.get("version")) is not vs:
        return None                                          # inline or otherwise not the stored one
    return (id(registry), id(vs), ctx.max_expansion,
            tuple(sorted(ctx.force_version.items())), tuple(sorted(ctx.system_version.items())),
            tuple(sorted(ctx.check_version.items())), tuple(sorted(ctx.valueset_version.items())),
            tuple(map(str, ctx.params.get("versionsMatch", []))), getattr(ctx, "max_walk", None))


def entries(expander, vs: dict) -> list:
    """expander.entries(vs), memoised for stored value sets."""
    key = _key(expander, vs)
    if key is None:
        return expander.entries(vs)
    registry = expander.ctx.registry
    with _lock:
        hit = _pinned.get(key) or _cache.get(key)
        if hit is not None and key in _cache:
            _cache.move_to_end(key)
    if hit is not None and hit[0] is vs and hit[1] is registry:
        _vs, _reg, result, state = hit
        for name, value in state.items():
            setattr(expander, name, copy.copy(value))
        return result
    result = tag_whole_system(expander.entries(vs))
    state = {k: copy.copy(v) for k, v in vars(expander).items() if k not in _SKIP_STATE}
    with _lock:
        _cache[key] = (vs, expander.ctx.registry, result, state)
        # bounded in entries as well as in items, so repeated huge expansions cannot pile up
        while len(_cache) > 1 and (len(_cache) > MAX_ITEMS
                                   or sum(len(v[2]) for v in _cache.values()) > MAX_ENTRIES):
            _cache.popitem(last=False)
    return result


def clear() -> None:
    with _lock:
        _cache.clear()
        _pinned.clear()


def prewarm(registry, *, max_expansion: int, max_walk: int = 1_000_000, min_concepts: int = 5000) -> int:
    """Memoise, ahead of requests, the stored value sets that are one whole large code system
    (e.g. all of ICD-10-CM): done before gunicorn forks, the entries are shared by the workers and
    no worker pays the first expansion. Returns how many were prepared."""
    with gc_paused():   # ~100k new objects at once
        return _prewarm(registry, max_expansion, max_walk, min_concepts)


def _prewarm(registry, max_expansion: int, max_walk: int, min_concepts: int) -> int:
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
        if cs is None or len(getattr(cs, "ordered", ())) < min_concepts:
            continue
        # the same limits as requests (operations.make_context), or the memo keys would never match
        expander = Expander(OpContext(registry, params={}, max_expansion=max_expansion, max_walk=max_walk))
        try:
            entries(expander, vs)
        except TerminologyError:
            continue
        key = _key(expander, vs)
        with _lock:
            if key in _cache:
                _pinned[key] = _cache.pop(key)
        done += 1
    return done
