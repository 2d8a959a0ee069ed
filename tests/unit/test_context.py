"""service.engine.context: the OpContext of one operation -- languages, version maps, limits, the deadline."""
from __future__ import annotations

import time

import pytest

from helpers import VERSIONED
from service.engine.context import OpContext
from service.engine.languages import parse_language_list
from service.engine.requests import VersionChoices, WalkInputs
from service.errors import TooCostly

CHOICES = VersionChoices(system_version=((VERSIONED, "1.0.0"),), force_system_version=(("http://x/f", "2"),),
                         check_system_version=(("http://x/c", "3.x"),),
                         default_valueset_version=(("http://x/vs", "4"),))


def test_defaults_are_no_languages_no_version_choices_and_no_supplements(registry):
    ctx = OpContext(registry)
    assert not ctx.prefs and ctx.prefs.source == "none"
    assert ctx.system_version == ctx.force_version == ctx.check_version == ctx.valueset_version == {}
    assert ctx.versions == VersionChoices()
    assert ctx.supplements == [] and ctx.memo is None
    assert (ctx.max_expansion, ctx.max_walk) == (1000, 1_000_000)
    other = OpContext(registry)
    other.supplements.append("x")
    assert ctx.supplements == []          # one list per operation, never shared


def test_version_choices_become_url_to_version_maps(registry):
    ctx = OpContext(registry, versions=CHOICES)
    assert ctx.system_version == {VERSIONED: "1.0.0"}
    assert ctx.force_version == {"http://x/f": "2"}
    assert ctx.check_version == {"http://x/c": "3.x"}
    assert ctx.valueset_version == {"http://x/vs": "4"}


def test_set_versions_replaces_the_maps_and_the_walk_inputs(registry):
    ctx = OpContext(registry, max_walk=77)
    assert ctx.walk == WalkInputs(versions=VersionChoices(), max_walk=77)
    ctx.set_versions(CHOICES)
    assert ctx.system_version == {VERSIONED: "1.0.0"}
    assert ctx.walk == WalkInputs(versions=CHOICES, max_walk=77)
    ctx.set_versions(VersionChoices())
    assert ctx.system_version == {} and ctx.force_version == {}


def test_the_walk_inputs_are_a_key_equal_for_equal_choices(registry):
    a = OpContext(registry, versions=CHOICES)
    b = OpContext(registry, versions=VersionChoices(**{f: getattr(CHOICES, f) for f in (
        "system_version", "force_system_version", "check_system_version", "default_valueset_version")}))
    assert a.walk == b.walk and hash(a.walk) == hash(b.walk)
    assert OpContext(registry, versions=CHOICES, max_walk=5).walk != a.walk
    matched = VersionChoices(system_version=CHOICES.system_version, versions_match=True)
    assert OpContext(registry, versions=matched).walk != OpContext(
        registry, versions=VersionChoices(system_version=CHOICES.system_version)).walk


def test_the_deadline_raises_too_costly_once_passed(registry):
    OpContext(registry, deadline_s=10.0).check_deadline()      # well within: nothing raised
    with pytest.raises(TooCostly) as info:
        OpContext(registry, deadline_s=-0.001).check_deadline()
    assert info.value.status == 422 and info.value.issue_code == "too-costly"
    ctx = OpContext(registry, deadline_s=0.05)
    time.sleep(0.06)
    with pytest.raises(TooCostly):
        ctx.check_deadline()


def test_languages_and_limits_are_kept(registry):
    prefs = parse_language_list("de, en;q=0.5", "param")
    memo = object()
    ctx = OpContext(registry, prefs=prefs, max_expansion=3, max_walk=9, memo=memo)
    assert ctx.prefs is prefs and ctx.prefs.tags[0] == "de"
    assert (ctx.max_expansion, ctx.max_walk, ctx.memo) == (3, 9, memo)
    assert ctx.registry is registry
