"""service/web/openapi/catalogue.py: parameter types and values come from the code that enforces them."""
from __future__ import annotations

from web.openapi_helpers import op, param, params, spec


def test_operation_parameter_types_are_the_ones_service_params_enforces():
    from service import params as P
    from service.web.openapi.catalogue import operation_schema

    assert operation_schema("activeOnly") == {"type": "boolean"}
    assert operation_schema("count") == {"type": "integer", "minimum": 0, "maximum": 2147483647}
    assert operation_schema("property")["type"] == "array" and operation_schema("property")["minItems"] == 1
    for path, item in spec()["paths"].items():
        for operation in item.values():
            for p in params(operation):
                name, schema = p["name"], p["schema"]
                if p["in"] != "query" or name not in P.TYPED:
                    continue
                one = schema["items"] if schema.get("type") == "array" else schema
                if name in P.BOOLEANS:
                    assert one["type"] == "boolean", (path, name)
                elif name in P.INTEGERS:
                    assert (one["type"], one["minimum"], one["maximum"]) == ("integer", 0, 2147483647), (path, name)
                else:
                    non_empty = one.get("minLength", 0) >= 1 or all(one.get("enum") or [""])
                    assert one["type"] == "string" and non_empty, (path, name)
                repeating = name in P.MULTI or (name == "url" and path.endswith("$bundle"))
                assert (schema.get("type") == "array") == repeating, (path, name)
    for name in ("_count", "_offset"):
        assert (param("/r5/ValueSet", name)["schema"]["minimum"], param("/r5/ValueSet", name)["schema"]["maximum"]) \
            == (0, 2147483647)


def test_format_values_are_exactly_those_negotiation_understands():
    from service.web.negotiate import negotiate

    formats = param("/r4/metadata", "_format")["schema"]["enum"]
    assert {negotiate(f, None) for f in formats} == {"json", "xml", "html"}
    assert "application/fhir+json" in formats and "xml" in formats and "html" in formats
    assert negotiate("yaml", None) is None and "yaml" not in formats


def test_other_enums_follow_the_server():
    from service import bundles
    from service.web import summary

    assert param("/r4/CodeSystem/{id}", "_summary")["schema"]["enum"] == list(summary.SUMMARY_VALUES)
    assert param("/r4/ValueSet/$bundle", "mode")["schema"]["enum"] == list(bundles.MODES)
    assert param("/r5/CodeSystem", "_total")["schema"]["enum"] == ["none", "estimate", "accurate"]


def test_search_parameters_and_modifiers_come_from_search_params():
    from service.web import search_params
    from service.web.openapi.catalogue import search_parameters

    names = {name for name, _d, _s in search_parameters()}
    for name in search_params.STRING:
        assert {name, f"{name}:exact", f"{name}:contains"} <= names
    assert {"url", "url:below", "url:above", "status", "version", "_id"} <= names
    documented = {p["name"] for p in params(op("/r4/ConceptMap"))}
    assert names <= documented and "_sort" not in documented   # _sort is not supported (a 400)
