"""service/web/openapi/components.py: the schemas say what every answer of a kind has, FHIR invariants included."""
from __future__ import annotations

from web.openapi_helpers import op, resolve


def _bundle_schema(path, method="get"):
    return resolve(op(path, method)["responses"]["200"]["content"]["application/fhir+json"]["schema"])


def test_each_bundle_has_the_type_it_is_answered_with():
    assert _bundle_schema("/r4/ValueSet/$bundle")["properties"]["type"]["enum"] == ["collection"]
    assert _bundle_schema("/r5/ValueSet")["properties"]["type"]["enum"] == ["searchset"]
    assert _bundle_schema("/r4", "post")["properties"]["type"]["enum"] == ["batch-response"]
    body = resolve(op("/r5", "post")["requestBody"]["content"]["application/fhir+json"]["schema"])
    assert body["properties"]["type"]["enum"] == ["batch"]


def test_fhir_bundle_invariants_are_in_the_schemas():
    from service.web.openapi.components import schemas

    s = schemas()
    assert s["CollectionBundle"]["not"] == {"required": ["total"]}          # bdl-1
    assert s["BatchResponseBundle"]["not"] == {"required": ["total"]}
    assert s["CollectionBundle"]["properties"]["entry"]["items"]["not"] == {"required": ["search"]}   # bdl-2
    assert "total" in s["ValueSetSearchset"]["properties"]
    assert s["ValueSetSearchset"]["properties"]["entry"]["items"]["properties"]["resource"]["properties"][
        "resourceType"]["enum"] == ["ValueSet", "OperationOutcome"]


def test_error_answers_are_operation_outcomes_in_the_formats_the_server_uses():
    from service.web.openapi.components import responses

    r = responses()
    assert set(r["E400"]["content"]) == {"application/fhir+json", "application/json", "application/fhir+xml",
                                         "text/html"}
    assert set(r["E406"]["content"]) == {"application/fhir+json"}   # a 406 is always FHIR JSON
    assert set(r["E500"]["content"]) == {"application/fhir+json", "application/json"}
    for name, response in r.items():
        assert response["content"]["application/fhir+json"]["schema"] == {
            "$ref": "#/components/schemas/OperationOutcome"}, name
    assert r["E405"]["headers"]["Allow"]["required"] is True
