"""service.params: merging query string, form and Parameters body; typing booleans and integers."""
from __future__ import annotations

import pytest

from service import params as P
from service.errors import Invalid


def test_from_parameters_collects_values_resources_and_parts():
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": "http://x/vs"},
        {"name": "property", "valueCode": "a"}, {"name": "property", "valueCode": "b"},
        {"name": "valueSet", "resource": {"resourceType": "ValueSet"}},
        {"name": "validation", "part": [{"name": "code", "valueCode": "c"}]}]}
    out = P.from_parameters(body)
    assert out["url"] == ["http://x/vs"]
    assert out["property"] == ["a", "b"]
    assert out["valueSet"] == [{"resourceType": "ValueSet"}]
    assert out["validation"] == [{"code": "c"}]


def test_from_parameters_rejects_other_resources_and_nameless_parameters():
    with pytest.raises(Invalid):
        P.from_parameters({"resourceType": "ValueSet"})
    with pytest.raises(Invalid):
        P.from_parameters({"resourceType": "Parameters", "parameter": [{"valueString": "x"}]})


def test_merge_same_value_twice_is_fine():
    assert P.merge({"url": ["http://x"]}, {"url": ["http://x"]}) == {"url": ["http://x"]}
    assert P.merge({"activeOnly": ["true"]}, {"activeOnly": [True]}) == {"activeOnly": ["true"]}


def test_merge_conflict_is_invalid():
    with pytest.raises(Invalid) as info:
        P.merge({"count": ["1"]}, {"count": ["2"]})
    assert info.value.status == 400
    assert "count" in info.value.message


def test_merge_multi_valued_parameters_accumulate():
    assert P.merge({"property": ["a"]}, {"property": ["b"]}) == {"property": ["a", "b"]}
    assert P.merge({"tx-resource": [{"id": 1}]}, {"tx-resource": [{"id": 2}]})["tx-resource"] == [{"id": 1}, {"id": 2}]


@pytest.mark.parametrize("raw,expected", [("true", True), ("false", False), (True, True), (False, False)])
def test_coerce_booleans(raw, expected):
    assert P.coerce({"activeOnly": [raw]})["activeOnly"] == [expected]


@pytest.mark.parametrize("raw,expected", [("10", 10), (7, 7), ("0", 0), (2147483647, 2147483647),
                                          ("2147483647", 2147483647), (5.0, 5)])
def test_coerce_integers(raw, expected):
    assert P.coerce({"count": [raw]})["count"] == [expected]


@pytest.mark.parametrize("name,raw", [("activeOnly", "yes"), ("activeOnly", "1"), ("includeDesignations", "TRUE "),
                                      ("count", "ten"), ("count", "-1"), ("offset", "1.5")])
def test_coerce_bad_values_are_invalid(name, raw):
    with pytest.raises(Invalid) as info:
        P.coerce({name: [raw]})
    assert name in info.value.message and info.value.status == 400


@pytest.mark.parametrize("raw", ["100000000000000000000", 10**20, 1e40, 2**31, "2147483648", 2**63, True, 1.5,
                                 "+", "1e3", "\u0661\u0662"])
def test_integers_outside_fhirs_32_bit_range_are_refused_quoting_the_value(raw):
    for name in ("count", "offset"):
        with pytest.raises(Invalid) as info:
            P.coerce({name: [raw]})
        assert info.value.status == 400
        assert f"'{name}'" in info.value.message and "2147483647" in info.value.message
        assert "[" not in info.value.message.split(":", 1)[1].split("(")[0]   # the value, not a Python list


def test_search_integers_share_the_rule():
    assert P.integer("_count", "20") == 20
    with pytest.raises(Invalid):
        P.integer("_count", "99999999999")


def test_coerce_leaves_other_parameters_alone():
    params = {"url": ["http://x"], "filter": ["true"]}
    assert P.coerce(params) == params


def test_first():
    assert P.first({"a": [1, 2]}, "a") == 1
    assert P.first({"a": []}, "a", "d") == "d"
    assert P.first({}, "a") is None


def test_a_single_valued_parameter_repeated_with_different_values_is_a_400():
    from service.params import merge
    with pytest.raises(Invalid) as info:
        merge({"count": ["1", "2"]})
    assert "count" in info.value.message and info.value.status == 400
    assert merge({"count": ["1", "1"]}) == {"count": ["1", "1"]}          # the same value twice is fine
    assert merge({"property": ["a", "b"]}) == {"property": ["a", "b"]}    # repeating parameters repeat
