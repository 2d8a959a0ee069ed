"""openapi.yaml describes exactly the Flask routes, is what the generator makes of the route table, and says
what the code does (types, required parameters, enums, answer formats, Bundle types, error statuses).

openapi.yaml is generated (``python -m service.web.openapi > openapi.yaml``) from service/web/routes.py and the
descriptions in service/web/openapi/table.py; tests/api/test_openapi_contract.py sends its examples to a server.

Mapping from Flask rules to OpenAPI paths:
* ``<rid>`` (and any other ``<name>`` / ``<converter:name>``) becomes ``{id}`` for ``rid``, else ``{name}``;
* ``<any(CodeSystem, ValueSet, ConceptMap):rtype>`` is expanded into one concrete path per alternative
  (``/r4/CodeSystem``, ``/r4/ValueSet``, ``/r4/ConceptMap``), because the resource types are fixed;
* ``/static/...`` (Flask's built-in static route) is ignored;
* methods are compared without HEAD (Flask adds it to GET routes); every path documents OPTIONS, which the
  pipeline answers on every path (204 and Allow).

Needs PyYAML (the ``test`` extra).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SPEC_FILE = REPO / "openapi.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
_ANY = re.compile(r"<any\(([^)]*)\):\w+>")
_VAR = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def flask_to_openapi(rule: str) -> list[str]:
    m = _ANY.search(rule)
    if m:
        out = []
        for alt in (a.strip() for a in m.group(1).split(",")):
            out.extend(flask_to_openapi(rule[:m.start()] + alt + rule[m.end():]))
        return out
    return [_VAR.sub(lambda v: "{id}" if v.group(1) == "rid" else "{" + v.group(1) + "}", rule)]


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def routes(app) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/static"):
            continue
        for path in flask_to_openapi(rule.rule):
            out.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD"})
    return out


def test_mapping_examples():
    assert flask_to_openapi("/r4/CodeSystem/<rid>/$lookup") == ["/r4/CodeSystem/{id}/$lookup"]
    assert flask_to_openapi("/r5/<any(CodeSystem, ValueSet):rtype>/<rid>") == ["/r5/CodeSystem/{id}",
                                                                                "/r5/ValueSet/{id}"]
    assert flask_to_openapi("/x/<path:filename>") == ["/x/{filename}"]


def test_spec_is_openapi_3(spec):
    assert str(spec["openapi"]).startswith("3.0")
    assert spec["info"]["title"] and spec["info"]["version"]


def test_paths_equal_flask_routes(spec, routes):
    documented = set(spec["paths"])
    served = set(routes)
    assert documented - served == set(), "documented but not served"
    assert served - documented == set(), "served but not documented"


def test_methods_equal_flask_methods(spec, routes):
    mismatched = {}
    for path, item in spec["paths"].items():
        documented = {k for k in item if k in HTTP_METHODS}
        if documented != routes.get(path, set()):
            mismatched[path] = (sorted(documented), sorted(routes.get(path, set())))
    assert not mismatched


def _resolve(spec, ref: str):
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _walk_refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _walk_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_refs(v)


def test_every_ref_resolves(spec):
    refs = set(_walk_refs(spec))
    assert refs
    for ref in refs:
        assert _resolve(spec, ref) is not None, ref


def _params(spec, op):
    return [_resolve(spec, p["$ref"]) if "$ref" in p else p for p in op.get("parameters", [])]


def test_path_templates_declare_their_path_parameters(spec):
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            declared = {p["name"] for p in _params(spec, op) if p["in"] == "path"}
            assert declared == names, (path, method)


def test_every_operation_has_success_and_operation_outcome_errors(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            if method == "options":
                assert set(op["responses"]) <= {"204", "404"}, path
                assert op["responses"]["204"]["headers"]["Allow"]["required"] is True, path
                continue
            assert "200" in op["responses"], (path, method)
            errors = [c for c in op["responses"] if c.startswith(("4", "5"))]
            assert errors, (path, method)
            for code in errors:
                resp = op["responses"][code]
                resp = _resolve(spec, resp["$ref"]) if "$ref" in resp else resp
                schema = resp["content"]["application/fhir+json"]["schema"]
                assert schema["$ref"].endswith("/OperationOutcome"), (path, method, code)


def test_operations_document_their_fhir_parameters(spec):
    expand = _params(spec, spec["paths"]["/r4/ValueSet/$expand"]["get"])
    by_name = {p["name"]: p for p in expand}
    for name in ("url", "filter", "count", "offset", "displayLanguage", "activeOnly", "includeDesignations"):
        assert name in by_name and by_name[name]["description"], name
    assert by_name["count"]["schema"]["type"] == "integer"
    assert by_name["activeOnly"]["schema"]["type"] == "boolean"
    lookup = {p["name"] for p in _params(spec, spec["paths"]["/r5/CodeSystem/$lookup"]["get"])}
    assert {"code", "system", "version", "displayLanguage", "property"} <= lookup
    post = spec["paths"]["/r5/ValueSet/$validate-code"]["post"]["requestBody"]["content"]
    assert {"application/fhir+json", "application/x-www-form-urlencoded"} <= set(post)


def test_operation_ids_are_unique(spec):
    ids = [op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m in HTTP_METHODS]
    assert len(ids) == len(set(ids))


# ---- generated from the route table ----------------------------------------------------------------------
def test_the_committed_file_is_what_the_generator_makes():
    from service.web.openapi import generate

    assert SPEC_FILE.read_text(encoding="utf-8") == generate(), \
        "openapi.yaml is out of date: python -m service.web.openapi > openapi.yaml"


def test_the_generator_check_mode_reports_a_stale_file(tmp_path, capsys):
    from service.web.openapi.__main__ import main

    assert main(["--check", str(SPEC_FILE)]) == 0
    stale = tmp_path / "openapi.yaml"
    stale.write_text(SPEC_FILE.read_text(encoding="utf-8").replace("operationId: r4_lookup_get",
                                                                   "operationId: r4_lookup_old"))
    assert main(["--check", str(stale)]) == 1
    assert "r4_lookup_old" in capsys.readouterr().out


def test_a_route_without_a_description_is_an_error():
    from service.web import routes
    from service.web.openapi import MissingDescription, build

    added = routes.Route("history", routes.resources.read, cacheable=True)
    with pytest.raises(MissingDescription, match="history"):   # e.g. a FHIR interaction added to routes.py
        build(fhir_rules=[*routes.FHIR_RULES, ("/CodeSystem/<fhirid:rid>/_history", "history", ["GET"], added)])
    with pytest.raises(MissingDescription, match="about"):     # e.g. a page added to ROOT_RULES
        build(root_rules=[*routes.ROOT_RULES, ("/about", "about", ["GET"], added)])
    with pytest.raises(MissingDescription, match="healthz"):   # a description of a route that is gone
        build(root_rules=[])


def test_the_route_table_is_what_flask_serves(app, routes):
    """The generator reads routes.FHIR_RULES / ROOT_RULES; Flask's url_map holds nothing else."""
    from service.web import routes as table
    from service.web.openapi import expand_rule

    from_table = {p for version in ("r4", "r5") for rule, *_ in table.FHIR_RULES
                  for p, _ in expand_rule(f"/{version}{rule}")}
    from_table |= {p for rule, *_ in table.ROOT_RULES for p, _ in expand_rule(rule)}
    assert from_table == set(routes)


# ---- what the code does, said exactly --------------------------------------------------------------------------
def _op(spec, path, method="get"):
    return spec["paths"][path][method]


def _param(spec, path, name, method="get"):
    return next(p for p in _params(spec, _op(spec, path, method)) if p["name"] == name)


def _schema(spec, node):
    return _resolve(spec, node["$ref"]) if "$ref" in node else node


def test_required_parameters_are_marked_on_get_and_never_on_post(spec):
    for path, required in [("/r4/CodeSystem/$lookup", {"code", "system"}), ("/r5/CodeSystem/{id}/$lookup", {"code"}),
                           ("/r4/CodeSystem/$subsumes", {"codeA", "codeB", "system"}),
                           ("/r5/ValueSet/$validate-code", {"code"}), ("/r4/CodeSystem/$validate-code", {"code"})]:
        get = {p["name"] for p in _params(spec, _op(spec, path)) if p.get("required") and p["in"] == "query"}
        post = {p["name"] for p in _params(spec, _op(spec, path, "post")) if p.get("required") and p["in"] == "query"}
        assert get == required, path
        assert post == set(), path   # a POST may carry them in its body
        assert _op(spec, path, "post")["requestBody"]["required"] is False


def test_parameter_types_are_the_ones_service_params_enforces(spec):
    from service import params as P

    for path, item in spec["paths"].items():
        for method, op in item.items():
            for p in _params(spec, op):
                schema = p["schema"]
                item_schema = schema["items"] if schema.get("type") == "array" else schema
                name = p["name"]
                if p["in"] != "query" or name not in P.TYPED:
                    continue
                if name in P.BOOLEANS:
                    assert item_schema["type"] == "boolean", (path, name)
                elif name in P.INTEGERS:
                    assert (item_schema["type"], item_schema["minimum"], item_schema["maximum"]) == \
                        ("integer", 0, 2147483647), (path, name)
                else:
                    non_empty = item_schema.get("minLength", 0) >= 1 or all(item_schema.get("enum") or [""])
                    assert item_schema["type"] == "string" and non_empty, (path, name)
                assert (schema.get("type") == "array") == (name in P.MULTI or name == "url" and "bundle" in path), \
                    (path, name)
    for name in ("_count", "_offset"):
        schema = _param(spec, "/r5/ValueSet", name)["schema"]
        assert (schema["minimum"], schema["maximum"]) == (0, 2147483647)


def test_enums_are_exactly_what_the_server_accepts(spec):
    from service import bundles
    from service.web import summary
    from service.web.negotiate import negotiate

    formats = _param(spec, "/r4/metadata", "_format")["schema"]["enum"]
    assert all(negotiate(f, None) is not None for f in formats)
    assert {negotiate(f, None) for f in formats} == {"json", "xml", "html"}
    assert negotiate("yaml", None) is None and "yaml" not in formats
    assert _param(spec, "/r4/CodeSystem/{id}", "_summary")["schema"]["enum"] == list(summary.SUMMARY_VALUES)
    assert _param(spec, "/r4/ValueSet/$bundle", "mode")["schema"]["enum"] == list(bundles.MODES)
    assert _param(spec, "/r5/metadata", "mode")["schema"]["enum"] == ["full", "normative", "terminology"]


def test_bundle_types_are_the_ones_answered(spec):
    def bundle_type(path, method="get"):
        content = _op(spec, path, method)["responses"]["200"]["content"]
        schema = _schema(spec, content["application/fhir+json"]["schema"])
        return schema["properties"]["type"]["enum"]

    assert bundle_type("/r4/ValueSet/$bundle") == ["collection"]
    assert bundle_type("/r5/ValueSet") == ["searchset"]
    assert bundle_type("/r4", "post") == ["batch-response"]
    collection = _schema(spec, {"$ref": "#/components/schemas/CollectionBundle"})
    assert collection["not"] == {"required": ["total"]}   # FHIR bdl-1


def test_answer_formats(spec):
    fhir = {"application/fhir+json", "application/json", "application/fhir+xml", "text/html"}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "options":
                continue
            ok = set(op["responses"]["200"]["content"])
            if path.endswith("$expand.csv"):
                assert ok == {"text/csv"}, path
            elif path.endswith("$package"):
                assert ok == {"application/gzip"}, path
            elif path.endswith("$bundle"):
                assert ok == {"application/fhir+json"}, path
            elif path == "/healthz":
                assert ok == {"application/json"}
            elif path in ("/", "/search"):   # pages, and JSON for other clients
                assert ok == {"application/json", "text/html"}
            else:
                assert ok == fhir, (path, method)
            if path != "/healthz":
                assert "406" in op["responses"], (path, method)
            if method == "post":
                assert "413" in op["responses"], path


def test_conditional_gets_document_304_and_the_etag(spec):
    for path in ("/r4/ValueSet/$expand", "/r5/CodeSystem/{id}", "/r4/ValueSet", "/r4/metadata", "/r5/$package",
                 "/r4/ValueSet/$bundle", "/r4/$versions"):
        op = _op(spec, path)
        assert "304" in op["responses"] and op["responses"]["200"]["headers"]["ETag"]["required"], path
        assert any(p["name"] == "If-None-Match" for p in _params(spec, op)), path
    for path in ("/r4/ValueSet/$expand.csv", "/healthz"):   # no ETag, no 304
        assert "304" not in _op(spec, path)["responses"], path


def test_operations_with_fhir_examples_use_real_content(spec):
    import json as _json

    ids = {p["example"] for item in spec["paths"].values() for op in item.values()
           for p in _params(spec, op) if p["in"] == "path" and p["name"] == "id"}
    for rid in ids:
        assert any((REPO / folder).glob(f"*-{rid}.json") for folder in ("codesystems", "valuesets", "conceptmaps")), rid
    symptom = _json.loads((REPO / "codesystems" / "CodeSystem-rr-all-symptom.json").read_text(encoding="utf-8"))
    codes = set()
    stack = list(symptom["concept"])
    while stack:
        c = stack.pop()
        codes.add(c["code"])
        stack.extend(c.get("concept", []))
    assert _param(spec, "/r4/CodeSystem/$lookup", "code")["example"] in codes
    assert _param(spec, "/r4/CodeSystem/$lookup", "system")["example"] == symptom["url"]
