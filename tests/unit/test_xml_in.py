"""service.xml_in: FHIR XML bodies into the JSON shape, linear in the input and within limits (issue #14,
defects 2 and 6)."""
from __future__ import annotations

import time

import pytest

from service import fhir_io, request_clock, xml_in
from service.errors import TooCostly

NS = 'xmlns="http://hl7.org/fhir"'


def parameters_xml(n: int) -> bytes:
    parts = [f"<Parameters {NS}>", '<parameter><name value="url"/><valueUri value="http://x.org/vs"/></parameter>']
    parts += [f'<parameter><name value="designation"/><valueString value="d{i}"/></parameter>' for i in range(n)]
    return ("".join(parts) + "</Parameters>").encode()


def test_primitives_are_typed_and_lists_kept_in_order():
    xml = (f'<Parameters {NS}><parameter><name value="count"/><valueInteger value="20"/></parameter>'
           '<parameter><name value="activeOnly"/><valueBoolean value="true"/></parameter>'
           '<parameter><name value="d"/><valueDecimal value="1.50"/></parameter>'
           '<parameter><name value="i64"/><valueString value="007"/></parameter></Parameters>').encode()
    out = fhir_io.from_xml(xml, fhir_io.R4)
    assert out == {"resourceType": "Parameters", "parameter": [
        {"name": "count", "valueInteger": 20}, {"name": "activeOnly", "valueBoolean": True},
        {"name": "d", "valueDecimal": 1.5}, {"name": "i64", "valueString": "007"}]}


def test_primitive_extensions_and_ids_go_to_the_underscore_element_aligned_with_the_list():
    ext = '<extension url="http://x.org/e"><valueCode value="c"/></extension>'
    xml = (f'<CodeSystem {NS}><id value="cs1"/><url value="http://x.org/cs"/><status value="active"/>'
           f'<content value="complete"/><concept id="k1"><code value="a"/>'
           f'<designation><value value="A"/></designation></concept>'
           f'<concept><code value="b"/><display id="d2">{ext}</display></concept></CodeSystem>').encode()
    out = fhir_io.from_xml(xml, fhir_io.R5)
    assert out["id"] == "cs1"   # a resource id is an element, an element id an attribute
    assert out["concept"][0] == {"id": "k1", "code": "a", "designation": [{"value": "A"}]}
    assert out["concept"][1] == {"code": "b", "_display": {
        "id": "d2", "extension": [{"url": "http://x.org/e", "valueCode": "c"}]}}


def test_repeating_primitives_with_extensions_stay_aligned():
    xml = (f'<ValueSet {NS}><status value="active"/><compose><include><system value="http://s"/>'
           '<filter><property value="concept"/><op value="is-a"/><value value="x"/></filter>'
           '</include></compose><useContext><code><code value="u"/></code><valueCodeableConcept>'
           '<text value="t"/></valueCodeableConcept></useContext>'
           '<contact><name value="n"/><telecom><system value="email"/><value value="a@b"/></telecom></contact>'
           '<jurisdiction><coding><code value="1"/></coding><coding id="c2"><code value="2"/></coding></jurisdiction>'
           '</ValueSet>').encode()
    out = fhir_io.from_xml(xml, fhir_io.R4)
    assert out["jurisdiction"][0]["coding"] == [{"code": "1"}, {"id": "c2", "code": "2"}]
    xml = f'<Patient {NS}><name><given value="a"/><given id="g"/><given value="c"/></name></Patient>'.encode()
    assert fhir_io.from_xml(xml, fhir_io.R4)["name"][0] == {"given": ["a", None, "c"], "_given": [None, {"id": "g"}, None]}


def test_resources_inside_parameters_and_narrative_xhtml():
    xml = (f'<Parameters {NS}><parameter><name value="valueSet"/><resource><ValueSet>'
           '<text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p class="x">a &amp; b'
           '<br/></p></div></text><status value="draft"/></ValueSet></resource></parameter></Parameters>').encode()
    vs = fhir_io.from_xml(xml, fhir_io.R4)["parameter"][0]["resource"]
    assert vs["resourceType"] == "ValueSet" and vs["status"] == "draft"
    assert vs["text"]["div"] == '<div xmlns="http://www.w3.org/1999/xhtml"><p class="x">a &amp; b<br/></p></div>'


@pytest.mark.parametrize("xml, words", [
    (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x "boom">]><Parameters xmlns="http://hl7.org/fhir"/>',
     "document type declaration"),
    (b'<!DOCTYPE p SYSTEM "file:///etc/passwd"><Parameters xmlns="http://hl7.org/fhir"/>', "document type"),
    (f'<Parameters {NS}><parameter><name value="&x;"/></parameter></Parameters>'.encode(), "undefined entity"),
    (f'<Parameters {NS}><parameter></Parameters>'.encode(), "mismatched tag (line 1, column"),
    (b'<Parameters/>', "not in the FHIR namespace"),
    (f'<Nonsense {NS}/>'.encode(), "unknown resourceType 'Nonsense'"),
    (f'<Coding {NS}/>'.encode(), "unknown resourceType 'Coding'"),
    (f'<Parameters {NS}><foo/></Parameters>'.encode(), "unknown element 'foo' in Parameters"),
    (f'<Parameters {NS}><parameter><name value="a"/><name value="b"/></parameter></Parameters>'.encode(),
     "occurs more than once"),
    (f'<Parameters {NS}><parameter><valueBoolean value="yes"/></parameter></Parameters>'.encode(),
     "'yes' of Parameters.parameter[0].valueBoolean is not a valid boolean"),
    (f'<Parameters {NS}><parameter><valueInteger value="1.5"/></parameter></Parameters>'.encode(), "integer"),
    (f'<Parameters {NS}><parameter><valueDecimal value="1e99999"/></parameter></Parameters>'.encode(), "decimal"),
    (f'<Parameters {NS}><parameter foo="1"/></Parameters>'.encode(), "unexpected attribute 'foo'"),
    (f'<Parameters {NS}><parameter>text</parameter></Parameters>'.encode(), "text is not allowed"),
    (f'<Parameters {NS}><parameter><resource/></parameter></Parameters>'.encode(), "must contain a resource"),
    (b"", "no element found"),
    (b"\xff\xfe\x00garbage", "not well-formed"),
])
def test_refused_with_a_plain_message(xml, words):
    with pytest.raises(fhir_io.XMLError) as err:
        fhir_io.from_xml(xml, fhir_io.R4)
    text = str(err.value)
    assert words in text and err.value.status == 400
    for internal in ("lxml", "expat", "pydantic", "defusedxml", "Error(", "Traceback"):
        assert internal not in text


def test_limits_on_size_depth_attributes_and_elements():
    small = xml_in.Limits(max_bytes=10_000, max_depth=8, max_attributes=4, max_elements=50)
    with pytest.raises(fhir_io.XMLError, match="larger than 10,000 bytes") as err:
        fhir_io.from_xml(b" " * 10_001, fhir_io.R4, small)
    assert err.value.status == 413
    with pytest.raises(fhir_io.XMLError, match="more than 50 elements") as err:
        fhir_io.from_xml(parameters_xml(30), fhir_io.R4, small)
    assert err.value.status == 413
    deep = f"<Parameters {NS}><parameter>" + "<part>" * 10 + "</part>" * 10 + "</parameter></Parameters>"
    with pytest.raises(fhir_io.XMLError, match="more than 8 deep"):
        fhir_io.from_xml(deep.encode(), fhir_io.R4, small)
    attrs = " ".join(f'a{i}="x"' for i in range(5))
    with pytest.raises(fhir_io.XMLError, match="more than 4 attributes"):
        fhir_io.from_xml(f"<Parameters {NS}><parameter {attrs}/></Parameters>".encode(), fhir_io.R4, small)


def test_configure_applies_the_settings_process_wide():
    try:
        assert xml_in.configure({"MAX_XML_DEPTH": 5}).max_depth == 5
        with pytest.raises(fhir_io.XMLError, match="more than 5 deep"):
            fhir_io.from_xml(f"<Parameters {NS}><parameter>{'<part>' * 6}{'</part>' * 6}</parameter></Parameters>"
                         .encode(), fhir_io.R4)
    finally:
        xml_in.configure({})
    assert xml_in.configure({}) == xml_in.Limits()


def test_the_request_deadline_covers_parsing():
    token = request_clock.begin(-1.0)   # already past
    try:
        with pytest.raises(TooCostly):
            fhir_io.from_xml(parameters_xml(2000), fhir_io.R4)
        fhir_io.from_xml(parameters_xml(10), fhir_io.R4)   # small documents are not checked mid-way
    finally:
        request_clock.end(token)


def test_twenty_thousand_parameters_in_linear_time():
    """Defect 2: 20,000 entries took 8.6 s through the models (quadratic); now about 0.15 s."""
    fhir_io.from_xml(parameters_xml(10), fhir_io.R4)   # warm the element tables
    start = time.perf_counter()
    out = fhir_io.from_xml(parameters_xml(20_000), fhir_io.R4)
    assert time.perf_counter() - start < 2.0
    assert len(out["parameter"]) == 20_001 and out["parameter"][-1]["valueString"] == "d19999"


def test_an_element_with_200000_attributes_is_refused_quickly():
    """Defect 2: one element with 200,000 attributes (2.3 MB) kept a worker busy for 6 minutes."""
    attrs = " ".join(f'a{i}="x"' for i in range(200_000))
    data = f"<Parameters {NS}><parameter {attrs}/></Parameters>".encode()
    start = time.perf_counter()
    with pytest.raises(fhir_io.XMLError, match="more than 32 attributes"):
        fhir_io.from_xml(data, fhir_io.R4)
    assert time.perf_counter() - start < 5.0


def test_agrees_with_the_models_on_our_content(tmp_path):
    """Every content file, written as XML by the models and read back, gives the JSON the models give."""
    import json

    from helpers import FIXTURES

    for path in sorted(FIXTURES.glob("*.json")):
        res = json.loads(path.read_text(encoding="utf-8"))
        xml = fhir_io.to_xml(res, fhir_io.R4)
        expected = fhir_io._model_class(fhir_io.R4, res["resourceType"]).model_validate_xml(xml).model_dump(
            mode="json", exclude_none=True)
        assert fhir_io.from_xml(xml, fhir_io.R4) == expected, path.name
