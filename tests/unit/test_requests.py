"""service.engine.requests: the typed, frozen operation requests and the parameters their fields are read from."""
from __future__ import annotations

import dataclasses

import pytest

from service.engine import requests as R
from service.params import MULTI, TYPED

REQUEST_CLASSES = [R.Common, R.LookupRequest, R.SubsumesRequest, R.ValidateCodeRequest, R.ValidationOptions,
                   R.ExpandRequest, R.TranslateRequest, R.BatchValidateRequest]


def fhir_fields(cls) -> dict[str, tuple[str, bool]]:
    return {f.name: (f.metadata["fhir"], f.metadata["many"]) for f in dataclasses.fields(cls) if "fhir" in f.metadata}


def test_fields_name_the_fhir_parameter_they_are_read_from():
    assert fhir_fields(R.LookupRequest) == {
        "display_language": ("displayLanguage", False), "use_supplement": ("useSupplement", True),
        "system": ("system", False), "code": ("code", False), "version": ("version", False),
        "coding": ("coding", False), "properties": ("property", True)}
    assert fhir_fields(R.SubsumesRequest)["code_a"] == ("codeA", False)
    assert fhir_fields(R.SubsumesRequest)["coding_b"] == ("codingB", False)
    assert fhir_fields(R.ValidationOptions) == {
        "abstract_ok": ("abstract", False), "active_only": ("activeOnly", False),
        "lenient_display": ("lenient-display-validation", False), "membership_only": ("valueset-membership-only",
                                                                                       False)}
    expand = fhir_fields(R.ExpandRequest)
    assert expand["exclude_not_for_ui"] == ("excludeNotForUI", False)
    assert expand["designations"] == ("designation", True) and expand["properties"] == ("property", True)


@pytest.mark.parametrize("cls", REQUEST_CLASSES, ids=lambda c: c.__name__)
def test_every_fhir_name_is_typed_by_the_parameter_schema(cls):
    """A field read from a parameter the marshmallow schema does not type would reach the engine untyped."""
    for attr, (name, many) in fhir_fields(cls).items():
        assert name in TYPED, (cls.__name__, attr, name)
        if many:
            assert name in MULTI, (cls.__name__, attr, name)   # a repeating field from a repeating parameter


def test_repeating_fields_default_to_an_empty_tuple_and_others_to_their_default():
    req = R.ExpandRequest()
    assert req.properties == () and req.designations == () and req.use_supplement == ()
    assert req.offset == 0 and req.count is None and req.active_only is False
    assert R.ValidationOptions().abstract_ok is True
    assert req.value_set == R.ValueSetChoice() and req.versions == R.VersionChoices()


@pytest.mark.parametrize("obj,attr", [(R.LookupRequest(), "code"), (R.ExpandRequest(), "count"),
                                      (R.VersionChoices(), "versions_match"), (R.ValueSetChoice(), "url"),
                                      (R.WalkInputs(), "max_walk")])
def test_requests_are_frozen(obj, attr):
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, attr, 1)


def test_the_source_parameters_are_not_part_of_equality():
    a = R.LookupRequest(code="dog", source={"code": ["dog"]})
    b = R.LookupRequest(code="dog", source={"code": ["dog"], "_format": ["json"]})
    assert a == b
    assert a != R.LookupRequest(code="cat")


def test_version_choices_as_dict_and_hashable():
    vc = R.VersionChoices(system_version=(("http://a", "1"), ("http://b", "2")))
    assert vc.as_dict("system_version") == {"http://a": "1", "http://b": "2"}
    assert vc.as_dict("force_system_version") == {}
    assert len({vc, R.VersionChoices(system_version=(("http://a", "1"), ("http://b", "2")))}) == 1


def test_walk_inputs_key_on_every_version_choice_and_the_walk_limit():
    base = R.WalkInputs()
    variants = [R.WalkInputs(max_walk=10),
                R.WalkInputs(versions=R.VersionChoices(system_version=(("u", "1"),))),
                R.WalkInputs(versions=R.VersionChoices(force_system_version=(("u", "1"),))),
                R.WalkInputs(versions=R.VersionChoices(check_system_version=(("u", "1"),))),
                R.WalkInputs(versions=R.VersionChoices(default_valueset_version=(("u", "1"),))),
                R.WalkInputs(versions=R.VersionChoices(versions_match=False))]
    assert len({base, *variants}) == 1 + len(variants)
