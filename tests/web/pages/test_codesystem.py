"""service.web.pages.codesystem: metadata, properties, and the hierarchy as a tree (several parents: under each)."""
from __future__ import annotations

import json
from pathlib import Path

from web.page_reader import page

REPO = Path(__file__).resolve().parents[3]


def _resource(cs_id: str) -> dict:
    return json.loads((REPO / "codesystems" / f"CodeSystem-{cs_id}.json").read_text(encoding="utf-8"))


def test_the_tree_shows_a_concept_under_each_of_its_parents(site):
    _r, p = page(site, "/r4/CodeSystem/rr-all-symptom")
    fatigue = p.hrefs("Fatigue")
    assert fatigue == ["/r4/CodeSystem/rr-all-symptom/concept/fatigue"] * 2   # under general symptom and anemia sign
    assert "(also under Sign of anemia)" in p.text and "(also under General symptom)" in p.text
    parents = {prop["valueCode"] for c in _resource("rr-all-symptom")["concept"] for prop in c.get("property", [])
               if prop["code"] == "parent"}
    assert p.html.count("<details") == len(parents) == p.html.count("<summary>") > 5   # one per concept with children
    assert "43 concepts." in p.text


def test_every_concept_of_the_code_system_is_in_the_tree(site):
    resource = _resource("rr-all-supportive-care")
    _r, p = page(site, "/r4/CodeSystem/rr-all-supportive-care")
    linked = {h.rsplit("/", 1)[-1] for h in p.hrefs() if "/concept/" in h}
    assert linked == {c["code"] for c in resource["concept"]}


def test_metadata_properties_and_links(site):
    _r, p = page(site, "/r5/CodeSystem/rr-all-relapse-timing")
    assert "threshold-months" in p.text and "Cut-off in months" in p.text   # a property and its description
    assert "Hierarchy meaning is-a" in p.text and "Case-sensitive codes yes" in p.text
    assert "/r5/ValueSet/rr-all-relapse-timing" in p.hrefs()
    assert "/r5/CodeSystem/rr-all-relapse-timing?_format=json" in p.hrefs("FHIR JSON")
    assert "/r4/CodeSystem/rr-all-relapse-timing" in p.hrefs("this page on FHIR R4")


def test_a_code_system_without_concepts_says_so(tmp_path):
    from service import create_app

    cs = {"resourceType": "CodeSystem", "id": "elsewhere", "url": "http://example.org/fhir/CodeSystem/elsewhere",
          "name": "Elsewhere", "status": "active", "content": "not-present"}
    (tmp_path / "CodeSystem-elsewhere.json").write_text(json.dumps(cs))
    _r, p = page(create_app({"CONTENT_DIRS": [str(tmp_path)]}).test_client(), "/r4/CodeSystem/elsewhere")
    assert "This server holds no concepts of this code system (content: not-present)." in p.text


def test_the_tree_is_bounded_and_survives_a_cycle(registry):
    from service.engine.codesystem import CodeSystemIndex
    from service.web.pages.codesystem import TreeBuilder

    class Links:
        def concept(self, rid, code):
            return f"/{rid}/{code}"

    cs = registry.by_id("CodeSystem", "animals")
    full = TreeBuilder(cs, Links(), "animals")
    roots = full.roots()
    assert [n.code for n in roots] == ["animal", "plant"] and not full.truncated
    assert full.count == cs.size
    small = TreeBuilder(cs, Links(), "animals", budget=3)
    small.roots()
    assert small.truncated and small.count == 3
    looped = CodeSystemIndex({"resourceType": "CodeSystem", "url": "http://x", "content": "complete", "concept": [
        {"code": "a", "property": [{"code": "parent", "valueCode": "b"}]},
        {"code": "b", "property": [{"code": "parent", "valueCode": "a"}]}, {"code": "r"}]})
    tree = TreeBuilder(looped, Links(), "x")
    assert [n.code for n in tree.roots()] == ["r"] and tree.count == 1   # a and b have parents, none is a root
