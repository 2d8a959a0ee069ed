"""service.operations.expand: the $expand handler -- value set resolution, the parameters a value set declares,
supplements, then select, page and render."""
from __future__ import annotations

import json


def test_version_defaults_declared_by_a_value_set_are_part_of_the_expansion():
    """A ValueSet's own valueset-expansion-parameter system-version changes which version is expanded."""
    from service import create_app
    from helpers import FIXTURES

    app = create_app({"CONTENT_DIRS": [str(FIXTURES)]})
    c = app.test_client()
    versioned = "http://example.org/fhir/CodeSystem/versioned"
    vs = {"resourceType": "ValueSet", "url": "http://x/vs-sysver", "status": "active", "compose": {
        "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter",
                       "extension": [{"url": "name", "valueCode": "system-version"},
                                     {"url": "value", "valueUri": f"{versioned}|1.0.0"}]}],
        "include": [{"system": versioned}]}}
    body = {"resourceType": "Parameters", "parameter": [{"name": "valueSet", "resource": vs}]}
    out = c.post("/r5/ValueSet/$expand", data=json.dumps(body), content_type="application/fhir+json").get_json()
    used = [p["valueUri"] for p in out["expansion"]["parameter"] if p["name"] == "used-codesystem"]
    assert used == [f"{versioned}|1.0.0"]


# ---- apply_valueset_defaults and the handler, without HTTP --------------------------------------------------------
EXP = "http://hl7.org/fhir/StructureDefinition/valueset-expansion-parameter"


def declaring(**params) -> dict:
    exts = [{"url": EXP, "extension": [{"url": "name", "valueCode": name}, {"url": "value", value_key: value}]}
            for name, (value_key, value) in params.items()]
    return {"resourceType": "ValueSet", "url": "http://x/vs/declaring", "status": "active",
            "extension": exts, "compose": {"include": [{"system": "http://example.org/fhir/CodeSystem/animals",
                                                        "concept": [{"code": "dog"}, {"code": "cat"}]}]}}


def test_a_value_set_without_declared_parameters_leaves_the_request_alone(make_ctx):
    from service import params as P
    from service.operations import apply_valueset_defaults

    req = P.expand({"count": [1]})
    assert apply_valueset_defaults(make_ctx(), declaring(), req) is req


def test_declared_parameters_apply_where_the_request_sets_none(make_ctx):
    from service import params as P
    from service.operations import apply_valueset_defaults

    vs = declaring(count=("valueInteger", 1), displayLanguage=("valueCode", "de"),
                   **{"system-version": ("valueUri", "http://example.org/fhir/CodeSystem/versioned|1.0.0")})
    ctx = make_ctx()
    req = apply_valueset_defaults(ctx, vs, P.expand({"count": [2]}))
    assert req.count == 2                                       # the request's own value stays
    assert req.display_language == "de" and ctx.prefs.tags == ["de"] and ctx.prefs.source == "param"
    assert ctx.system_version == {"http://example.org/fhir/CodeSystem/versioned": "1.0.0"}


def test_a_requested_language_is_not_replaced_by_the_declared_one(make_ctx):
    from service import params as P
    from service.operations import apply_valueset_defaults

    ctx = make_ctx(lang="fr")
    req = apply_valueset_defaults(ctx, declaring(displayLanguage=("valueCode", "de")), P.expand({"displayLanguage": ["fr"]}))
    assert req.display_language == "fr" and ctx.prefs.tags == ["fr"]


def test_the_handler_applies_declared_parameters_to_the_expansion(run_expand):
    out = run_expand({"valueSet": [declaring(displayLanguage=("valueCode", "de"), count=("valueInteger", 1))]})
    assert out["expansion"]["total"] == 2 and [c["display"] for c in out["expansion"]["contains"]] == ["Hund"]
    assert {"name": "count", "valueInteger": 1} in out["expansion"]["parameter"]
