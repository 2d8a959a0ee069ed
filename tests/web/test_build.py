"""service/web/openapi/build.py: paths from the route table; what a route's flags imply."""
from __future__ import annotations

import pytest

from web.openapi_helpers import op, params, spec


def test_flask_rules_become_openapi_paths():
    from service.web.openapi import expand_rule

    assert expand_rule("/r4/CodeSystem/<fhirid:rid>/$lookup") == [("/r4/CodeSystem/{id}/$lookup", None)]
    assert expand_rule("/r5/<any(CodeSystem, ValueSet):rtype>/<rid>") == [("/r5/CodeSystem/{id}", "CodeSystem"),
                                                                           ("/r5/ValueSet/{id}", "ValueSet")]
    assert expand_rule("/r4/CodeSystem/<fhirid:rid>/concept/<path:code>") == [
        ("/r4/CodeSystem/{id}/concept/{code}", None)]


def test_a_route_without_a_description_is_an_error():
    from service.web import routes
    from service.web.openapi import MissingDescription, build

    added = routes.Route("history", routes.resources.read, cacheable=True)
    with pytest.raises(MissingDescription, match="history"):   # e.g. a FHIR interaction added to routes.py
        build(fhir_rules=[*routes.FHIR_RULES, ("/CodeSystem/<fhirid:rid>/_history", "history", ["GET"], added)])
    with pytest.raises(MissingDescription, match="about"):     # e.g. a page added to ROOT_RULES
        build(root_rules=[*routes.ROOT_RULES, ("/about", "about", ["GET"], added)])
    with pytest.raises(MissingDescription, match="healthz"):   # a description of a route that is gone
        build(root_rules=[r for r in routes.ROOT_RULES if r[1] != "healthz"])


def test_a_path_parameter_without_a_description_is_an_error():
    from service.web import routes
    from service.web.openapi import MissingDescription, build

    renamed = [(rule.replace("<path:code>", "<path:concept>"), *rest) for rule, *rest in routes.FHIR_RULES]
    with pytest.raises(MissingDescription, match="concept"):
        build(fhir_rules=renamed)


def test_the_same_method_routed_twice_is_an_error():
    from service.web import routes
    from service.web.openapi import build

    with pytest.raises(ValueError, match="routed twice"):
        build(root_rules=[*routes.ROOT_RULES, routes.ROOT_RULES[-1]])


def test_what_the_route_flags_imply():
    from service.web import routes

    flags = {rule: route for rule, _e, _m, route in routes.FHIR_RULES}
    assert flags["/metadata"].cacheable and not flags["/$package"].cacheable
    metadata = op("/r4/metadata")["responses"]
    assert metadata["200"]["headers"]["ETag"]["required"] and metadata["200"]["headers"]["Cache-Control"]["required"]
    assert "304" in metadata and "406" in metadata
    assert any(p["name"] == "If-None-Match" for p in params(op("/r4/metadata")))
    csv = op("/r4/ValueSet/$expand.csv")
    assert "304" not in csv["responses"] and "ETag" not in csv["responses"]["200"].get("headers", {})
    assert "406" not in op("/healthz")["responses"]                       # not negotiated
    post = op("/r5/ValueSet/$expand", "post")["responses"]
    assert {"413", "415"} <= set(post) and "304" not in post
    assert "ETag" in post["200"]["headers"] and not post["200"]["headers"]["ETag"]["required"]
    assert "415" not in op("/r5/$versions", "post")["responses"]          # its body is never read
    assert "404" in op("/r4/{rtype}/$validate", "post")["responses"]


def test_answer_formats():
    fhir = {"application/fhir+json", "application/json", "application/fhir+xml", "text/html"}
    special = {"$expand.csv": {"text/csv"}, "$package": {"application/gzip"}, "$bundle": {"application/fhir+json"},
               "/healthz": {"application/json"}, "/readyz": {"application/json"}, "/metrics": {"text/plain"},
               "/": {"application/json", "text/html"},
               "/search": {"application/json", "text/html"}}
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method == "options":
                continue
            ok = set(operation["responses"]["200"]["content"])
            expected = next((v for k, v in special.items() if path.endswith(k) and (k[0] != "/" or path == k)), fhir)
            assert ok == expected, (path, method)
            if method == "post":
                assert "413" in operation["responses"], path


def test_options_lists_the_exact_allow_of_each_path():
    for path, item in spec()["paths"].items():
        allow = item["options"]["responses"]["204"]["headers"]["Allow"]["schema"]["enum"]
        methods = {m.upper() for m in item if m != "options"}
        exact = ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"}))
        assert exact in allow and set(allow) <= {exact, "GET, HEAD, POST, OPTIONS"}, path
