"""service.fhir_io: structural validation and FHIR XML at the edge."""
from __future__ import annotations

import pytest

from service import fhir_io


def test_every_structural_problem_is_reported_with_its_path():
    problems = fhir_io.validate_resource({"resourceType": "ValueSet", "status": "active",
                                          "compose": {"include": [{"system": 5}]}}, fhir_io.R5)
    assert ("ValueSet.compose.include[0].system", "Input should be a valid string") in problems


def test_shape_only_ignores_missing_required_elements():
    vs = {"resourceType": "ValueSet", "compose": {"include": [{"system": "http://x",
                                                               "filter": [{"property": "concept", "op": "is-a"}]}]}}
    assert fhir_io.validate_resource(vs, fhir_io.R4)                      # status and filter.value missing
    assert fhir_io.validate_resource(vs, fhir_io.R4, shape_only=True) == []


def test_unknown_resource_type_is_a_problem_not_a_crash():
    assert fhir_io.validate_resource({"resourceType": "Nonsense"}, fhir_io.R5)[0][1].startswith("unknown")
    assert fhir_io.validate_resource([], fhir_io.R5) == [("", "resource is not a JSON object")]


def test_xml_round_trip():
    res = {"resourceType": "Parameters", "parameter": [
        {"name": "result", "valueBoolean": True},
        {"name": "issues", "resource": {"resourceType": "OperationOutcome", "issue": [
            {"severity": "error", "code": "invalid", "details": {"text": "bad"}}]}}]}
    xml = fhir_io.to_xml(res, fhir_io.R5)
    assert xml.startswith(b"<?xml") and b'<valueBoolean value="true"/>' in xml
    assert fhir_io.from_xml(xml, fhir_io.R5) == res


@pytest.mark.parametrize("xml", [
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x "boom">]><Parameters xmlns="http://hl7.org/fhir">'
    b'<parameter><name value="&x;"/></parameter></Parameters>',
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<Parameters xmlns="http://hl7.org/fhir"><parameter><name value="&x;"/></parameter></Parameters>',
    b"<Parameters><parameter/></Parameters>",                                   # not in the FHIR namespace
    b'<Nonsense xmlns="http://hl7.org/fhir"/>',
    b"<not-closed",
])
def test_unsafe_or_broken_xml_is_refused(xml):
    with pytest.raises(fhir_io.XMLError):
        fhir_io.from_xml(xml, fhir_io.R5)
