"""Resource validation (service/resource_validation.py) against the fixture terminology and a tiny package."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, BASE
from pkgfixture import OBS_STATUS_CS, PROFILE, make_package
from service import packages as P
from service.resource_validation import ResourceValidator, resource_from_parameters


@pytest.fixture(scope="module")
def installed(registry, tmp_path_factory):
    d = tmp_path_factory.mktemp("pkg")
    return P.install(registry, [str(make_package(d / "tiny.tgz"))], str(d / "cache"))


@pytest.fixture
def validate(make_ctx, registry, installed):
    def run(resource, *, bindings=True, version="R4", profile=None):
        reg, pset = installed
        ctx = make_ctx(reg=reg if bindings else registry)
        v = ResourceValidator(ctx, version, pset.structures_for(version) if bindings else None)
        return v.validate(resource, profile)["issue"]
    return run


def obs(**extra):
    res = {"resourceType": "Observation", "status": "final",
           "code": {"coding": [{"system": ANIMALS, "code": "dog", "display": "Dog"}]},
           "subject": {"reference": "Patient/p1"}}
    res.update(extra)
    return res


def where(issues, expression):
    return [i for i in issues if expression in i.get("expression", [])]


def test_valid_resource_has_only_an_all_ok_issue(validate):
    issues = validate(obs())
    assert [i["severity"] for i in issues] == ["information"]
    assert issues[0]["details"]["text"] == "No issues detected during validation"


def test_unknown_code_is_an_error_with_its_path(validate):
    issues = validate(obs(code={"coding": [{"system": ANIMALS, "code": "unicorn"}]}), bindings=False)
    hit = where(issues, "Observation.code.coding[0].code")
    assert hit and hit[0]["severity"] == "error" and "unicorn" in hit[0]["details"]["text"]


def test_wrong_display_is_a_warning_and_designations_are_accepted(validate):
    wrong = validate(obs(code={"coding": [{"system": ANIMALS, "code": "dog", "display": "Doggo"}]}), bindings=False)
    hit = where(wrong, "Observation.code.coding[0].display")
    assert hit and hit[0]["severity"] == "warning" and "Doggo" in hit[0]["details"]["text"]
    ok = validate(obs(code={"coding": [{"system": ANIMALS, "code": "dog", "display": "Hound"}]}), bindings=False)
    assert not where(ok, "Observation.code.coding[0].display")


def test_inactive_concept_is_a_warning(validate):
    issues = validate(obs(valueCodeableConcept={"coding": [{"system": ANIMALS, "code": "dodo"}]}), bindings=False)
    hit = where(issues, "Observation.valueCodeableConcept.coding[0]")
    assert hit and hit[0]["severity"] == "warning" and "dodo" in hit[0]["details"]["text"]
    assert not any(i["severity"] == "error" for i in issues)


def test_unknown_system_is_information(validate):
    issues = validate(obs(valueQuantity={"value": 4, "system": "http://unitsofmeasure.org", "code": "mg"}),
                      bindings=False)
    hit = where(issues, "Observation.valueQuantity.system")
    assert [i["severity"] for i in hit] == ["information"]
    assert "not known" in hit[0]["details"]["text"]


def test_every_structural_error_is_reported_with_its_path(validate):
    bad = obs(effectiveDateTime="2024-13-45", bogus=1, subject="Patient/p1")
    del bad["status"]
    issues = validate(bad, bindings=False)
    structure = {i["expression"][0] for i in issues if i["code"] == "structure"}
    assert {"Observation.effectiveDateTime", "Observation.bogus", "Observation.status",
            "Observation.subject"} <= structure


@pytest.mark.parametrize("bad", [None, [], "Observation", {"resourceType": 3}, {"no": "type"},
                                 {"resourceType": "Coding"}, {"resourceType": "NotAType"}])
def test_non_resources_give_one_structure_error(validate, bad):
    issues = validate(bad)
    assert [i["severity"] for i in issues] == ["error"] and issues[0]["code"] == "structure"


def test_bundle_entries_are_validated_with_entry_paths(validate):
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": obs()},
        {"resource": obs(code={"coding": [{"system": ANIMALS, "code": "unicorn"}]}, status="bogus")}]}
    issues = validate(bundle)
    assert where(issues, "Bundle.entry[1].resource.code.coding[0].code")[0]["severity"] == "error"
    status = where(issues, "Bundle.entry[1].resource.status")
    assert status and status[0]["severity"] == "error" and "required" in status[0]["details"]["text"]
    assert not [i for i in issues if any(e.startswith("Bundle.entry[0]") for e in i.get("expression", []))]


def test_required_binding_on_a_code_element(validate):
    issues = validate(obs(status="bogus"))
    hit = where(issues, "Observation.status")
    assert len(hit) == 1 and hit[0]["severity"] == "error"
    text = hit[0]["details"]["text"]
    assert "obs-status" in text and "required" in text
    assert not where(validate(obs(status="preliminary")), "Observation.status")


def test_binding_severity_follows_strength(validate):
    issues = validate(obs(code={"coding": [{"system": ANIMALS, "code": "oak"}]},        # extensible
                          valueCodeableConcept={"coding": [{"system": ANIMALS, "code": "parrot"}]},   # preferred
                          interpretation=[{"coding": [{"system": ANIMALS, "code": "fern"}]}],       # example
                          component=[{"code": {"coding": [{"system": ANIMALS, "code": "tree"}]}}]))  # required
    assert where(issues, "Observation.code")[0]["severity"] == "warning"
    assert "extensible" in where(issues, "Observation.code")[0]["details"]["text"]
    assert where(issues, "Observation.valueCodeableConcept")[0]["severity"] == "information"
    assert where(issues, "Observation.interpretation[0]")[0]["severity"] == "information"
    comp = where(issues, "Observation.component[0].code")
    assert comp[0]["severity"] == "error" and f"{BASE}/ValueSet/pets" in comp[0]["details"]["text"]


def test_members_pass_their_bindings(validate):
    issues = validate(obs(valueCodeableConcept={"coding": [{"system": ANIMALS, "code": "cat"}]},
                          component=[{"code": {"coding": [{"system": ANIMALS, "code": "parrot"}]}}]))
    assert [i["severity"] for i in issues] == ["information"]


def test_required_binding_needs_a_coding_and_unknown_value_set_is_reported(validate):
    issues = validate(obs(component=[{"code": {"text": "just text"}}],
                          method={"coding": [{"system": OBS_STATUS_CS, "code": "final"}]}))
    assert where(issues, "Observation.component[0].code")[0]["severity"] == "error"
    method = where(issues, "Observation.method")
    assert method[0]["severity"] == "information" and "unknown-vs" in method[0]["details"]["text"]


def test_profile_tightens_a_binding(validate):
    loose = obs(code={"coding": [{"system": ANIMALS, "code": "oak"}]})
    assert where(validate(loose), "Observation.code")[0]["severity"] == "warning"
    assert where(validate(loose, profile=PROFILE), "Observation.code")[0]["severity"] == "error"
    via_meta = dict(loose, meta={"profile": [PROFILE]})
    assert where(validate(via_meta), "Observation.code")[0]["severity"] == "error"
    unknown = validate(loose, profile="http://example.org/nope")
    assert any("nope" in i["details"]["text"] and i["severity"] == "warning" for i in unknown)


def test_without_structures_bindings_are_skipped_with_one_information(validate):
    issues = validate(obs(status="bogus"), bindings=False)
    skipped = [i for i in issues if "Bindings were not checked" in i["details"]["text"]]
    assert len(skipped) == 1 and skipped[0]["severity"] == "information"
    assert not where(issues, "Observation.status")


def test_r5_without_r5_package_skips_bindings(validate):
    issues = validate(obs(status="bogus"), version="R5")
    assert any("no FHIR R5 core package" in i["details"]["text"] for i in issues)


def test_resource_from_parameters():
    res, prof = resource_from_parameters({"resourceType": "Parameters", "parameter": [
        {"name": "resource", "resource": {"resourceType": "Patient"}}, {"name": "profile", "valueUri": "http://x"}]})
    assert res == {"resourceType": "Patient"} and prof == "http://x"
    assert resource_from_parameters({"resourceType": "Parameters", "parameter": "junk"}) == (None, None)


def test_binding_messages_read_as_plain_english(validate):
    two = validate(obs(component=[{"code": {"coding": [{"system": ANIMALS, "code": "tree"},
                                                      {"system": ANIMALS, "code": "oak"}]}}]))
    text = where(two, "Observation.component[0].code")[0]["details"]["text"]
    assert text.startswith(f"None of the codes '{ANIMALS}#tree, {ANIMALS}#oak' is in the value set")
    one = validate(obs(component=[{"code": {"coding": [{"system": ANIMALS, "code": "tree"}]}}]))
    assert where(one, "Observation.component[0].code")[0]["details"]["text"].startswith(
        f"The code '{ANIMALS}#tree' is not in the value set")
