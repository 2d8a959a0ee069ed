"""service.engine.expansion_memo: the application's memo of compose walks."""
from __future__ import annotations

import dataclasses

from helpers import load_fixture, vs_url
from service.engine.expand import Expander
from service.engine.expansion_memo import ExpansionMemo
from service.engine.requests import VersionChoices


def _without_volatile(out):
    out["expansion"].pop("identifier")
    out["expansion"].pop("timestamp")
    return out


def test_memoised_expansion_renders_the_same_as_a_fresh_one(run_expand):
    memo = ExpansionMemo()
    fresh = _without_volatile(run_expand({"url": [vs_url("no-birds")]}, memo))
    cached = _without_volatile(run_expand({"url": [vs_url("no-birds")]}, memo))
    assert len(memo._cache) == 1
    assert cached == fresh
    assert any(p["name"] == "used-codesystem" for p in cached["expansion"]["parameter"])


def test_inline_and_overlay_value_sets_are_not_memoised(run_expand):
    memo = ExpansionMemo()
    run_expand({"valueSet": [load_fixture("ValueSet-pets.json")]}, memo)
    assert len(memo._cache) == 0
    run_expand({"url": [vs_url("pets")], "tx-resource": [load_fixture("CodeSystem-letters.json")]}, memo)
    assert len(memo._cache) == 0
    run_expand({"url": [vs_url("pets")]}, memo)
    assert len(memo._cache) == 1


def test_the_key_is_the_walks_inputs(make_ctx, registry):
    """Every request input the walk reads is in WalkInputs, so two requests differing in one of them never
    share an entry (versionsMatch was once missing from a hand-made key)."""
    vs = registry.by_id("ValueSet", "pets")
    plain = ExpansionMemo.key(Expander(make_ctx()), vs)
    matched = ExpansionMemo.key(Expander(make_ctx(params={"versionsMatch": ["true"]})), vs)
    pinned = ExpansionMemo.key(Expander(make_ctx(params={"system-version": ["http://x|1"]})), vs)
    assert len({plain, matched, pinned}) == 3
    assert plain[2].versions == VersionChoices()
    assert dataclasses.fields(plain[2])   # a frozen dataclass: hashable by value
    assert ExpansionMemo.key(Expander(make_ctx()), vs) == plain


def test_prewarmed_expansions_are_pinned_and_survive_eviction(registry, run_expand):
    memo = ExpansionMemo(max_items=1)
    # animals-all is one whole code system: with a low threshold prewarm prepares it
    assert memo.prewarm(registry, min_concepts=1) >= 1
    pinned = dict(memo._pinned)
    assert pinned and not memo._cache
    for vid in ("pets", "mammals", "no-birds"):   # more than max_items other expansions
        run_expand({"url": [vs_url(vid)]}, memo)
    assert len(memo._cache) == 1 and memo._pinned == pinned
    before = dict(memo._cache)
    run_expand({"url": [vs_url("animals-all")]}, memo)   # answered from the pinned entry
    assert memo._cache.keys() == before.keys()
