"""service/web/openapi/table.py: one description per route endpoint; what a GET cannot do without."""
from __future__ import annotations

from web.openapi_helpers import op, params


def test_every_route_endpoint_has_exactly_one_description():
    from service.web import routes
    from service.web.openapi.table import DESCRIBED, LAYER_RULES

    endpoints = {e for _r, e, _m, _x in [*routes.FHIR_RULES, *routes.ROOT_RULES, *LAYER_RULES]}
    assert endpoints == set(DESCRIBED)


def test_required_parameters_are_marked_on_get_and_never_on_post():
    for path, required in [("/r4/CodeSystem/$lookup", {"code", "system"}), ("/r5/CodeSystem/{id}/$lookup", {"code"}),
                           ("/r4/CodeSystem/$subsumes", {"codeA", "codeB", "system"}),
                           ("/r5/ValueSet/$validate-code", {"code"}), ("/r4/CodeSystem/$validate-code", {"code"})]:
        get = {p["name"] for p in params(op(path)) if p.get("required") and p["in"] == "query"}
        post = {p["name"] for p in params(op(path, "post")) if p.get("required") and p["in"] == "query"}
        assert get == required, path
        assert post == set(), path   # a POST may carry them in its body
        assert op(path, "post")["requestBody"]["required"] is False


def test_an_instance_operation_takes_the_resource_from_its_path():
    lookup = {p["name"] for p in params(op("/r4/CodeSystem/{id}/$lookup"))}
    assert "code" in lookup and "system" not in lookup and "id" in lookup
    expand = {p["name"] for p in params(op("/r5/ValueSet/{id}/$expand"))}
    assert "url" not in expand and "filter" in expand
    assert "404" in op("/r5/ValueSet/{id}/$expand")["responses"]
    assert "404" not in op("/r5/ValueSet/$expand")["responses"]   # an unknown canonical is a 422


def test_translate_examples_use_each_versions_own_parameter_names():
    r4 = {p["name"] for p in params(op("/r4/ConceptMap/$translate")) if "example" in p}
    r5 = {p["name"] for p in params(op("/r5/ConceptMap/$translate")) if "example" in p}
    assert {"code", "targetsystem"} <= r4 and not {"sourceCode", "targetSystem"} & r4
    assert {"sourceCode", "targetSystem"} <= r5 and not {"code", "targetsystem"} & r5
