"""service.web.routes: every rule under /r4 and /r5 in Flask's url_map with its methods, handler and caching."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.routing import Map, Rule

from service.web import batch, downloads, resources, routes, terminology, validate

RULES = {endpoint: (rule, methods, route) for rule, endpoint, methods, route in routes.FHIR_RULES}


@pytest.fixture(scope="module")
def installed():
    """install() on a bare Flask app: (its rules by endpoint, the endpoint -> Route table it returns)."""
    app = Flask("routes-test")
    table = routes.install(app)
    return {r.endpoint: r for r in app.url_map.iter_rules()}, table


def test_every_fhir_rule_exists_under_r4_and_r5_with_its_methods(installed):
    rules, table = installed
    assert len(table) == 2 * len(routes.FHIR_RULES) + len(routes.ROOT_RULES)
    for rule, endpoint, methods, route in routes.FHIR_RULES:
        for version in ("r4", "r5"):
            got = rules[f"{version}.{endpoint}"]
            assert got.rule == f"/{version}{rule}"
            assert set(methods) <= got.methods
            assert not (got.methods - set(methods) - {"HEAD", "OPTIONS"})
            assert table[f"{version}.{endpoint}"] is route
    assert rules["healthz"].rule == "/healthz" and table["healthz"].negotiated is False


def test_operations_come_at_type_and_instance_level():
    for name, handler in [("lookup", terminology.lookup), ("expand", terminology.expand),
                          ("vs-validate-code", terminology.vs_validate_code), ("translate", terminology.translate)]:
        type_rule, type_methods, type_route = RULES[name]
        inst_rule, inst_methods, inst_route = RULES[name + "-instance"]
        assert inst_rule == type_rule.replace("/$", "/<fhirid:rid>/$")
        assert type_methods == inst_methods == ["GET", "POST"]
        assert type_route.handler is inst_route.handler is handler


@pytest.mark.parametrize("endpoint,cacheable", [
    ("metadata", True), ("read", True), ("search", True), ("lookup", True), ("expand-instance", True),
    ("cs-validate-code", True), ("subsumes", True), ("translate", True), ("batch-validate-code", True),
    ("versions", True), ("valueset-bundle", False), ("expand-csv", False), ("package", False),
    ("validate", False), ("validate-type", False), ("batch", False)])
def test_which_answers_may_be_cached(endpoint, cacheable):
    assert RULES[endpoint][2].cacheable is cacheable


def test_handlers_of_downloads_validate_batch_and_resources():
    assert RULES["valueset-bundle"][2].handler is downloads.valueset_bundle
    assert RULES["package"][2].handler is downloads.package
    assert RULES["expand-csv-instance"][2].handler is downloads.expand_csv
    assert RULES["validate-type"][2].handler is validate.validate
    assert RULES["batch"][2].handler is batch.batch and RULES["batch"][0] == ""
    assert RULES["read"][2].handler is resources.read and RULES["metadata"][1] == ["GET"]


@pytest.mark.parametrize("rid,ok", [("pets", True), ("a-b.c", True), ("x" * 64, True), ("x" * 65, False),
                                    ("$expand", False), ("a_b", False), ("", False)])
def test_a_fhir_id_is_1_to_64_letters_digits_dashes_and_dots(rid, ok):
    assert bool(re.fullmatch(routes.FHIR_ID_PATTERN, rid)) is ok


def test_the_app_routes_the_same_table(app):
    """create_app installs exactly these rules (the pipeline dispatches on them)."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    assert endpoints == {f"{v}.{e}" for v in ("r4", "r5") for e in RULES} | {e for _r, e, _m, _t in routes.ROOT_RULES}


def test_an_operation_name_never_matches_as_an_id():
    m = Map()
    m.converters["fhirid"] = routes.FhirIdConverter
    for rule, endpoint, methods, _route in routes.FHIR_RULES:
        m.add(Rule("/r5" + rule, endpoint=endpoint, methods=methods))
    adapter = m.bind("localhost")
    assert adapter.match("/r5/ValueSet/$expand", "GET") == ("expand", {})
    assert adapter.match("/r5/ValueSet/pets/$expand", "GET") == ("expand-instance", {"rid": "pets"})
    assert adapter.match("/r5/CodeSystem/animals", "GET") == ("read", {"rtype": "CodeSystem", "rid": "animals"})
