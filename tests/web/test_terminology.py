"""Every terminology operation over HTTP, on /r4 and /r5, called three ways: GET with a query string,
POST with a Parameters body and POST with a form body. The three must give the same answer."""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from helpers import ANIMALS, LETTERS, SUPPLEMENT, VERSIONED, assert_oo, codes, param, params_named, vs_url

BASES = ["/r4", "/r5"]
FHIR_JSON = "application/fhir+json"

# primitive parameter types, for building Parameters bodies
VALUE_TYPE = {"url": "valueUri", "system": "valueUri", "code": "valueCode", "codeA": "valueCode",
              "codeB": "valueCode", "display": "valueString", "filter": "valueString", "count": "valueInteger",
              "offset": "valueInteger", "activeOnly": "valueBoolean", "displayLanguage": "valueCode",
              "version": "valueString", "property": "valueCode", "includeDesignations": "valueBoolean",
              "abstract": "valueBoolean", "useSupplement": "valueCanonical", "systemVersion": "valueString"}


def as_parameters(pairs: list[tuple[str, object]]) -> dict:
    out = []
    for name, value in pairs:
        vtype = VALUE_TYPE.get(name, "valueString")
        if vtype == "valueInteger":
            value = int(value)
        elif vtype == "valueBoolean":
            value = value in (True, "true")
        out.append({"name": name, vtype: value})
    return {"resourceType": "Parameters", "parameter": out}


def call(client, how: str, path: str, pairs: list[tuple[str, object]], **kw):
    if how == "get":
        return client.get(f"{path}?{urlencode(pairs)}", **kw)
    if how == "post-parameters":
        return client.post(path, json=as_parameters(pairs), content_type=FHIR_JSON, **kw)
    if how == "post-form":
        return client.post(path, data=pairs and {k: [v for n, v in pairs if n == k] for k, _ in pairs}, **kw)
    raise AssertionError(how)


HOWS = ["get", "post-parameters", "post-form"]


def stable(body: dict) -> dict:
    """Drop what legitimately differs between two identical calls (expansion identifier/timestamp)."""
    body = dict(body)
    if "expansion" in body:
        body["expansion"] = {k: v for k, v in body["expansion"].items() if k not in ("identifier", "timestamp")}
    return body


# ---- $lookup ----------------------------------------------------------------------------------
@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("how", HOWS)
def test_lookup(client, base, how):
    r = call(client, how, f"{base}/CodeSystem/$lookup", [("system", ANIMALS), ("code", "dog")])
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["resourceType"] == "Parameters"
    assert param(body, "display") == "Dog"
    assert param(body, "name") == "Animals"
    assert param(body, "version") == "1.0.0"
    assert param(body, "definition").startswith("A domesticated")
    assert param(body, "abstract") is False
    langs = {p["valueCode"] for d in params_named(body, "designation") for p in d["part"] if p["name"] == "language"}
    assert "de" in langs
    props = {part["valueCode"] for p in params_named(body, "property") for part in p["part"] if part["name"] == "code"}
    assert {"colour", "legs", "parent"} <= props


def test_lookup_on_instance_and_unknown_code(client):
    body = client.get("/r5/CodeSystem/animals/$lookup?code=mammal").get_json()
    assert param(body, "display") == "Mammal" and param(body, "abstract") is True
    r = client.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=unicorn")
    assert r.status_code == 404 and r.get_json()["resourceType"] == "OperationOutcome"
    r = client.get("/r5/CodeSystem/$lookup?system=http://nowhere.org/cs&code=x")
    assert 400 <= r.status_code < 500 and r.get_json()["resourceType"] == "OperationOutcome"


def test_lookup_with_display_language_and_supplement(client):
    body = client.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog&displayLanguage=de").get_json()
    assert param(body, "display") == "Hund"
    body = client.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog&useSupplement={SUPPLEMENT}").get_json()
    values = [p["valueString"] for d in params_named(body, "designation") for p in d["part"] if p["name"] == "value"]
    assert "Chien" in values


def test_lookup_selected_properties_only(client):
    body = client.get(f"/r4/CodeSystem/$lookup?system={ANIMALS}&code=dog&property=colour").get_json()
    props = {part["valueCode"] for p in params_named(body, "property") for part in p["part"] if part["name"] == "code"}
    assert props == {"colour"}


def test_lookup_case_insensitive_system(client):
    body = client.get(f"/r5/CodeSystem/$lookup?system={LETTERS}&code=xyz").get_json()
    assert param(body, "code") == "Xyz"


# ---- $validate-code ---------------------------------------------------------------------------
@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("how", HOWS)
def test_codesystem_validate_code(client, base, how):
    ok = call(client, how, f"{base}/CodeSystem/$validate-code", [("url", ANIMALS), ("code", "cat")]).get_json()
    assert param(ok, "result") is True and param(ok, "display") == "Cat"
    bad = call(client, how, f"{base}/CodeSystem/$validate-code",
               [("url", ANIMALS), ("code", "cat"), ("display", "Tiger")]).get_json()
    assert param(bad, "result") is False and "Tiger" in param(bad, "message")


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("how", HOWS)
def test_valueset_validate_code(client, base, how):
    path = f"{base}/ValueSet/$validate-code"
    ok = call(client, how, path, [("url", vs_url("pets")), ("system", ANIMALS), ("code", "parrot")]).get_json()
    assert param(ok, "result") is True
    bad = call(client, how, path, [("url", vs_url("pets")), ("system", ANIMALS), ("code", "oak")]).get_json()
    assert param(bad, "result") is False
    assert param(bad, "issues")["resourceType"] == "OperationOutcome"


def test_valueset_validate_code_on_instance_with_coding(client):
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "coding", "valueCoding": {"system": ANIMALS, "code": "dog", "display": "Dog"}}]}
    r = client.post("/r5/ValueSet/pets/$validate-code", json=body, content_type=FHIR_JSON)
    assert r.status_code == 200 and param(r.get_json(), "result") is True


def test_valueset_validate_code_with_codeable_concept(client):
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": vs_url("mammals")},
        {"name": "codeableConcept", "valueCodeableConcept": {"coding": [
            {"system": ANIMALS, "code": "parrot"}, {"system": ANIMALS, "code": "dog"}]}}]}
    out = client.post("/r4/ValueSet/$validate-code", json=body, content_type=FHIR_JSON).get_json()
    assert param(out, "result") is True and param(out, "code") == "dog"


def test_validate_code_inactive_gives_warning(client):
    out = client.get(f"/r4/ValueSet/animals-all/$validate-code?system={ANIMALS}&code=dodo").get_json()
    assert param(out, "result") is True and param(out, "inactive") is True
    assert any(i["severity"] == "warning" for i in param(out, "issues")["issue"])


def test_validate_code_unknown_value_set(client):
    r = client.get(f"/r4/ValueSet/$validate-code?url=http://nowhere.org/vs&system={ANIMALS}&code=dog")
    assert 400 <= r.status_code < 500 and r.get_json()["resourceType"] == "OperationOutcome"


def test_batch_validate_code(client):
    def item(code):
        return {"name": "validation", "part": [{"name": "url", "valueUri": vs_url("pets")},
                                               {"name": "system", "valueUri": ANIMALS},
                                               {"name": "code", "valueCode": code}]}
    body = {"resourceType": "Parameters", "parameter": [item("dog"), item("oak")]}
    for base in BASES:
        r = client.post(f"{base}/ValueSet/$batch-validate-code", json=body, content_type=FHIR_JSON)
        assert r.status_code == 200
        results = [param(p["resource"], "result") for p in params_named(r.get_json(), "validation")]
        assert results == [True, False]


# ---- $subsumes --------------------------------------------------------------------------------
@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("a,b,outcome", [("animal", "dog", "subsumes"), ("dog", "mammal", "subsumed-by"),
                                         ("dog", "dog", "equivalent"), ("dog", "oak", "not-subsumed")])
def test_subsumes(client, base, how, a, b, outcome):
    r = call(client, how, f"{base}/CodeSystem/$subsumes", [("system", ANIMALS), ("codeA", a), ("codeB", b)])
    assert r.status_code == 200
    assert param(r.get_json(), "outcome") == outcome


def test_subsumes_on_instance_and_with_codings(client):
    assert param(client.get("/r5/CodeSystem/animals/$subsumes?codeA=plant&codeB=oak").get_json(),
                 "outcome") == "subsumes"
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "codingA", "valueCoding": {"system": ANIMALS, "code": "bird"}},
        {"name": "codingB", "valueCoding": {"system": ANIMALS, "code": "parrot"}}]}
    out = client.post("/r4/CodeSystem/$subsumes", json=body, content_type=FHIR_JSON).get_json()
    assert param(out, "outcome") == "subsumes"


def test_subsumes_unknown_code_is_an_error(client):
    r = client.get(f"/r4/CodeSystem/$subsumes?system={ANIMALS}&codeA=dog&codeB=unicorn")
    assert r.status_code == 400 and r.get_json()["resourceType"] == "OperationOutcome"


# ---- $expand ----------------------------------------------------------------------------------
@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("how", HOWS)
def test_expand(client, base, how):
    r = call(client, how, f"{base}/ValueSet/$expand", [("url", vs_url("mammals"))])
    assert r.status_code == 200
    body = r.get_json()
    assert body["resourceType"] == "ValueSet" and body["url"] == vs_url("mammals")
    assert codes(body) == ["mammal", "dog", "cat"]
    assert body["expansion"]["total"] == 3


@pytest.mark.parametrize("how", HOWS)
def test_expand_three_ways_agree(client, how):
    pairs = [("url", vs_url("animals-all")), ("filter", "d"), ("count", "5"), ("displayLanguage", "de")]
    reference = stable(call(client, "get", "/r5/ValueSet/$expand", pairs).get_json())
    assert stable(call(client, how, "/r5/ValueSet/$expand", pairs).get_json()) == reference


def test_expand_on_instance_nested(client):
    body = client.get("/r5/ValueSet/animals-all/$expand").get_json()
    assert [c["code"] for c in body["expansion"]["contains"]] == ["animal", "plant"]
    assert len(codes(body)) == 11


def test_expand_paging(client):
    body = client.get("/r4/ValueSet/animals-all/$expand?offset=2&count=3").get_json()
    assert body["expansion"]["total"] == 11 and body["expansion"]["offset"] == 2
    assert codes(body) == ["dog", "cat", "bird"]


def test_expand_count_zero(client):
    body = client.get("/r4/ValueSet/animals-all/$expand?count=0").get_json()
    assert body["expansion"]["total"] == 11 and "contains" not in body["expansion"]


def test_expand_text_filter_and_active_only(client):
    body = client.get("/r4/ValueSet/animals-all/$expand?filter=do").get_json()
    assert sorted(codes(body)) == ["dodo", "dog"]
    body = client.get("/r4/ValueSet/animals-all/$expand?filter=do&activeOnly=true").get_json()
    assert codes(body) == ["dog"]


def test_expand_display_language(client):
    body = client.get("/r5/ValueSet/pets/$expand?displayLanguage=de").get_json()
    assert [c["display"] for c in body["expansion"]["contains"]] == ["Hund", "Katze", "Papagei"]
    body = client.get("/r5/ValueSet/pets/$expand", headers={"Accept-Language": "en-GB"}).get_json()
    assert body["expansion"]["contains"][2]["display"] == "Colourful parrot"


def test_expand_inline_value_set_in_body(client):
    vs = {"resourceType": "ValueSet", "status": "active", "compose": {"include": [
        {"system": VERSIONED, "version": "1.2.0"}]}}
    for base in BASES:
        r = client.post(f"{base}/ValueSet/$expand", json={"resourceType": "Parameters", "parameter": [
            {"name": "valueSet", "resource": vs}]}, content_type=FHIR_JSON)
        assert r.status_code == 200 and codes(r.get_json()) == ["a", "b", "c"]


def test_expand_r5_only_filter_op_posted_as_r4_extension(client):
    vs = {"resourceType": "ValueSet", "status": "active", "compose": {"include": [
        {"system": ANIMALS, "filter": [{"property": "concept", "value": "animal", "_op": {"extension": [
            {"url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-ValueSet.compose.include.filter.op",
             "valueCode": "child-of"}]}}]}]}}
    r = client.post("/r4/ValueSet/$expand", json={"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": vs}]}, content_type=FHIR_JSON)
    assert r.status_code == 200 and codes(r.get_json()) == ["mammal", "bird"]


def test_expand_with_tx_resource(client):
    cs = {"resourceType": "CodeSystem", "url": "http://example.org/fhir/CodeSystem/adhoc", "status": "active",
          "content": "complete", "concept": [{"code": "x", "display": "Ex"}, {"code": "y", "display": "Why"}]}
    vs = {"resourceType": "ValueSet", "url": "http://example.org/fhir/ValueSet/adhoc", "status": "active",
          "compose": {"include": [{"system": cs["url"]}]}}
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": vs["url"]}, {"name": "tx-resource", "resource": cs},
        {"name": "tx-resource", "resource": vs}]}
    r = client.post("/r5/ValueSet/$expand", json=body, content_type=FHIR_JSON)
    assert r.status_code == 200 and codes(r.get_json()) == ["x", "y"]
    # request-scoped: not visible afterwards
    assert client.get("/r5/ValueSet/$expand?url=http://example.org/fhir/ValueSet/adhoc").status_code >= 400


def test_expand_r4_renders_property_as_extension(client):
    r4 = client.get("/r4/ValueSet/pets/$expand?property=colour").get_json()
    r5 = client.get("/r5/ValueSet/pets/$expand?property=colour").get_json()
    assert r5["expansion"]["contains"][0]["property"] == [{"code": "colour", "valueString": "brown"}]
    assert "property" not in r4["expansion"]["contains"][0]
    assert r4["expansion"]["contains"][0]["extension"][0]["url"].endswith("expansion.contains.property")


def test_expand_cycle_is_an_operation_outcome(client):
    r = client.get("/r4/ValueSet/cycle-a/$expand")
    assert 400 <= r.status_code < 500
    body = r.get_json()
    assert body["resourceType"] == "OperationOutcome" and "circular" in body["issue"][0]["details"]["text"].lower()


def test_expand_too_costly(app):
    from service import create_app

    small = create_app({"CONTENT_DIRS": app.extensions["rrall"]["config"]["CONTENT_DIRS"], "MAX_EXPANSION": 3})
    c = small.test_client()
    r = c.get("/r4/ValueSet/animals-all/$expand")
    assert r.status_code == 422 and r.get_json()["issue"][0]["code"] == "too-costly"
    r = c.get("/r4/ValueSet/animals-all/$expand?count=3")
    assert r.status_code == 200 and r.get_json()["expansion"]["total"] == 11


@pytest.mark.parametrize("query", ["count=-1", "offset=-3"])
def test_expand_negative_paging_is_rejected(client, query):
    r = client.get(f"/r4/ValueSet/animals-all/$expand?{query}")
    assert r.status_code == 400 and r.get_json()["resourceType"] == "OperationOutcome"


# ---- $translate (routes owned by the $translate work; one smoke check per version here) --------
@pytest.mark.parametrize("base,query,key,value", [
    ("/r4", f"system={ANIMALS}&code=dog", "equivalence", "equivalent"),
    ("/r5", f"system={ANIMALS}&sourceCode=dog", "relationship", "equivalent")])
def test_translate_fixture_map(client, base, query, key, value):
    r = client.get(f"{base}/ConceptMap/animals-to-letters/$translate?{query}")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert param(body, "result") is True
    match = params_named(body, "match")[0]["part"]
    assert {p["name"]: p.get("valueCode") for p in match}[key] == value


def test_language_pack_supplement_applies_when_its_language_is_requested(client):
    from helpers import ANIMALS

    body = client.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog&displayLanguage=fr").get_json()
    display = next(p["valueString"] for p in body["parameter"] if p["name"] == "display")
    assert display == "Chien"
    body = client.get(f"/r5/CodeSystem/$lookup?system={ANIMALS}&code=dog").get_json()
    assert next(p["valueString"] for p in body["parameter"] if p["name"] == "display") == "Dog"


def test_invalid_display_language_is_400(client):
    assert_oo(client.get("/r4/ValueSet/pets/$expand?displayLanguage=en_GB!"), 400)


def test_missing_inputs_are_400(client):
    assert_oo(client.get("/r4/ValueSet/$expand"), 400)
    assert_oo(client.get("/r4/CodeSystem/$lookup?code=dog"), 400)
    assert_oo(client.get(f"/r4/CodeSystem/$subsumes?system={ANIMALS}&codeA=dog"), 400)


def test_a_text_filter_with_too_many_words_is_400(client):
    words = " ".join(f"w{i}" for i in range(30))
    assert_oo(client.get(f"/r4/ValueSet/pets/$expand?filter={words}"), 400)


@pytest.mark.parametrize("base", ["/r4", "/r5"])
def test_issues_carry_expression_not_the_deprecated_location(client, base):
    # issue.location is deprecated in R4 and R5 (withdrawn in R6): the FHIRPath goes in expression only
    r = client.get(f"{base}/CodeSystem/$validate-code?url={ANIMALS}&code=no-such-animal")
    assert r.status_code == 200
    params = {p["name"]: p for p in r.get_json()["parameter"]}
    assert params["result"]["valueBoolean"] is False
    issues = params["issues"]["resource"]["issue"]
    assert issues and all("location" not in i for i in issues)
    assert any(i.get("expression") == ["code"] for i in issues), issues
