"""service.engine.codesystem: the provider over CodeSystem resources (no HTTP)."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, load_fixture
from service.engine.codesystem import CodeSystemIndex


@pytest.fixture(scope="module")
def animals() -> CodeSystemIndex:
    return CodeSystemIndex(load_fixture("CodeSystem-animals.json"))


@pytest.fixture(scope="module")
def letters() -> CodeSystemIndex:
    return CodeSystemIndex(load_fixture("CodeSystem-letters.json"))


def test_header_fields(animals):
    assert animals.url == ANIMALS
    assert animals.version == "1.0.0"
    assert animals.canonical == f"{ANIMALS}|1.0.0"
    assert animals.case_sensitive is True
    assert animals.language == "en"
    assert set(animals.property_defs) == {"notSelectable", "status", "colour", "legs"}


def test_locate_nested_concept_with_display_definition_designations(animals):
    dog = animals.locate("dog")
    assert dog is not None and dog.code == "dog"
    assert dog.display == "Dog"
    assert dog.definition.startswith("A domesticated")
    assert {d["language"]: d["value"] for d in dog.designations}["de"] == "Hund"
    assert dog.property_values("colour") == ["brown"]
    assert dog.property_values("legs") == [4]


def test_locate_unknown_and_case_sensitive(animals):
    assert animals.locate("unicorn") is None
    assert animals.locate("DOG") is None  # case-sensitive system


def test_locate_case_insensitive_returns_canonical_code(letters):
    assert letters.case_sensitive is False
    hit = letters.locate("abc")
    assert hit is not None and hit.code == "ABC"
    assert letters.locate("XYZ").code == "Xyz"
    assert letters.locate("nope") is None


def test_concept_order_and_roots(animals):
    assert [c.code for c in animals.ordered][:3] == ["animal", "mammal", "dog"]
    assert animals.roots == ["animal", "plant"]
    assert len(animals.concepts) == 11


def test_children_and_parents(animals):
    assert animals.locate("mammal").children == ["dog", "cat"]
    assert animals.locate("parrot").parents == ["bird"]
    assert animals.locate("animal").parents == []


def test_descendants_are_transitive_and_exclude_self(animals):
    assert animals.descendants("animal") == frozenset({"mammal", "dog", "cat", "bird", "parrot", "dodo"})
    assert animals.descendants("bird") == frozenset({"parrot", "dodo"})
    assert animals.descendants("dog") == frozenset()
    assert animals.descendants("unknown") == frozenset()


def test_ancestors(animals):
    assert animals.ancestors("oak") == {"tree", "plant"}
    assert animals.ancestors("dog") == {"mammal", "animal"}
    assert animals.ancestors("animal") == set()


@pytest.mark.parametrize("a,b,expected", [
    ("animal", "dog", True), ("mammal", "cat", True), ("dog", "dog", True),
    ("dog", "animal", False), ("bird", "dog", False), ("plant", "oak", True)])
def test_subsumes(animals, a, b, expected):
    assert animals.subsumes(a, b) is expected


def test_inactive_from_status_property(animals):
    dodo = animals.locate("dodo")
    assert dodo.inactive is True and animals.is_inactive(dodo)
    assert dodo.status == "retired"
    assert animals.locate("parrot").inactive is False


def test_abstract_from_not_selectable(animals):
    assert animals.locate("animal").abstract is True
    assert animals.locate("mammal").abstract is True
    assert animals.locate("dog").abstract is False


def test_not_selectable_declared_under_another_code_via_uri():
    cs = CodeSystemIndex({
        "resourceType": "CodeSystem", "url": "http://x/cs", "content": "complete",
        "property": [{"code": "abstractish", "uri": "http://hl7.org/fhir/concept-properties#notSelectable",
                      "type": "boolean"}],
        "concept": [{"code": "g", "property": [{"code": "abstractish", "valueBoolean": True}]}, {"code": "h"}]})
    assert cs.locate("g").abstract is True
    assert cs.locate("h").abstract is False


def test_parent_property_links_hierarchy():
    cs = CodeSystemIndex({
        "resourceType": "CodeSystem", "url": "http://x/flat", "content": "complete",
        "concept": [{"code": "p"}, {"code": "c", "property": [{"code": "parent", "valueCode": "p"}]}]})
    assert cs.locate("p").children == ["c"]
    assert cs.subsumes("p", "c")


def test_descendants_survive_a_cycle():
    cs = CodeSystemIndex({
        "resourceType": "CodeSystem", "url": "http://x/cyc", "content": "complete",
        "concept": [{"code": "a", "property": [{"code": "parent", "valueCode": "b"}]},
                    {"code": "b", "property": [{"code": "parent", "valueCode": "a"}]}]})
    assert cs.descendants("a") == frozenset({"b"})
    assert cs.ancestors("a") == {"b"}


def test_scale_surface_by_position(animals, letters):
    """The provider protocol's positions (Concept.order) and RangeSets, as CompactCodeSystem offers them."""
    from service.engine.provider import CodeSystemProvider
    from service.engine.rangeset import RangeSet
    assert isinstance(animals, CodeSystemProvider)
    dog, mammal, animal = (animals.index_of(c) for c in ("dog", "mammal", "animal"))
    assert animals.code_at(dog) == "dog" and animals.index_of("nope") is None
    assert letters.index_of("abc") == 0 and letters.index_of("abc", exact=True) is None
    assert animals.reach(mammal) == RangeSet.from_ids(animals.index_of(c) for c in ("mammal", "dog", "cat"))
    assert animals.reach(mammal) is animals.reach(mammal)                       # cached
    assert animals.is_descendant_or_self(dog, animal) and animals.is_descendant_or_self(dog, dog)
    assert not animals.is_descendant_or_self(mammal, dog)
    assert animals.parent_ids(dog) == [mammal] and dog in animals.child_ids(mammal)
    assert animals.ancestor_ids(dog) == {mammal, animal}
    assert animals.inactive_ids() == RangeSet.from_ids([animals.index_of("dodo")])
    assert animals.all_ids(active_only=True) == animals.all_ids() - animals.inactive_ids()
    assert animals.abstract_ids() == RangeSet.from_ids([animal, mammal])
    assert [animals.code_at(i) for i in animals.all_ids() - animals.linked_ids("par")] == animals.roots
    assert animals.refset_members("x") is None and animals.with_property("colour", bool) is None
    assert animals.refset_codes == ()
