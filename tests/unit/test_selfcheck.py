"""service.selfcheck: the consistency check over everything the server knows."""
from __future__ import annotations

import pytest

from helpers import CORE
from service import selfcheck
from service.engine.membership import Membership


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


def test_report_lines_give_the_counts(registry):
    report = selfcheck.run(registry, {}, limit=5, checks=("subsumption",))
    lines = report.lines()
    assert lines[-1].startswith("total: ") and "0 disagreements" in lines[-1]
    assert any(line.startswith("subsumes-matches-is-a: ") for line in lines)
