"""Load cache (content.py) and memoised expansions (engine/expansion_cache.py)."""
from __future__ import annotations

import json
import shutil

from helpers import FIXTURES, vs_url

from service.content import LoadCache, load_registry


def test_a_warm_load_skips_validation_and_indexing(tmp_path):
    cache = tmp_path / "cache"
    cold = load_registry([str(FIXTURES)], cache=LoadCache(cache))
    assert cold.load_stats["validated"] > 0 and cold.load_stats["index_built"] > 0
    warm = load_registry([str(FIXTURES)], cache=LoadCache(cache))
    assert warm.load_stats["validated"] == 0
    assert warm.load_stats["index_built"] == 0
    assert warm.load_stats["index_hits"] == cold.load_stats["index_built"]
    assert warm.content_hash == cold.content_hash
    a = cold.resolve("CodeSystem", "http://example.org/fhir/CodeSystem/animals")
    b = warm.resolve("CodeSystem", "http://example.org/fhir/CodeSystem/animals")
    assert [c.code for c in a.ordered] == [c.code for c in b.ordered]
    assert a.descendants("animal") == b.descendants("animal")
    assert b.resource == a.resource


def test_a_changed_file_is_validated_again(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES, content)
    cache = LoadCache(tmp_path / "cache")
    first = load_registry([str(content)], cache=cache)
    path = content / "CodeSystem-letters.json"
    data = json.loads(path.read_text())
    data["concept"].append({"code": "NEW", "display": "New"})
    path.write_text(json.dumps(data))
    again = load_registry([str(content)], cache=LoadCache(tmp_path / "cache"))
    assert again.load_stats["validated"] == 1 and again.load_stats["index_built"] == 1
    assert again.content_hash != first.content_hash
    assert again.resolve("CodeSystem", "http://example.org/fhir/CodeSystem/letters").locate("NEW") is not None


def test_invalid_content_is_never_marked_valid(tmp_path):
    import pytest
    from service.content import ContentError

    content = tmp_path / "content"
    content.mkdir()
    bad = json.loads((FIXTURES / "CodeSystem-letters.json").read_text())
    bad["caseSensitive"] = "maybe"
    (content / "CodeSystem-bad.json").write_text(json.dumps(bad))
    for _ in range(2):
        with pytest.raises(ContentError):
            load_registry([str(content)], cache=LoadCache(tmp_path / "cache"))


def test_the_cache_can_be_switched_off(tmp_path, monkeypatch):
    from service.content import cache_dir

    monkeypatch.setenv("RRALL_CACHE_DIR", "off")
    assert cache_dir() is None
    reg = load_registry([str(FIXTURES)], cache=LoadCache(None))
    assert reg.load_stats["validated"] > 0
    monkeypatch.setenv("RRALL_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path


def test_memoised_expansion_renders_the_same_as_a_fresh_one(registry, make_ctx):
    from service import operations as ops
    from service.engine import expansion_cache

    def run():
        params = {"url": [vs_url("no-birds")]}
        out = ops.expand(make_ctx(params), params)
        out["expansion"].pop("identifier")
        out["expansion"].pop("timestamp")
        return out
    expansion_cache.clear()
    fresh = run()
    cached = run()
    assert cached == fresh
    assert any(p["name"] == "used-codesystem" for p in cached["expansion"]["parameter"])


def test_inline_and_overlay_value_sets_are_not_memoised(registry, make_ctx):
    from service import operations as ops
    from service.engine import expansion_cache
    from helpers import load_fixture

    expansion_cache.clear()
    vs = load_fixture("ValueSet-pets.json")
    params = {"valueSet": [vs]}
    ops.expand(make_ctx(params), params)
    assert len(expansion_cache._cache) == 0
    params = {"url": [vs_url("pets")]}
    ops.expand(make_ctx(params), params)
    assert len(expansion_cache._cache) == 1


def test_prewarmed_expansions_are_pinned_and_survive_eviction(registry, make_ctx, monkeypatch):
    from service import operations as ops
    from service.engine import expansion_cache

    expansion_cache.clear()
    # animals-all is one whole code system: with a low threshold prewarm prepares it
    assert expansion_cache.prewarm(registry, max_expansion=1000, min_concepts=1) >= 1
    pinned = dict(expansion_cache._pinned)
    assert pinned and not expansion_cache._cache
    monkeypatch.setattr(expansion_cache, "MAX_ITEMS", 1)
    for vid in ("pets", "mammals", "no-birds"):   # more than MAX_ITEMS other expansions
        params = {"url": [vs_url(vid)]}
        ops.expand(make_ctx(params), params)
    assert len(expansion_cache._cache) == 1 and expansion_cache._pinned == pinned
    # and a request for the pinned one is answered from it (no new memo entry)
    params = {"url": [vs_url("animals-all")]}
    before = dict(expansion_cache._cache)
    ops.expand(make_ctx(params), params)
    assert expansion_cache._cache.keys() == before.keys()
    expansion_cache.clear()


def test_large_code_systems_keep_their_concepts_on_disk_only(monkeypatch, tmp_path):
    from helpers import ANIMALS, FIXTURES
    from service import content

    monkeypatch.setattr(content, "TRIM_MIN", 3)
    reg = content.load_registry([str(FIXTURES)], cache=content.LoadCache(None))
    cs = reg.resolve("CodeSystem", ANIMALS)
    assert cs.trimmed and "concept" not in cs.resource
    assert cs.locate("dog") is not None                      # the index still answers
    full = content.full_resource(cs)
    assert any(c["code"] == "animal" for c in full["concept"])
