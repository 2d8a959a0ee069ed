"""service.engine.filters: every ValueSet.compose.include.filter operator over the animals fixture."""
from __future__ import annotations

import pytest

from helpers import load_fixture
from service.engine.codesystem import CodeSystemIndex
from service.engine.filters import SUPPORTED_OPS, Filter, FilterError, compile_filters, select
from service.errors import TerminologyError

ALL = {"animal", "mammal", "dog", "cat", "bird", "parrot", "dodo", "plant", "tree", "oak", "fern"}


@pytest.fixture(scope="module")
def cs() -> CodeSystemIndex:
    return CodeSystemIndex(load_fixture("CodeSystem-animals.json"))


def run(cs, *filters) -> list[str]:
    return [c.code for c in select(cs, compile_filters(cs, list(filters), "ValueSet.compose.include[0]"))]


def f(prop, op, value):
    return {"property": prop, "op": op, "value": value}


def test_equals_on_concept(cs):
    assert run(cs, f("concept", "=", "dog")) == ["dog"]


def test_is_a_includes_the_root(cs):
    assert run(cs, f("concept", "is-a", "mammal")) == ["mammal", "dog", "cat"]


def test_descendent_of_excludes_the_root(cs):
    assert run(cs, f("concept", "descendent-of", "mammal")) == ["dog", "cat"]


def test_is_not_a(cs):
    assert set(run(cs, f("concept", "is-not-a", "animal"))) == {"plant", "tree", "oak", "fern"}


def test_regex_is_a_full_match_on_the_code(cs):
    assert run(cs, f("code", "regex", "d.*")) == ["dog", "dodo"]
    assert run(cs, f("concept", "regex", "o")) == []  # full match, not search


def test_in_and_not_in(cs):
    assert run(cs, f("concept", "in", "dog, cat,unicorn")) == ["dog", "cat"]
    assert set(run(cs, f("concept", "not-in", "dog,cat"))) == ALL - {"dog", "cat"}


def test_generalizes_is_the_root_and_its_ancestors(cs):
    assert set(run(cs, f("concept", "generalizes", "dog"))) == {"dog", "mammal", "animal"}


def test_child_of_is_direct_children_only(cs):
    assert run(cs, f("concept", "child-of", "animal")) == ["mammal", "bird"]


def test_descendent_leaf(cs):
    assert run(cs, f("concept", "descendent-leaf", "plant")) == ["oak", "fern"]


def test_exists_on_a_property(cs):
    assert set(run(cs, f("colour", "exists", "true"))) == {"dog", "cat", "parrot"}
    assert "dog" not in run(cs, f("colour", "exists", "false"))


def test_property_equals_in_and_regex(cs):
    assert run(cs, f("colour", "=", "green")) == ["parrot"]
    assert run(cs, f("legs", "=", "2")) == ["parrot", "dodo"]
    assert run(cs, f("colour", "in", "brown,black")) == ["dog", "cat"]
    assert run(cs, f("colour", "regex", "b.*")) == ["dog", "cat"]


def test_display_regex(cs):
    assert run(cs, f("display", "regex", ".*tree")) == ["oak"]


def test_standard_inactive_and_not_selectable_pseudo_properties(cs):
    assert run(cs, f("inactive", "=", "true")) == ["dodo"]
    assert run(cs, f("notSelectable", "=", "true")) == ["animal", "mammal"]


def test_several_filters_are_anded(cs):
    assert run(cs, f("concept", "is-a", "animal"), f("legs", "=", "4")) == ["dog", "cat"]


def test_unknown_root_matches_nothing(cs):
    assert run(cs, f("concept", "is-a", "unicorn")) == []


@pytest.mark.parametrize("value", [None, ""])
def test_missing_value_is_an_error(cs, value):
    flt = {"property": "concept", "op": "is-a"}
    if value is not None:
        flt["value"] = value
    with pytest.raises(FilterError) as info:
        Filter(cs, flt, "ValueSet.compose.include[0].filter[0]")
    err = info.value
    assert isinstance(err, TerminologyError) and err.status == 400
    assert err.message_id == "UNABLE_TO_HANDLE_SYSTEM_FILTER_WITH_NO_VALUE"
    assert err.expression == "ValueSet.compose.include[0].filter[0]"


def test_unsupported_operator_is_an_error(cs):
    with pytest.raises(FilterError) as info:
        Filter(cs, f("concept", "near", "dog"), "x")
    assert info.value.issue_code == "not-supported"


def test_bad_regex_is_an_error(cs):
    with pytest.raises(FilterError) as info:
        Filter(cs, f("code", "regex", "(unclosed"), "x")
    assert "not valid" in info.value.message


def test_matches_agrees_with_select(cs):
    """Membership (matches) and expansion (select) must agree for every operator."""
    cases = [f("concept", op, "bird") for op in SUPPORTED_OPS if op not in ("regex", "in", "not-in", "exists", "=")]
    for flt in cases:
        compiled = Filter(cs, flt, "x")
        by_predicate = {c.code for c in cs.ordered if compiled.matches(c)}
        assert by_predicate == set(run(cs, flt)), flt


def test_supported_ops_cover_the_brief():
    assert set(SUPPORTED_OPS) >= {"=", "is-a", "descendent-of", "is-not-a", "regex", "in", "not-in",
                                  "generalizes", "child-of", "descendent-leaf", "exists"}


def test_not_selectable_filter_matches_explicit_values_only():
    """notSelectable = false does not match a concept that has no notSelectable property (its state is
    unknown), whether the filter names the property by its declared code or its standard code."""
    from service.engine.codesystem import CodeSystemIndex
    from service.engine.filters import compile_filters, select

    cs = CodeSystemIndex({
        "resourceType": "CodeSystem", "url": "http://x/ns", "content": "complete",
        "property": [{"code": "ns", "uri": "http://hl7.org/fhir/concept-properties#notSelectable", "type": "boolean"}],
        "concept": [{"code": "a", "property": [{"code": "ns", "valueBoolean": True}]},
                    {"code": "b", "property": [{"code": "ns", "valueBoolean": False}]},
                    {"code": "c"}]})
    for prop in ("ns", "notSelectable"):
        false = select(cs, compile_filters(cs, [{"property": prop, "op": "=", "value": "false"}], "f"))
        true = select(cs, compile_filters(cs, [{"property": prop, "op": "=", "value": "true"}], "f"))
        out = select(cs, compile_filters(cs, [{"property": prop, "op": "not-in", "value": "true"}], "f"))
        assert [c.code for c in false] == ["b"] and [c.code for c in true] == ["a"]
        assert [c.code for c in out] == ["b", "c"]
    assert cs.locate("a").abstract and not cs.locate("c").abstract


def _cs(**extra):
    from service.engine.codesystem import CodeSystemIndex

    return CodeSystemIndex({
        "resourceType": "CodeSystem", "url": "http://x/f", "content": "complete",
        "property": [{"code": "kind", "type": "Coding"}], **extra,
        "concept": [{"code": "root", "concept": [
            {"code": "leaf1", "property": [{"code": "kind", "valueCoding": {"system": "http://k", "code": "a"}}]},
            {"code": "leaf2", "property": [{"code": "kind", "valueCoding": {"system": "http://other", "code": "a"}}]}]}]})


def _codes(cs, *filters):
    from service.engine.filters import compile_filters, select

    return [c.code for c in select(cs, compile_filters(cs, list(filters), "f"))]


def test_boolean_filter_values_are_exact_literals():
    cs = _cs()
    assert _codes(cs, {"property": "notSelectable", "op": "=", "value": "TRUE"}) == []
    assert _codes(cs, {"property": "inactive", "op": "=", "value": "TRUE"}) == []
    assert _codes(cs, {"property": "inactive", "op": "=", "value": "false"}) == ["root", "leaf1", "leaf2"]


def test_exists_needs_a_boolean_value():
    from service.engine.filters import FilterError

    with pytest.raises(FilterError):
        _codes(_cs(), {"property": "kind", "op": "exists", "value": "yes"})


def test_unknown_property_is_an_error_not_an_empty_result():
    from service.engine.filters import FilterError

    with pytest.raises(FilterError) as info:
        _codes(_cs(), {"property": "colour", "op": "=", "value": "red"})
    assert "colour" in info.value.message
    # a filter the code system declares is accepted
    assert _codes(_cs(filter=[{"code": "colour", "operator": ["="], "value": "a colour"}]),
                  {"property": "colour", "op": "=", "value": "red"}) == []


def test_exists_on_parent_and_child_uses_the_hierarchy():
    cs = _cs()
    assert _codes(cs, {"property": "parent", "op": "exists", "value": "false"}) == ["root"]
    assert _codes(cs, {"property": "child", "op": "exists", "value": "false"}) == ["leaf1", "leaf2"]


def test_coding_property_matches_code_or_system_and_code():
    cs = _cs()
    assert _codes(cs, {"property": "kind", "op": "=", "value": "a"}) == ["leaf1", "leaf2"]
    assert _codes(cs, {"property": "kind", "op": "=", "value": "http://k|a"}) == ["leaf1"]
