"""Implicit value sets (service.engine.implicit) and their resolution in Registry.resolve."""
from __future__ import annotations

import pytest

from rf2_fixture import IDS, import_fixture
from service.engine.implicit import is_implicit, valueset
from service.engine.registry import Registry
from service.engine.versions import split_canonical

SCT = "http://snomed.info/sct"
VERSION = "http://snomed.info/sct/29999999105/version/20240301"


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    cs = import_fixture(tmp_path_factory.mktemp("shapes"))[0]
    r = Registry()
    r.add(cs.metadata, index=cs)
    r.add({"resourceType": "ValueSet", "url": f"{SCT}?fhir_vs=isa/{IDS['T']}", "status": "active",
           "compose": {"include": [{"system": "http://example.org/stored"}]}})
    return r


def _include(vs):
    return vs["compose"]["include"][0]


def test_snomed_forms(reg):
    assert _include(valueset(f"{SCT}?fhir_vs", reg)) == {"system": SCT}
    assert _include(valueset(f"{SCT}?fhir_vs=isa/{IDS['Q']}", reg))["filter"] == [
        {"property": "concept", "op": "is-a", "value": IDS["Q"]}]
    assert _include(valueset(f"{SCT}?fhir_vs=refset/{IDS['RS']}", reg))["filter"] == [
        {"property": "concept", "op": "in", "value": IDS["RS"]}]
    assert _include(valueset(f"{SCT}?fhir_vs=refset", reg))["concept"] == [{"code": IDS["RS"]}]
    ecl = _include(valueset(f"{SCT}?fhir_vs=ecl/%3C%3C%20{IDS['Q']}%20%7CQuad%7C", reg))
    assert ecl["filter"] == [{"property": "constraint", "op": "=", "value": f"<< {IDS['Q']} |Quad|"}]


def test_edition_and_version_in_the_path(reg):
    assert _include(valueset(f"{SCT}/29999999105/version/20240301?fhir_vs", reg))["version"] == VERSION
    assert _include(valueset(f"{SCT}/29999999105?fhir_vs", reg))["version"] == VERSION   # the module's latest
    assert valueset(f"{SCT}/29999999105/version/20990101?fhir_vs", reg) is None
    assert valueset(f"{SCT}/11111111?fhir_vs", reg) is None


def test_what_is_not_an_implicit_value_set(reg):
    for url in (f"{SCT}?fhir_vs=isa", f"{SCT}?fhir_vs=unknown/1", f"{SCT}?fhir_cm=1", "http://loinc.org/vs/LP1",
                "http://example.org/vs"):
        assert valueset(url, reg) is None
    assert valueset("http://loinc.org/vs", reg) is None            # no LOINC loaded
    assert not is_implicit("http://example.org/vs") and is_implicit("http://loinc.org/vs")


def test_registry_resolves_implicit_urls_once_and_stored_ones_first(reg):
    url = f"{SCT}?fhir_vs=isa/{IDS['Q']}"
    vs = reg.resolve("ValueSet", url)
    assert vs is reg.resolve("ValueSet", url) and vs["url"] == url          # one object: memo keys stay stable
    stored = reg.resolve("ValueSet", f"{SCT}?fhir_vs=isa/{IDS['T']}")
    assert _include(stored) == {"system": "http://example.org/stored"}
    layer = reg.overlay([{"resourceType": "ValueSet", "url": "http://example.org/x", "status": "active"}])
    assert layer.resolve("ValueSet", url) is vs                             # a request layer asks the server's
    assert reg.resolve("ValueSet", url, "1.0") is None                      # implicit value sets have no version


def test_ecl_pipes_are_not_a_version_separator():
    url = f"{SCT}?fhir_vs=ecl/<< 1 |Term|"
    assert split_canonical(url) == (url, None)
    assert split_canonical("http://example.org/vs|2") == ("http://example.org/vs", "2")
