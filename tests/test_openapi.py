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
    from service.web.openapi.table import LAYER_RULES

    documented = set(spec["paths"])
    served = set(routes)
    assert documented - served == {rule for rule, *_ in LAYER_RULES}, "documented but not served by a route"
    assert served - documented == set(), "served but not documented"


def test_paths_outside_the_route_table_are_answered(client):
    from service.web.openapi.table import LAYER_RULES

    for rule, _endpoint, methods, _route in LAYER_RULES:
        for method in methods:
            assert client.open(rule, method=method, buffered=True).status_code == 200, (rule, method)


def test_methods_equal_flask_methods(spec, routes):
    from service.web.openapi.table import LAYER_RULES

    routes = {**routes, **{rule: {m.lower() for m in methods} | {"options"} for rule, _e, methods, _r in LAYER_RULES}}
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
            if path in ("/metrics", "/readyz"):   # answered by layers: no OperationOutcome error answers
                continue
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


def test_the_route_table_is_what_flask_serves(app, routes):
    """The generator reads routes.FHIR_RULES / ROOT_RULES; Flask's url_map holds nothing else."""
    from service.web import routes as table
    from service.web.openapi import expand_rule

    from_table = {p for version in ("r4", "r5") for rule, *_ in table.FHIR_RULES
                  for p, _ in expand_rule(f"/{version}{rule}")}
    from_table |= {p for rule, *_ in table.ROOT_RULES for p, _ in expand_rule(rule)}
    assert from_table == set(routes)
