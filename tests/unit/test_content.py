"""service.content: loading content folders into the registry, the load cache (warm loads skip validation and
indexing), large code systems kept on disk."""
from __future__ import annotations

import json
import shutil

from helpers import FIXTURES

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
