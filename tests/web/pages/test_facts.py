"""service.web.pages.facts: source document titles and system labels from project.yaml, the map index, and
memberships asked of the engine (remembered per concept)."""
from __future__ import annotations

from pathlib import Path

from helpers import content_version

REPO = Path(__file__).resolve().parents[3]


def test_titles_and_labels_come_from_project_yaml():
    from service.web.pages.facts import read_project

    project = read_project(REPO / "content" / "project.yaml")
    assert project["titles"]["003_859351e8ceea3ab9.txt"] == "Leukaemia Care (UK charity), document 003"
    assert len(project["titles"]) == 5
    assert project["labels"]["http://hl7.org/fhir/sid/icd-10-cm"] == "ICD-10-CM"
    assert project["labels"]["http://snomed.info/sct"] == "SNOMED CT"


def test_a_missing_or_broken_project_file_means_file_names(tmp_path):
    from service.web.pages.facts import read_project

    assert read_project(tmp_path / "nope.yaml") == {"titles": {}, "labels": {}}
    bad = tmp_path / "bad.yaml"
    bad.write_text("seeds: [unclosed\n")
    assert read_project(bad) == {"titles": {}, "labels": {}}
    odd = tmp_path / "odd.yaml"
    odd.write_text("- a list\n")
    assert read_project(odd) == {"titles": {}, "labels": {}}


def test_the_map_index_is_keyed_by_system_without_version(own_site):
    from service.web.pages.facts import maps_for

    svc = own_site.application.extensions["rrall"]["service"]
    hits = maps_for(svc, "http://terminology.rr-all.org/fhir/CodeSystem/rr-all-symptom", "anaemia")
    assert {(h.target_system, h.target["code"]) for h in hits} >= {
        ("http://hl7.org/fhir/sid/icd-10-cm", "D64.9"), ("http://snomed.info/sct", "271737000")}
    assert {h.map_id for h in hits} >= {"rr-all-to-icd10cm", "rr-all-to-snomedct", "rr-all-to-ncit"}
    assert maps_for(svc, "http://terminology.rr-all.org/fhir/CodeSystem/rr-all-symptom", "no-such") == []


def test_memberships_are_remembered_per_concept(own_site):
    from service.web.pages.facts import containing_value_sets

    svc = own_site.application.extensions["rrall"]["service"]

    class Req:
        environ: dict = {}

        def header(self, name, default=None):
            return default

    system = "http://terminology.rr-all.org/fhir/CodeSystem/rr-all-relapse-site"
    first = containing_value_sets(svc, Req(), system, content_version(), "isolated-cns-relapse")
    assert {vs["id"] for vs in first} >= {"rr-all-relapse-sites", "rr-all-relapse-site", "rr-all-all-concepts"}
    hits_before = svc.caches.memberships.hits
    assert containing_value_sets(svc, Req(), system, content_version(), "isolated-cns-relapse") == first
    assert svc.caches.memberships.hits == hits_before + 1


def test_may_hold_skips_value_sets_of_other_systems():
    from service.web.pages.facts import _may_hold

    assert _may_hold({"compose": {"include": [{"system": "a"}]}}, "a")
    assert not _may_hold({"compose": {"include": [{"system": "b"}]}}, "a")
    assert _may_hold({"compose": {"include": [{"valueSet": ["x"]}]}}, "a")   # an import may hold anything
    assert _may_hold({"expansion": {}}, "a")                                  # no compose: ask the engine
