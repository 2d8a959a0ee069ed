"""Imported SNOMED CT and LOINC releases served through the API (issue #15): loading `.rrcs` files from content
folders beside our content, read/search, the complete release replacing our verified fragment, $lookup,
$subsumes, $validate-code, implicit value sets, the SNOMED CT and LOINC compose filters, and the three forms of
value set (stored, inline `valueSet`, `tx-resource`) answering alike. Fixtures: tests/fixtures/rf2 and
tests/fixtures/loinc (synthetic, see their READMEs)."""
from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import pytest

from helpers import FIXTURES, codes, param, params_named
from rf2_fixture import IDS, RF2
from service import create_app
from service.config import ROOT
from service.importers import loinc, snomed

SCT = "http://snomed.info/sct"
LNC = "http://loinc.org"
OUR_CONTENT = [str(ROOT / "codesystems"), str(ROOT / "valuesets"), str(ROOT / "conceptmaps")]
STORED_VS = {"resourceType": "ValueSet", "id": "shapes-quadrilaterals", "url": "http://example.org/vs/quadrilaterals",
             "version": "1", "name": "Quadrilaterals", "status": "active",
             "compose": {"include": [{"system": SCT, "filter": [
                 {"property": "concept", "op": "is-a", "value": IDS["Q"]}]}]}}


@pytest.fixture(scope="module")
def release_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("releases")
    snomed.write(RF2, root / "snomed", progress=False)
    loinc.write(FIXTURES / "loinc", root / "loinc", progress=False)
    (root / "vs").mkdir()
    (root / "vs" / "ValueSet-quadrilaterals.json").write_text(json.dumps(STORED_VS))
    return root


@pytest.fixture(scope="module")
def client(release_dirs):
    dirs = OUR_CONTENT + [str(release_dirs / d) for d in ("snomed", "loinc", "vs")]
    return create_app({"CONTENT_DIRS": dirs, "PACKAGES": []}).test_client()


def _get(client, path, status=200):
    r = client.get(path)
    assert r.status_code == status, r.get_data(as_text=True)[:800]
    return r.get_json()


def _post(client, path, body, status=200):
    r = client.post(path, json=body, content_type="application/fhir+json")
    assert r.status_code == status, r.get_data(as_text=True)[:800]
    return r.get_json()


def _issues(body) -> list[tuple[str, str]]:
    oo = param(body, "issues") or {"issue": []}
    return [(i["severity"], next((e["valueString"] for e in i.get("extension", [])
                                  if e["url"].endswith("operationoutcome-message-id")), "")) for i in oo["issue"]]


# ---- loading, read and search -----------------------------------------------------------------------
def test_read_answers_the_metadata_tagged_subsetted(client):
    cs = _get(client, "/r4/CodeSystem/snomed-29999999105")
    assert cs["url"] == SCT and cs["content"] == "complete" and cs["count"] == 18 and "concept" not in cs
    assert {"code": "SUBSETTED", "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
            "display": "subsetted"} in cs["meta"]["tag"]
    assert _get(client, "/r5/CodeSystem/loinc")["version"] == "9.10"


def test_search_lists_the_release_beside_our_fragment(client):
    bundle = _get(client, f"/r4/CodeSystem?url={SCT}")
    by_id = {e["resource"]["id"]: e["resource"] for e in bundle["entry"]}
    assert set(by_id) == {"snomed-29999999105", "snomedct-verified-fragment"}
    assert by_id["snomed-29999999105"]["meta"]["tag"][0]["code"] == "SUBSETTED"


def test_a_complete_release_replaces_our_verified_fragment(client):
    fragment = json.loads((ROOT / "codesystems" / "CodeSystem-snomedct-verified-fragment.json").read_text())
    code = fragment["concept"][0]["code"]
    # the fragment would answer this code; the complete release does not hold it: unknown, not "maybe elsewhere"
    body = _get(client, f"/r4/CodeSystem/$validate-code?url={SCT}&code={code}")
    assert param(body, "result") is False
    assert ("error", "Unknown_Code_in_Version") in _issues(body)
    assert "version 'http://snomed.info/sct/29999999105/version/20240301'" in param(body, "message")
    assert "fragment" not in param(body, "message")
    lookup = _get(client, f"/r4/CodeSystem/$lookup?system={SCT}&code={IDS['SQ']}")
    assert param(lookup, "version") == "http://snomed.info/sct/29999999105/version/20240301"


def test_the_release_is_in_the_content_fingerprint(release_dirs, tmp_path):
    from service.content import load_registry
    copy = tmp_path / "snomed"
    shutil.copytree(release_dirs / "snomed", copy)
    first = load_registry([str(copy)]).content_hash
    assert load_registry([str(copy)]).content_hash == first            # stable across starts
    shutil.rmtree(copy)
    loinc.write(FIXTURES / "loinc", copy, progress=False, version="9.11")  # another release in the folder
    assert load_registry([str(copy)]).content_hash != first


def test_an_unreadable_release_file_is_a_content_error(tmp_path):
    from service.content import ContentError, load_registry
    (tmp_path / "broken.rrcs").write_bytes(b"not a release")
    with pytest.raises(ContentError, match="broken.rrcs"):
        load_registry([str(tmp_path)])


def _value(prop: dict):
    part = next(p for p in prop["part"] if p["name"] == "value")
    return next(v for k, v in part.items() if k.startswith("value"))


# ---- $lookup, $subsumes, $validate-code on SNOMED CT ----------------------------------------------------
def test_lookup_gives_the_preferred_term_fsn_synonyms_and_hierarchy(client):
    body = _get(client, f"/r4/CodeSystem/$lookup?system={SCT}&code={IDS['CS']}")
    assert param(body, "display") == "Colored shape"
    des = [{p["name"]: p.get("valueString") or p.get("valueCode") or p.get("valueCoding", {}).get("code")
            for p in d["part"]} for d in params_named(body, "designation")]
    assert {"language": "en", "use": "900000000000003001", "value": "Colored shape (synthetic)"} in des
    assert {"language": "en-GB", "use": "preferredForLanguage", "value": "Coloured shape"} in des
    props = {p["part"][0]["valueCode"]: _value(p) for p in params_named(body, "property")}
    assert props["parent"] == IDS["ROOT"] and props["inactive"] is False and props["moduleId"] == IDS["MOD"]
    gb = _get(client, f"/r4/CodeSystem/$lookup?system={SCT}&code={IDS['CS']}&displayLanguage=en-GB")
    assert param(gb, "display") == "Coloured shape"
    children = [_value(p) for p in params_named(
        _get(client, f"/r4/CodeSystem/$lookup?system={SCT}&code={IDS['T']}"), "property")
        if p["part"][0]["valueCode"] == "child"]
    assert sorted(children) == sorted([IDS["RT"], IDS["IT"]])
    inactive = _get(client, f"/r4/CodeSystem/$lookup?system={SCT}&code={IDS['OS']}&property=inactive")
    assert _value(params_named(inactive, "property")[0]) is True


@pytest.mark.parametrize("a, b, outcome", [
    ("RT", "RIT", "subsumes"), ("IT", "RIT", "subsumes"), ("T", "RIT", "subsumes"),    # both parents of RIT
    ("RIT", "RT", "subsumed-by"), ("SQ", "SQ", "equivalent"), ("RT", "IT", "not-subsumed"),
    ("REC", "RHO", "not-subsumed"), ("RHO", "SQ", "subsumes"), ("CI", "T", "not-subsumed")])
def test_subsumes_over_the_polyhierarchy(client, a, b, outcome):
    body = _get(client, f"/r5/CodeSystem/$subsumes?system={SCT}&codeA={IDS[a]}&codeB={IDS[b]}")
    assert param(body, "outcome") == outcome


def test_validate_code_flags_an_inactive_concept(client):
    body = _get(client, f"/r4/CodeSystem/$validate-code?url={SCT}&code={IDS['OS']}")
    assert param(body, "result") is True and param(body, "inactive") is True
    assert ("warning", "INACTIVE_CONCEPT_FOUND") in _issues(body)
    vs = _get(client, f"/r4/ValueSet/$validate-code?url={quote(SCT + '?fhir_vs')}&system={SCT}&code={IDS['OS']}"
                      "&activeOnly=true")
    assert param(vs, "result") is False


# ---- implicit value sets -----------------------------------------------------------------------------------
def _expand(client, url, extra=""):
    return _get(client, f"/r4/ValueSet/$expand?url={quote(url, safe='')}{extra}")


def test_implicit_isa_refset_ecl_and_all(client):
    isa = _expand(client, f"{SCT}?fhir_vs=isa/{IDS['Q']}")
    assert codes(isa) == [IDS["Q"], IDS["REC"], IDS["SQ"], IDS["RHO"]]
    assert isa["url"] == f"{SCT}?fhir_vs=isa/{IDS['Q']}"
    assert sorted(codes(_expand(client, f"{SCT}?fhir_vs=refset/{IDS['RS']}"))) == sorted(
        [IDS["SQ"], IDS["CI"], IDS["T"]])
    assert codes(_expand(client, f"{SCT}?fhir_vs=refset")) == [IDS["RS"]]
    ecl = _expand(client, f"{SCT}?fhir_vs=ecl/<< {IDS['T']} |Triangle| MINUS ({IDS['RIT']} OR {IDS['IT']})")
    assert codes(ecl) == [IDS["T"], IDS["RT"]]
    everything = _expand(client, f"{SCT}?fhir_vs", "&count=5")
    assert everything["expansion"]["total"] == 18 and len(everything["expansion"]["contains"]) == 5
    versioned = _expand(client, f"{SCT}/{IDS['MOD']}/version/20240301?fhir_vs=isa/{IDS['C']}")
    assert codes(versioned) == [IDS["C"], IDS["CI"], IDS["EL"]]
    assert _expand(client, f"{SCT}/{IDS['MOD']}?fhir_vs=isa/{IDS['C']}")["expansion"]["total"] == 3


def test_implicit_value_sets_that_do_not_resolve(client):
    for url in (f"{SCT}/{IDS['MOD']}/version/20990101?fhir_vs", f"{SCT}?fhir_vs=nonsense/1",
                f"{SCT}/1234567?fhir_vs"):
        body = _get(client, f"/r4/ValueSet/$expand?url={quote(url, safe='')}", 422)
        assert body["resourceType"] == "OperationOutcome"


def test_implicit_value_set_in_validate_code_and_as_an_import(client):
    url = f"{SCT}?fhir_vs=isa/{IDS['T']}"
    ok = _get(client, f"/r4/ValueSet/$validate-code?url={quote(url, safe='')}&system={SCT}&code={IDS['RIT']}")
    assert param(ok, "result") is True and param(ok, "display") == "Right isosceles triangle"
    out = _get(client, f"/r4/ValueSet/$validate-code?url={quote(url, safe='')}&system={SCT}&code={IDS['SQ']}")
    assert param(out, "result") is False
    importing = {"resourceType": "ValueSet", "url": "http://example.org/vs/imp", "status": "active",
                 "compose": {"include": [{"valueSet": [url, f"{SCT}?fhir_vs=refset/{IDS['RS']}"]}]}}
    body = _post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": importing}]})
    assert codes(body) == [IDS["T"]]                      # the triangles that are in the refset


def test_ecl_syntax_error_is_a_400_naming_the_position(client):
    r = client.get(f"/r4/ValueSet/$expand?url={quote(SCT + '?fhir_vs=ecl/<< ' + IDS['T'] + ' AND OR 1', safe='')}")
    assert r.status_code == 400
    text = r.get_json()["issue"][0]["details"]["text"]
    assert f"ECL syntax error at character {len('<< ' + IDS['T'] + ' AND ') + 1}" in text


# ---- compose filters, in the three forms of value set ------------------------------------------------------
def _forms(client, vs: dict, extra: list[dict]) -> list[dict]:
    """$expand of vs stored (url), inline (valueSet) and as a tx-resource; returns the three answers."""
    stored = _post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": vs["url"]}] + extra})
    inline = _post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": dict(vs, url="http://example.org/vs/inline")}] + extra})
    tx = _post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": "http://example.org/vs/tx"},
        {"name": "tx-resource", "resource": dict(vs, url="http://example.org/vs/tx", id="tx")}] + extra})
    return [stored, inline, tx]


@pytest.mark.parametrize("extra, expected", [
    ([], ["Q", "REC", "SQ", "RHO"]),
    ([{"name": "count", "valueInteger": 2}], ["Q", "REC"]),
    ([{"name": "offset", "valueInteger": 2}, {"name": "count", "valueInteger": 5}], ["SQ", "RHO"]),
    ([{"name": "filter", "valueString": "squ"}], ["SQ"]),
    ([{"name": "filter", "valueString": "diamond"}], ["RHO"]),         # a synonym matches
])
def test_stored_inline_and_tx_resource_value_sets_answer_alike(client, extra, expected):
    answers = _forms(client, STORED_VS, extra)
    by_name = {v: k for k, v in IDS.items()}
    for body in answers:
        assert [by_name[c] for c in codes(body)] == expected
        assert body["expansion"]["total"] == (len(expected) if not any(p["name"] in ("count", "offset")
                                                                      for p in extra) else 4)


def test_compose_filters_descendent_of_in_and_constraint(client):
    def expand(*filters, **include):
        vs = {"resourceType": "ValueSet", "status": "active", "compose": {"include": [
            dict({"system": SCT, "filter": list(filters)}, **include)]}}
        return codes(_post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
            {"name": "valueSet", "resource": vs}]}))
    assert expand({"property": "concept", "op": "descendent-of", "value": IDS["Q"]}) == [IDS["REC"], IDS["SQ"], IDS["RHO"]]
    assert sorted(expand({"property": "concept", "op": "in", "value": IDS["RS"]})) == sorted(
        [IDS["SQ"], IDS["CI"], IDS["T"]])
    assert expand({"property": "concept", "op": "in", "value": IDS["RS"]},
                  {"property": "concept", "op": "is-a", "value": IDS["Q"]}) == [IDS["SQ"]]
    assert expand({"property": "constraint", "op": "=", "value": f"<! {IDS['Q']}"}) == [IDS["REC"], IDS["RHO"]]
    r = client.post("/r4/ValueSet/$expand", json={"resourceType": "Parameters", "parameter": [{
        "name": "valueSet", "resource": {"resourceType": "ValueSet", "status": "active", "compose": {"include": [{
            "system": SCT, "filter": [{"property": "constraint", "op": "=", "value": "<< ("}]}]}}}]},
        content_type="application/fhir+json")
    assert r.status_code == 400 and "at character" in r.get_json()["issue"][0]["details"]["text"]


def test_excludes_and_compose_inactive_over_a_release(client):
    vs = {"resourceType": "ValueSet", "status": "active", "compose": {
        "inactive": False,
        "include": [{"system": SCT}, {"system": SCT, "concept": [{"code": IDS["SQ"]}]}],
        "exclude": [{"system": SCT, "filter": [{"property": "concept", "op": "is-a", "value": IDS["P"]}]},
                    {"system": SCT, "concept": [{"code": IDS["CI"]}]}]}}
    body = _post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": vs}]})
    got = set(codes(body))
    assert IDS["OS"] not in got and IDS["CI"] not in got and IDS["SQ"] not in got and IDS["P"] not in got
    assert got == {IDS[k] for k in ("ROOT", "MOD", "RS", "ATTR", "C", "EL", "CS")}
    assert body["expansion"]["total"] == 7


# ---- LOINC -----------------------------------------------------------------------------------------------
def test_loinc_all_codes_and_property_filters(client):
    assert _expand(client, "http://loinc.org/vs")["expansion"]["total"] == 11

    def expand(prop, op, value):
        vs = {"resourceType": "ValueSet", "status": "active", "compose": {"include": [
            {"system": LNC, "filter": [{"property": prop, "op": op, "value": value}]}]}}
        return sorted(codes(_post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
            {"name": "valueSet", "resource": vs}]})))
    assert expand("SYSTEM", "=", "BldMar") == ["9990017-2", "9990058-1"]
    assert expand("COMPONENT", "regex", "Quorin.*") == ["9990033-4", "9990041-7"]
    assert expand("SCALE_TYP", "=", "Qn") == ["9990017-2", "9990025-0", "9990041-7"]
    assert expand("METHOD_TYP", "regex", "F.") == ["9990017-2"]
    assert expand("CLASS", "=", "SYNCHEM") == ["9990033-4", "9990041-7"]
    assert expand("PROPERTY", "=", "NFr") == ["9990025-0"]
    assert expand("STATUS", "regex", "DISCOURAGED|DEPRECATED") == ["9990033-4", "9990041-7"]
    vs = {"resourceType": "ValueSet", "status": "active", "compose": {"include": [
        {"system": LNC, "filter": [{"property": "SYSTEM", "op": "=", "value": "BldMar"}]}]}}
    good = _post(client, "/r4/ValueSet/$validate-code", {"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": vs}, {"name": "system", "valueUri": LNC},
        {"name": "code", "valueCode": "9990058-1"}]})
    bad = _post(client, "/r4/ValueSet/$validate-code", {"resourceType": "Parameters", "parameter": [
        {"name": "valueSet", "resource": vs}, {"name": "system", "valueUri": LNC},
        {"name": "code", "valueCode": "9990033-4"}]})
    assert param(good, "result") is True and param(bad, "result") is False


def test_loinc_deprecated_and_discouraged_codes_are_reported(client):
    deprecated = _get(client, f"/r4/CodeSystem/$validate-code?url={LNC}&code=9990041-7")
    assert param(deprecated, "inactive") is True and ("warning", "INACTIVE_CONCEPT_FOUND") in _issues(deprecated)
    assert "retired" in param(deprecated, "message")
    discouraged = _get(client, f"/r4/CodeSystem/$validate-code?url={LNC}&code=9990033-4")
    assert param(discouraged, "result") is True
    assert ("warning", "DEPRECATED_CONCEPT_FOUND") in _issues(discouraged)
    active = _get(client, f"/r4/CodeSystem/$validate-code?url={LNC}&code=9990017-2")
    assert _issues(active) == [] and param(active, "result") is True


def test_a_release_span_beside_listed_codes_of_a_fragment(client):
    """A compose mixing a release (a span) with codes a fragment cannot confirm: both kept, in include order,
    and the fragment's unconfirmed code still named in the expansion's unclosed reason."""
    fragment = {"resourceType": "CodeSystem", "url": "http://x/frag", "version": "1", "status": "active",
                "content": "fragment", "concept": [{"code": "a"}, {"code": "b"}]}
    vs = {"resourceType": "ValueSet", "url": "http://example.org/vs/mixed", "status": "active", "compose": {
        "include": [{"system": SCT, "filter": [{"property": "concept", "op": "is-a", "value": IDS["Q"]}]},
                    {"system": "http://x/frag", "concept": [{"code": "a"}, {"code": "y"}]}]}}
    body = _post(client, "/r4/ValueSet/$expand", {"resourceType": "Parameters", "parameter": [
        {"name": "url", "valueUri": vs["url"]}, {"name": "tx-resource", "resource": fragment},
        {"name": "tx-resource", "resource": vs}]})
    assert codes(body) == [IDS["Q"], IDS["REC"], IDS["SQ"], IDS["RHO"], "a", "y"]
    reason = next(e["valueString"] for e in body["expansion"]["extension"] if e["url"].endswith("unclosed-reason"))
    assert "http://x/frag#y" in reason and body["expansion"]["total"] == 6
