"""service.capabilities: the CapabilityStatement and TerminologyCapabilities, built from the registry."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, LETTERS, SUPPLEMENT, VERSIONED
from service import capabilities as C
from service.engine.filters import SUPPORTED_OPS
from service.engine.registry import Registry

CFG = {"SOFTWARE_VERSION": "9.8.7"}


@pytest.mark.parametrize("fhir,version", [("R4", "4.0.1"), ("R5", "5.0.0")])
def test_the_capability_statement_is_for_this_endpoint_and_release(fhir, version):
    cs = C.capability_statement(fhir, CFG, "http://h/r4")
    assert cs["fhirVersion"] == version and cs["url"] == "http://h/r4/metadata"
    assert cs["implementation"]["url"] == "http://h/r4"
    assert cs["version"] == cs["software"]["version"] == "9.8.7"
    assert cs["kind"] == "instance" and cs["status"] == "active"
    assert "http://hl7.org/fhir/CapabilityStatement/terminology-server" in cs["instantiates"]


def test_every_resource_lists_its_operations_with_their_definitions():
    rest = C.capability_statement("R5", CFG, "http://h/r5")["rest"][0]
    by_type = {r["type"]: r for r in rest["resource"]}
    assert list(by_type) == ["CodeSystem", "ValueSet", "ConceptMap"]
    for rtype, ops in C.RESOURCE_OPS.items():
        listed = {o["name"]: o["definition"] for o in by_type[rtype]["operation"]}
        for name, definition in ops:
            assert listed[name] == C.OPDEF + definition
        assert listed["validate"] == C.OPDEF + "Resource-validate"
        assert [p["name"] for p in by_type[rtype]["searchParam"]] == [n for n, _t in C.SEARCH_PARAMS]
    assert {o["name"] for o in rest["operation"]} == {"versions", "validate", "package"}


def test_terminology_capabilities_list_code_systems_not_supplements(registry):
    tc = C.terminology_capabilities("R4", CFG, registry, "http://h/r4")
    uris = [c["uri"] for c in tc["codeSystem"]]
    assert uris == sorted(uris) and SUPPLEMENT not in uris and {ANIMALS, LETTERS, VERSIONED} <= set(uris)
    assert tc["url"] == "http://h/r4/metadata?mode=terminology"
    assert [p["name"] for p in tc["expansion"]["parameter"]] == C.EXPANSION_PARAMS


def test_each_version_says_whether_it_is_the_default_its_filters_and_properties(registry):
    tc = C.terminology_capabilities("R5", CFG, registry, "http://h/r5")
    versioned = next(c for c in tc["codeSystem"] if c["uri"] == VERSIONED)
    assert [v["isDefault"] for v in versioned["version"]].count(True) == 1
    assert next(v for v in versioned["version"] if v["isDefault"])["code"] == "1.10.0"
    animals = next(c for c in tc["codeSystem"] if c["uri"] == ANIMALS)["version"][0]
    assert animals["filter"] == [{"code": "concept", "op": list(SUPPORTED_OPS)}]
    assert {"colour", "legs"} <= set(animals["property"])
    letters = next(c for c in tc["codeSystem"] if c["uri"] == LETTERS)["version"][0]
    assert "property" not in letters                       # no properties declared: none listed


def test_content_is_the_most_complete_of_the_loaded_versions():
    reg = Registry()
    for version, content in (("1", "fragment"), ("2", "complete"), ("3", "example")):
        reg.add({"resourceType": "CodeSystem", "url": "http://x/cs", "version": version, "status": "active",
                 "content": content, "concept": [{"code": "a"}]})
    reg.add({"resourceType": "CodeSystem", "url": "http://x/frag", "status": "active", "content": "fragment",
             "concept": [{"code": "a"}]})
    content = {c["uri"]: c["content"] for c in C.terminology_capabilities("R5", CFG, reg, "b")["codeSystem"]}
    assert content == {"http://x/cs": "complete", "http://x/frag": "fragment"}
