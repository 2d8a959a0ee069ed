"""service.params.requests: typed parameters -> the frozen request of each operation (version choices, the value
set asked about, request-scoped resources, echoed expansion parameters, value-set defaults)."""
from __future__ import annotations

import pytest

from service import params as P
from service.engine import requests as R
from service.errors import Invalid

CS = "http://x/cs"
VS = "http://x/vs"


def test_version_choices_keep_canonicals_with_a_version_in_order():
    vc = P.version_choices({"system-version": [f"{CS}|1", "http://x/no-version", f"{CS}2|2"],
                            "force-system-version": [f"{CS}|3"], "check-system-version": [f"{CS}|1.x"],
                            "default-valueset-version": [f"{VS}|4", 5]})
    assert vc.system_version == ((CS, "1"), (f"{CS}2", "2"))
    assert vc.force_system_version == ((CS, "3"),) and vc.check_system_version == ((CS, "1.x"),)
    assert vc.default_valueset_version == ((VS, "4"),)          # a non-string is ignored
    assert vc.versions_match is None


@pytest.mark.parametrize("raw,value", [(["true"], True), ([True], True), (["false"], False), ([False], False)])
def test_versions_match_is_read_as_a_boolean(raw, value):
    assert P.version_choices({"versionsMatch": raw}).versions_match is value


def test_no_version_parameters_is_the_shared_empty_choice():
    assert P.version_choices({}) is P.version_choices({"url": [VS]}) == R.VersionChoices()


def test_lookup_reads_first_values_and_repeating_properties():
    req = P.lookup({"system": [CS, "ignored"], "code": ["a"], "property": ["p1", "p2"], "displayLanguage": ["de"],
                    "useSupplement": ["http://x/sup"]})
    assert (req.system, req.code, req.display_language) == (CS, "a", "de")
    assert req.properties == ("p1", "p2") and req.use_supplement == ("http://x/sup",)
    assert req.source["system"] == [CS, "ignored"]


def test_request_scoped_resources_are_tx_resources_and_inline_resources_with_a_url():
    tx = {"resourceType": "CodeSystem", "url": CS}
    named = {"resourceType": "ValueSet", "url": VS}
    anonymous = {"resourceType": "ValueSet"}
    req = P.expand({"tx-resource": [tx, "not a resource"], "valueSet": [named]})
    assert req.tx_resources == (tx, named)
    assert P.expand({"valueSet": [anonymous]}).tx_resources == ()
    assert P.expand({"valueSet": [anonymous]}).value_set == R.ValueSetChoice(inline=anonymous)


@pytest.mark.parametrize("name", ["url", "valueSetUrl", "context"])
def test_the_value_set_is_named_by_url_valueseturl_or_context(name):
    assert P.expand({name: [VS], "valueSetVersion": ["2"]}).value_set == R.ValueSetChoice(url=VS, version="2")


def test_codesystem_validate_code_reads_url_and_version_as_the_code_system():
    req = P.validate_code({"url": [CS], "version": ["1"], "code": ["a"]}, on_codesystem=True)
    assert (req.code_system_url, req.system_version, req.value_set) == (CS, "1", R.ValueSetChoice())
    req = P.validate_code({"url": [CS], "version": ["1"], "systemVersion": ["2"]}, on_codesystem=True)
    assert req.system_version == "2"                                  # systemVersion wins


def test_valueset_validate_code_reads_url_as_the_value_set_and_typed_options():
    req = P.validate_code({"url": [VS], "version": ["1"], "system": [CS], "code": ["a"], "display": ["A"],
                           "abstract": [False], "activeOnly": [True], "lenient-display-validation": [True]},
                          on_codesystem=False)
    assert req.value_set == R.ValueSetChoice(url=VS) and req.code_system_url is None
    assert req.system_version is None                                 # 'version' is not the code system's here
    assert (req.system, req.code, req.display) == (CS, "a", "A")
    assert req.options == R.ValidationOptions(abstract_ok=False, active_only=True, lenient_display=True)


def test_expand_echoes_parameters_in_a_fixed_order_with_a_language_placeholder():
    req = P.expand({"offset": [2], "filter": ["do"], "count": [5], "designation": ["urn:ietf:bcp:47|de", "x|y"],
                    "force-system-version": [f"{CS}|1"], "property": ["colour"], "url": [VS]})
    assert req.echo == (("count", "valueInteger", 5), ("displayLanguage", "valueCode", None),
                        ("filter", "valueString", "do"), ("offset", "valueInteger", 2),
                        ("designation", "valueString", "urn:ietf:bcp:47|de"), ("designation", "valueString", "x|y"),
                        ("force-system-version", "valueUri", f"{CS}|1"))
    assert (req.count, req.offset, req.filter, req.properties) == (5, 2, "do", ("colour",))
    assert P.expand({"displayLanguage": ["de"]}).echo == (("displayLanguage", "valueCode", "de"),)


def test_with_defaults_fills_only_what_the_request_left_unset():
    req = P.expand({"url": [VS], "count": [3]})
    merged = P.with_defaults(req, {"count": [10], "activeOnly": [True], "system-version": [f"{CS}|2"]})
    assert isinstance(merged, R.ExpandRequest)
    assert merged.count == 3 and merged.active_only is True
    assert merged.versions.system_version == ((CS, "2"),)
    vreq = P.validate_code({"url": [VS], "code": ["a"]}, on_codesystem=False)
    vmerged = P.with_defaults(vreq, {"activeOnly": [True]})
    assert isinstance(vmerged, R.ValidateCodeRequest) and vmerged.options.active_only is True
    assert vmerged.value_set == vreq.value_set and vmerged.code == "a"


def test_batch_validate_gives_each_validation_the_outer_parameters():
    inner = {"resourceType": "Parameters", "parameter": [{"name": "code", "valueCode": "b"},
                                                         {"name": "activeOnly", "valueBoolean": "true"}]}
    req = P.batch_validate({"url": [VS], "system": [CS], "validation": [{"code": "a", "display": None}, inner]})
    first, second = req.validations
    assert (first.value_set.url, first.system, first.code, first.display) == (VS, CS, "a", None)
    assert (second.code, second.options.active_only) == ("b", True)      # typed like any Parameters body
    with pytest.raises(Invalid):
        P.batch_validate({"validation": ["not a resource"]})
