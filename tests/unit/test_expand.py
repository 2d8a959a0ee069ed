"""service.engine.expand: the Expander's compose walk (includes, excludes, imports, versions, limits); selection
and rendering have their own files (test_expansion_select.py, test_expansion_render.py)."""
from __future__ import annotations

import pytest

from helpers import ALL_ANIMALS, ANIMALS, LETTERS, VERSIONED, load_fixture, vs_url
from helpers import expander_entries as entries
from service import params as P
from service.engine.expansion_render import render
from service.engine.expansion_select import page, select_entries
from service.engine.expand import CodeSystemMissing, Expander
from service.errors import Processing, TooCostly

def inline(compose: dict) -> dict:
    return {"resourceType": "ValueSet", "url": "http://example.org/fhir/ValueSet/inline", "status": "active",
            "compose": compose}


# ---- Expander: compose walk ------------------------------------------------------------
def test_include_whole_system_in_code_system_order(make_ctx):
    exp, es = entries(make_ctx, "animals-all")
    assert [e.code for e in es] == ALL_ANIMALS
    assert exp.used_cs == [f"{ANIMALS}|1.0.0"]
    assert exp.hierarchical is True


def test_is_a_filter(make_ctx):
    _exp, es = entries(make_ctx, "mammals")
    assert [e.code for e in es] == ["mammal", "dog", "cat"]


def test_enumerated_concepts_keep_compose_order_and_are_flat(make_ctx):
    exp, es = entries(make_ctx, "pets")
    assert [e.code for e in es] == ["dog", "cat", "parrot"]
    assert exp.hierarchical is False


def test_exclude_removes_codes(make_ctx):
    _exp, es = entries(make_ctx, "no-birds")
    assert [e.code for e in es] == [c for c in ALL_ANIMALS if c not in ("bird", "parrot", "dodo")]


def test_import_of_another_value_set(make_ctx):
    exp, es = entries(make_ctx, "mammals-and-letters")
    assert [(e.system, e.code) for e in es] == [(ANIMALS, "mammal"), (ANIMALS, "dog"), (ANIMALS, "cat"),
                                                (LETTERS, "ABC"), (LETTERS, "Xyz")]
    assert vs_url("mammals") + "|1.0.0" in exp.used_vs


def test_include_system_and_value_set_is_an_intersection(make_ctx):
    vs = inline({"include": [{"system": ANIMALS, "filter": [{"property": "legs", "op": "=", "value": "4"}],
                              "valueSet": [vs_url("pets")]}]})
    _exp, es = entries(make_ctx, vs)
    assert [e.code for e in es] == ["dog", "cat"]


def test_duplicates_are_dropped(make_ctx):
    vs = inline({"include": [{"system": ANIMALS, "concept": [{"code": "dog"}]},
                             {"system": ANIMALS, "filter": [{"property": "concept", "op": "is-a", "value": "mammal"}]}]})
    _exp, es = entries(make_ctx, vs)
    assert [e.code for e in es] == ["dog", "mammal", "cat"]


def test_unknown_concepts_in_an_enumeration_are_skipped(make_ctx):
    vs = inline({"include": [{"system": ANIMALS, "concept": [{"code": "unicorn"}, {"code": "dog"}]}]})
    _exp, es = entries(make_ctx, vs)
    assert [e.code for e in es] == ["dog"]


def test_cycle_is_detected(make_ctx):
    with pytest.raises(Processing) as info:
        entries(make_ctx, "cycle-a")
    assert info.value.message_id == "VALUESET_CIRCULAR_REFERENCE"
    assert "cycle-a" in info.value.message


def test_unknown_code_system_is_unresolvable(make_ctx):
    with pytest.raises(CodeSystemMissing) as info:
        entries(make_ctx, inline({"include": [{"system": "http://nowhere.org/cs"}]}))
    assert info.value.status == 422
    assert info.value.message_id.startswith("UNKNOWN_CODESYSTEM")   # _EXP variant for $expand
    assert "http://nowhere.org/cs" in info.value.message


def test_unknown_code_system_version_lists_the_known_ones(make_ctx):
    with pytest.raises(CodeSystemMissing) as info:
        entries(make_ctx, inline({"include": [{"system": VERSIONED, "version": "7.0.0"}]}))
    assert info.value.message_id.startswith("UNKNOWN_CODESYSTEM_VERSION")
    assert "7.0.0" in info.value.message and "1.10.0" in info.value.message


def test_default_version_is_latest_and_stated_version_wins(make_ctx):
    exp, es = entries(make_ctx, "versioned-any")
    assert [e.code for e in es] == ["a", "b", "c", "d"] and exp.used_cs == [f"{VERSIONED}|1.10.0"]
    exp, es = entries(make_ctx, "versioned-1-0")
    assert [e.code for e in es] == ["a", "b"] and exp.used_cs == [f"{VERSIONED}|1.0.0"]


def test_force_system_version_overrides_the_compose(make_ctx):
    exp, es = entries(make_ctx, "versioned-1-0", params={"force-system-version": [f"{VERSIONED}|1.2.0"]})
    assert [e.code for e in es] == ["a", "b", "c"]


def test_system_version_is_only_a_default(make_ctx):
    _exp, es = entries(make_ctx, "versioned-any", params={"system-version": [f"{VERSIONED}|1.0.0"]})
    assert [e.code for e in es] == ["a", "b"]
    _exp, es = entries(make_ctx, "versioned-1-0", params={"system-version": [f"{VERSIONED}|1.2.0"]})
    assert [e.code for e in es] == ["a", "b"]


def test_compose_inactive_false_drops_inactive(make_ctx):
    _exp, es = entries(make_ctx, inline({"inactive": False, "include": [{"system": ANIMALS}]}))
    assert "dodo" not in [e.code for e in es]


def test_entries_carry_abstract_and_inactive(make_ctx):
    _exp, es = entries(make_ctx, "animals-all")
    by_code = {e.code: e for e in es}
    assert by_code["animal"].abstract and not by_code["dog"].abstract
    assert by_code["dodo"].inactive and not by_code["parrot"].inactive


def test_expansion_based_value_set(make_ctx):
    vs = {"resourceType": "ValueSet", "url": "http://x/vs", "expansion": {"contains": [
        {"system": ANIMALS, "code": "dog", "display": "Dog",
         "contains": [{"system": ANIMALS, "code": "cat"}]}]}}
    _exp, es = entries(make_ctx, vs)
    assert [e.code for e in es] == ["dog", "cat"]


def test_too_many_codes_in_the_compose_walk(make_ctx):
    with pytest.raises(TooCostly):
        entries(make_ctx, "animals-all", max_walk=2)


def test_deadline_is_checked(make_ctx):
    with pytest.raises(TooCostly):
        entries(make_ctx, "animals-all", deadline_s=-1.0)


def test_fixture_cycle_pair_is_really_a_cycle():
    a, b = load_fixture("ValueSet-cycle-a.json"), load_fixture("ValueSet-cycle-b.json")
    assert a["compose"]["include"][0]["valueSet"] == [b["url"]]
    assert b["compose"]["include"][0]["valueSet"] == [a["url"]]


# ---- default-valueset-version on imports ----------------------------------------------------------
MAMMALS = vs_url("mammals")


def test_default_valueset_version_pins_an_import_and_is_echoed(make_ctx):
    params = {"default-valueset-version": [f"{MAMMALS}|1.0.0"]}
    ctx = make_ctx(params=params)
    vs = ctx.registry.by_id("ValueSet", "mammals-and-letters")
    exp = Expander(ctx)
    sel = select_entries(exp.entries(vs), active_only=False, text=None, exclude_not_for_ui=False)
    out = render(vs, exp, sel, page(sel, offset=0, count=None, max_size=100, canonical="x"), request=P.expand(params),
                 prefs=ctx.prefs, offset=0, count=None, nested=False)
    assert {"name": "default-valueset-version", "valueUri": f"{MAMMALS}|1.0.0"} in out["expansion"]["parameter"]
    # not echoed when it decided nothing
    plain = make_ctx(params={"default-valueset-version": ["http://example.org/fhir/ValueSet/other|9"]})
    exp2 = Expander(plain)
    exp2.entries(plain.registry.by_id("ValueSet", "mammals-and-letters"))
    assert not any(name == "default-valueset-version" for name, _ in exp2.used_params)


def test_a_pinned_import_that_does_not_exist_is_reported_as_pinned(make_ctx):
    from service.engine.expand import PinnedImportMissing
    from service.engine.validate_code import CodeValidator
    from helpers import param

    params = {"default-valueset-version": [f"{MAMMALS}|9.9.9"]}
    ctx = make_ctx(params=params)
    vs = ctx.registry.by_id("ValueSet", "mammals-and-letters")
    with pytest.raises(PinnedImportMissing) as info:
        Expander(ctx).entries(vs)
    assert info.value.message_id == "VS_EXP_IMPORT_UNK_PINNED" and "9.9.9" in info.value.message
    # $validate-code reports the plain "could not be found" as its result instead
    out = CodeValidator(make_ctx(params=params), vs).validate("Coding", [{"system": ANIMALS, "code": "dog"}])
    assert param(out, "result") is False
    issue = param(out, "issues")["issue"][0]
    assert issue["details"]["text"] == f"A definition for the value Set '{MAMMALS}|9.9.9' could not be found"
    assert issue["extension"][0]["valueString"] == "Unable_to_resolve_value_Set_"


def test_codes_a_value_set_lists_from_a_fragment_are_kept_and_flagged(fragment_ctx):
    """Never drop listed codes silently: the value set states them; the fragment cannot confirm them."""
    from helpers import FRAG

    vs = fragment_ctx.registry.resolve("ValueSet", "http://x/vs/listed")
    exp = Expander(fragment_ctx)
    entries = exp.entries(vs)
    assert [e.code for e in entries] == ["a", "z"]
    assert exp.unconfirmed == [f"{FRAG}#z"]
    out = render(vs, exp, entries, entries, request=P.expand({}), prefs=fragment_ctx.prefs, offset=0, count=None, nested=False)
    assert out["expansion"]["total"] == 2
    reason = [x["valueString"] for x in out["expansion"]["extension"] if x["url"].endswith("unclosed-reason")][0]
    assert f"{FRAG}#z" in reason and "not confirmed" in reason
    # an exclude that lists a code the fragment does not hold removes it
    vs_minus = fragment_ctx.registry.resolve("ValueSet", "http://x/vs/whole-minus-z")
    assert [e.code for e in Expander(fragment_ctx).entries(vs_minus)] == ["a", "b"]


def test_an_exclude_removes_a_listed_code_the_fragment_does_not_hold(fragment_ctx):
    from helpers import FRAG, fragment_vs

    vs = fragment_vs("listed-minus-z", {"system": FRAG, "concept": [{"code": "a"}, {"code": "z"}]},
                     exclude=[{"system": FRAG, "concept": [{"code": "z"}]}])
    exp = Expander(fragment_ctx)
    assert [e.code for e in exp.entries(vs)] == ["a"]
    assert exp.unconfirmed == []   # only what the expansion holds is named

def test_a_diamond_of_imports_is_walked_once(make_ctx, registry):
    """Issue #14 defect 8: 26 value sets, each importing the next twice, ran the whole 10 s deadline (2**25
    paths); each value set's entries are now walked once per operation."""
    import time

    from helpers import diamond_value_sets

    reg = registry.overlay(diamond_value_sets(26))
    ctx = make_ctx(reg=reg, deadline_s=10.0)
    start = time.perf_counter()
    entries = Expander(ctx).entries(reg.by_id("ValueSet", "d0"))
    assert time.perf_counter() - start < 1.0
    assert {e.code for e in entries} >= {"dog", "cat", "parrot"} and len(entries) == len({e.key for e in entries})


def test_a_cycle_behind_a_diamond_is_still_found(make_ctx, registry):
    from helpers import BASE, diamond_value_sets

    looped = diamond_value_sets(8, closing={"include": [{"valueSet": [f"{BASE}/ValueSet/d3"]}]})
    reg = registry.overlay(looped)
    with pytest.raises(Processing) as info:
        Expander(make_ctx(reg=reg)).entries(reg.by_id("ValueSet", "d0"))
    assert info.value.message_id == "VALUESET_CIRCULAR_REFERENCE"
