"""service.selfcheck.invariants (run through selfcheck.run): the checks hold on our content and the core
package, and each one can fail."""
from __future__ import annotations

import random

import pytest

from helpers import CORE
from service import selfcheck
from pkgfixture import make_package
from service.engine.membership import Membership
from service.engine.status_checks import canonical as _canonical
from service.selfcheck.invariants import VALIDATOR_BLIND_SPOT, r4_round_trip
from service.selfcheck.runner import Report


@pytest.fixture(scope="module")
def full_registry(tmp_path_factory):
    from service import config, packages
    from service.content import load_registry

    cfg = config.load({})
    reg, _ = packages.install(load_registry(cfg["CONTENT_DIRS"]), [str(CORE)],
                              str(tmp_path_factory.mktemp("cache")))
    return reg


def test_our_content_and_the_core_package_are_consistent(full_registry):
    from service import config

    published = selfcheck.originals(config.load({})["CONTENT_DIRS"], [str(CORE)])
    report = selfcheck.run(full_registry, {}, limit=15, seed=1, published=published)
    assert report.ok, "\n".join(report.lines())
    names = set(report.invariants)
    assert {"expansion-members-validate", "non-members-invalid", "subsumes-matches-is-a", "r4-shape",
            "translate-matches-map"} <= names
    assert all(inv.checked > 0 for inv in report.invariants.values())
    assert report.resources["ValueSet"] > 1000


def test_the_check_finds_a_membership_that_is_too_wide(registry, monkeypatch):
    """The check can fail: a membership that admits every code of a code system is caught."""
    original = Membership.contains

    def too_wide(self, vs, system, code, cs_for, stack=()):
        hit = original(self, vs, system, code, cs_for, stack)
        if hit is None:
            cs = cs_for(system, None)
            hit = cs.locate(code) if cs is not None else None
        return hit

    monkeypatch.setattr(Membership, "contains", too_wide)
    report = selfcheck.run(registry, {}, limit=None, checks=("value-sets",))
    assert not report.ok
    assert report.invariant("non-members-invalid").disagreements


def test_the_check_finds_a_lossy_r4_conversion(registry, fixtures_dir, monkeypatch):
    from service import convert

    monkeypatch.setattr(convert, "REL_TO_EQUIV", {k: "relatedto" for k in convert.REL_TO_EQUIV})
    report = selfcheck.run(registry, {}, limit=None, checks=("concept-maps",),
                           published=selfcheck.originals([str(fixtures_dir)]))
    assert report.invariant("translate-matches-map").disagreements


def test_the_check_finds_a_conversion_that_drops_an_element(registry, fixtures_dir, monkeypatch):
    from service import convert

    monkeypatch.setitem(convert._R5_TO_R4, "ValueSet", lambda vs: {k: v for k, v in vs.items() if k != "publisher"})
    report = selfcheck.run(registry, {}, limit=None, checks=("r4-shapes",),
                           published=[{"resourceType": "ValueSet", "id": "v", "url": "http://x/v", "status": "active",
                                       "publisher": "HL7"}])
    assert any("round trip" in d for d in report.invariant("r4-shape").disagreements)


# ---- every invariant on the fixtures, and the pieces ------------------------------------------------------------
def test_every_invariant_holds_on_the_fixtures_and_what_cannot_be_checked_is_said(registry, fixtures_dir):
    report = selfcheck.run(registry, {}, limit=None, published=selfcheck.originals([str(fixtures_dir)]))
    assert report.ok, "\n".join(report.lines())
    assert {n: i.checked > 0 for n, i in report.invariants.items()} == {
        "expansion-members-validate": True, "non-members-invalid": True, "r4-shape": True,
        "subsumes-matches-is-a": True, "translate-matches-map": True}
    # the cycle-a/cycle-b pair cannot be expanded: skipped with the reason, not a disagreement
    assert report.invariant("expansion-members-validate").skipped == {
        "the value set cannot be expanded here (HTTP 422)": 2}


def test_originals_reads_content_folders_and_packages(fixtures_dir, tmp_path):
    ours = selfcheck.originals([str(fixtures_dir)])
    assert len(ours) == 16 and {r["resourceType"] for r in ours} == {"CodeSystem", "ValueSet", "ConceptMap"}
    (tmp_path / "notes.json").write_text('{"resourceType": "Basic"}')
    (tmp_path / "broken.json").write_text("{")
    assert selfcheck.originals([str(tmp_path)]) == []
    packaged = selfcheck.originals([], [str(make_package(tmp_path / "tiny.tgz"))])
    assert {r["url"] for r in packaged} == {"http://example.org/fhir/CodeSystem/obs-status",
                                            "http://example.org/fhir/ValueSet/obs-status"}


def test_the_round_trip_check_leaves_out_narrative_and_other_kinds():
    report = Report()
    cs = {"resourceType": "CodeSystem", "id": "c", "url": "http://x/c", "status": "active", "content": "complete",
          "text": {"status": "generated", "div": "<div>x</div>"}}
    r4_round_trip([cs, {"resourceType": "StructureDefinition", "id": "s"}], report, None, random.Random(0))
    assert report.ok and report.invariant("r4-shape").checked == 1


def test_the_validator_blind_spot_is_only_primitive_extensions_inside_extensions():
    assert VALIDATOR_BLIND_SPOT.search("CodeSystem.concept[0].extension[2]._valueString")
    assert not VALIDATOR_BLIND_SPOT.search("CodeSystem.concept[0]._display")
    assert not VALIDATOR_BLIND_SPOT.search("CodeSystem.extension[0].valueString")
    assert _canonical({"url": "http://x", "version": "1"}) == "http://x|1" and _canonical({"url": "http://x"}) == \
        "http://x"
