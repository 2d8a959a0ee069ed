"""service.engine.validate_versions: which code-system version a coding is checked against (the coding's, the
value set include's, system-version / force-system-version) and the issues those choices raise."""
from __future__ import annotations

import pytest

from helpers import VERSIONED
from service.engine.validate_code import CodeValidator
from service.engine.validate_outcome import Outcome, Paths, message_id, tx_code
from service.engine.validate_versions import _stated

NOWHERE = "http://nowhere.org/cs"


def step(make_ctx, vs=None, params=None):
    ctx = make_ctx(params=params or {})
    if isinstance(vs, str):
        vs = ctx.registry.by_id("ValueSet", vs)
    return CodeValidator(ctx, vs).versions


def choose(make_ctx, version, vs=None, params=None):
    """(version to check against, unknown coding versions to report, issues raised)."""
    o = Outcome()
    got, unknown = step(make_ctx, vs, params).choose(VERSIONED, version, Paths("Coding"), o)
    return got, unknown, o.issues


def inline(*includes):
    return {"resourceType": "ValueSet", "url": "http://x/vs/inline", "status": "active",
            "compose": {"include": list(includes)}}


# ---- no value set, or one that does not draw on the system: the coding decides ----------------------------
def test_without_a_value_set_the_codings_version_else_the_default_is_used(make_ctx):
    assert choose(make_ctx, None) == (None, [], [])
    assert choose(make_ctx, "1.2.0") == ("1.2.0", [], [])
    assert choose(make_ctx, None, params={"system-version": [f"{VERSIONED}|1.0.0"]}) == ("1.0.0", [], [])
    assert choose(make_ctx, "1.2.0", params={"system-version": [f"{VERSIONED}|1.0.0"]}) == ("1.2.0", [], [])


def test_force_system_version_beats_the_codings_version(make_ctx):
    assert choose(make_ctx, "1.2.0", params={"force-system-version": [f"{VERSIONED}|1.0.0"]}) == ("1.0.0", [], [])


def test_a_pinned_version_wins(make_ctx):
    s = step(make_ctx, "versioned-1-0")
    s.v.pin = "1.2.0"
    assert s.choose(VERSIONED, "1.10.0", Paths("Coding"), Outcome()) == ("1.2.0", [])


# ---- the value set's include states a version ---------------------------------------------------------------
def test_the_includes_version_is_used_and_a_different_coding_version_is_an_error(make_ctx):
    assert choose(make_ctx, None, "versioned-1-0") == ("1.0.0", [], [])
    assert choose(make_ctx, "1.0.0", "versioned-1-0") == ("1.0.0", [], [])
    got, unknown, issues = choose(make_ctx, "1.2.0", "versioned-1-0")
    assert got == "1.0.0" and unknown == []     # 1.2.0 exists: nothing more to report
    [i] = issues
    assert i["severity"] == "error" and message_id(i) == "VALUESET_VALUE_MISMATCH" and tx_code(i) == "vs-invalid"
    assert i["expression"] == ["Coding.version"]
    assert "version '1.0.0' in the ValueSet include is different to the one in the value ('1.2.0')" in \
        i["details"]["text"]


def test_an_unknown_coding_version_is_returned_to_be_reported(make_ctx):
    got, unknown, issues = choose(make_ctx, "9.9", "versioned-1-0")
    assert got == "1.0.0" and unknown == ["9.9"]
    assert [message_id(i) for i in issues] == ["VALUESET_VALUE_MISMATCH"]


def test_a_wildcard_include_admits_the_versions_it_matches(make_ctx):
    wild = inline({"system": VERSIONED, "version": "1.x"})
    assert choose(make_ctx, "1.2.0", wild) == ("1.2.0", [], [])
    assert choose(make_ctx, "1.10.0", wild) == ("1.10.0", [], [])
    assert choose(make_ctx, "1.0", wild) == ("1.0", ["1.0"], [])     # matches, but no such version
    got, unknown, issues = choose(make_ctx, "2.0", wild)
    assert (got, unknown) == ("1.x", ["2.0"])
    assert [message_id(i) for i in issues] == ["VALUESET_VALUE_MISMATCH"]


def test_a_version_the_include_resolves_to_differently_says_so(make_ctx):
    """force-system-version changes what the include's version resolves to: the issue names both."""
    got, unknown, issues = choose(make_ctx, "1.0.0", "versioned-1-0",
                                  params={"force-system-version": [f"{VERSIONED}|1.2.0"]})
    assert (got, unknown) == ("1.2.0", [])
    [i] = issues
    assert i["severity"] == "error" and message_id(i) == "VALUESET_VALUE_MISMATCH_CHANGED"
    assert "version '1.2.0' resulting from the version '1.0.0' in the ValueSet include" in i["details"]["text"]


# ---- a versionless include ---------------------------------------------------------------------------------
def test_a_versionless_include_takes_the_latest_and_warns_about_an_older_coding_version(make_ctx):
    assert choose(make_ctx, None, "versioned-any") == (None, [], [])
    got, unknown, issues = choose(make_ctx, "1.0.0", "versioned-any")
    assert (got, unknown) == ("1.0.0", [])       # the coding's version exists: it is checked against it
    [i] = issues
    assert i["severity"] == "warning" and message_id(i) == "VALUESET_VALUE_MISMATCH_DEFAULT"
    assert "version '1.10.0' for the versionless include" in i["details"]["text"]
    assert choose(make_ctx, "1.10.0", "versioned-any") == ("1.10.0", [], [])


def test_a_versionless_include_and_an_unknown_coding_version_fall_back_to_the_latest(make_ctx):
    got, unknown, issues = choose(make_ctx, "7", "versioned-any")
    assert (got, unknown) == ("1.10.0", ["7"])
    assert [message_id(i) for i in issues] == ["VALUESET_VALUE_MISMATCH_DEFAULT"]


@pytest.mark.parametrize("includes,version,stated", [
    (["1.0.0"], "1.2.0", "1.0.0"),                 # one include: that one
    (["1.0.0", "1.2.0"], "1.2.0", "1.2.0"),        # several: the one the coding's version matches
    (["1.0.0", "1.x"], "1.2.0", "1.x"),            # ... by wildcard too
    (["1.0.0", None], "1.2.0", None),              # else a versionless one
    (["1.0.0", "1.2.0"], "9", "1.0.0"),            # else the first
    (["1.0.0", "1.2.0"], None, "1.0.0")])
def test_stated_picks_the_include_a_coding_version_is_checked_against(includes, version, stated):
    assert _stated(includes, version) == stated


# ---- unknown versions and systems ---------------------------------------------------------------------------
def test_an_unknown_version_lists_the_known_ones(make_ctx):
    o = Outcome()
    step(make_ctx).unknown_version(VERSIONED, "9", Paths("code"), o)
    [i] = o.issues
    assert message_id(i) == "UNKNOWN_CODESYSTEM_VERSION" and i["expression"] == ["system"]
    assert i["details"]["text"].endswith("Valid versions: 1.0.0 or 1.10.0 or 1.2.0")
    assert o.unknown_system == f"{VERSIONED}|9" and o.unknown_in_vs is True


@pytest.mark.parametrize("system,version,mid,unknown", [
    (NOWHERE, None, "UNKNOWN_CODESYSTEM", NOWHERE),
    (NOWHERE, "2", "UNKNOWN_CODESYSTEM_VERSION_NONE", f"{NOWHERE}|2"),
    (VERSIONED, "9", "UNKNOWN_CODESYSTEM_VERSION", f"{VERSIONED}|9")])
def test_an_unknown_system_or_version_without_a_value_set(make_ctx, system, version, mid, unknown):
    o = Outcome()
    step(make_ctx).unknown_system(system, version, "c", None, Paths("code"), o)
    assert [message_id(i) for i in o.issues] == [mid]
    assert o.issues[0]["code"] == "not-found" and tx_code(o.issues[0]) == "not-found"
    assert o.unknown_system == unknown and o.unknown_in_vs is True


def test_an_unknown_system_the_value_set_does_not_use_is_also_not_in_it(make_ctx):
    o = Outcome()
    step(make_ctx, "pets").unknown_system(NOWHERE, None, "c", None, Paths("code"), o)
    assert [tx_code(i) for i in o.issues] == ["not-found", "not-in-vs"]
    assert o.unknown_system == NOWHERE and o.unknown_in_vs is False
