"""Content tests: the repo's terminology files pass every check, and each check
catches the breakage it is meant to catch (tiny fixtures built per test)."""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from service.content_checks import SEED_DOCUMENTS, check_dirs, valid_bcp47  # noqa: E402

CONTENT_DIRS = [REPO / "codesystems", REPO / "valuesets", REPO / "conceptmaps"]
VERIFIED = REPO / "content" / "reference" / "verified-codes.json"
BASE = "http://terminology.rr-all.org/fhir"
SCT = "http://snomed.info/sct"
SEED = SEED_DOCUMENTS[0]


def _fmt(problems) -> str:
    return "\n".join(str(p) for p in problems)


# ---------------------------------------------------------------- repo content
def test_repo_content_has_no_problems():
    assert VERIFIED.is_file(), "the verified codes are project data: content/reference/verified-codes.json"
    problems = check_dirs(CONTENT_DIRS, VERIFIED)
    assert problems == [], "content problems:\n" + _fmt(problems)


def test_repo_content_is_substantial():
    files = [p for d in CONTENT_DIRS for p in d.glob("*.json")]
    counts = {"CodeSystem": 0, "ValueSet": 0, "ConceptMap": 0}
    concepts = 0

    def walk(cs):
        for c in cs:
            yield c
            yield from walk(c.get("concept", []))

    for f in files:
        res = json.loads(f.read_text(encoding="utf-8"))
        counts[res["resourceType"]] += 1
        if res["resourceType"] == "CodeSystem" and res.get("content") != "fragment":
            concepts += sum(1 for _ in walk(res["concept"]))   # our own concepts, not verified external fragments
    assert counts["CodeSystem"] >= 10 and counts["ValueSet"] >= counts["CodeSystem"] and counts["ConceptMap"] >= 5
    assert 150 <= concepts <= 400


def test_repo_external_codes_need_verified_file():
    problems = check_dirs(CONTENT_DIRS, None)
    assert problems, "external codes must be reported when no verified-codes file is given"
    assert all("cannot be checked" in p.message for p in problems), _fmt(problems)


def test_every_codesystem_concept_cites_a_seed():
    for f in (REPO / "codesystems").glob("*.json"):
        res = json.loads(f.read_text(encoding="utf-8"))
        if not res["url"].startswith(BASE):
            continue   # verified external fragments: checked against verified-codes.json instead
        stack = list(res["concept"])
        while stack:
            c = stack.pop()
            stack.extend(c.get("concept", []))
            cited = [p["valueString"] for p in c.get("property", []) if p["code"] == "source-document"]
            assert cited and set(cited) <= set(SEED_DOCUMENTS), (f.name, c["code"])


def test_external_fragments_hold_only_verified_codes():
    frags = [json.loads(f.read_text(encoding="utf-8")) for f in (REPO / "codesystems").glob("*-verified-fragment.json")]
    assert {r["url"] for r in frags} >= {"http://hl7.org/fhir/sid/icd-10-cm", "http://snomed.info/sct"}
    assert all(r["content"] == "fragment" for r in frags)
    verified = json.loads(VERIFIED.read_text(encoding="utf-8"))
    known = {(e["system"], e["code"]): e["display"] for e in verified["codes"] + verified.get("other_system_codes", [])}
    for r in frags:
        for c in r["concept"]:
            assert known.get((r["url"], c["code"])) == c["display"], (r["url"], c["code"])


def test_an_unverified_code_in_an_external_fragment_is_reported(tmp_path):
    frag = {"resourceType": "CodeSystem", "id": "x-frag", "url": "http://snomed.info/sct", "status": "active",
            "content": "complete", "concept": [{"code": "999999999", "display": "Made up"}]}
    d = tmp_path / "content"
    d.mkdir()
    (d / "CodeSystem-x-frag.json").write_text(json.dumps(frag))
    msgs = _messages(check_dirs([d], VERIFIED))
    assert "must be published as a fragment" in msgs
    assert "999999999" in msgs


# ---------------------------------------------------------------- fixtures
def _codesystem():
    return {
        "resourceType": "CodeSystem", "id": "t-cs", "url": f"{BASE}/CodeSystem/t-cs", "version": "0.1.0",
        "name": "TCS", "status": "active", "content": "complete", "caseSensitive": True,
        "hierarchyMeaning": "is-a", "valueSet": f"{BASE}/ValueSet/t-vs",
        "property": [
            {"code": "source-document", "type": "string"},
            {"code": "parent", "uri": "http://hl7.org/fhir/concept-properties#parent", "type": "code"},
        ],
        "concept": [
            {"code": "root", "display": "Root", "definition": "Top concept.",
             "property": [{"code": "source-document", "valueString": SEED}],
             "concept": [
                 {"code": "a", "display": "Alpha", "definition": "First child.",
                  "designation": [{"language": "en-GB", "value": "Alpha (GB)"}],
                  "property": [{"code": "source-document", "valueString": SEED}]},
                 {"code": "b", "display": "Beta", "definition": "Second child.",
                  "property": [{"code": "source-document", "valueString": SEED}]},
             ]},
        ],
    }


def _valueset():
    return {
        "resourceType": "ValueSet", "id": "t-vs", "url": f"{BASE}/ValueSet/t-vs", "status": "active",
        "title": "Test set", "description": "Everything under root.", "purpose": "Testing the checks.",
        "compose": {"include": [
            {"system": f"{BASE}/CodeSystem/t-cs", "filter": [{"property": "concept", "op": "is-a", "value": "root"}]},
            {"system": SCT, "concept": [{"code": "123", "display": "Thing"}]},
        ]},
    }


def _conceptmap():
    return {
        "resourceType": "ConceptMap", "id": "t-cm", "url": f"{BASE}/ConceptMap/t-cm", "status": "active",
        "sourceUri": f"{BASE}/ValueSet/t-vs", "targetUri": f"{BASE}/ValueSet/t-vs",
        "group": [{"source": f"{BASE}/CodeSystem/t-cs", "target": SCT, "element": [
            {"code": "a", "target": [{"code": "123", "display": "Thing", "equivalence": "wider"}]},
        ]}],
    }


def _verified(tmp_path: Path) -> Path:
    path = tmp_path / "verified.json"
    path.write_text(json.dumps({"codes": [
        {"concept_id": "a", "system": SCT, "code": "123", "display": "Thing", "equivalence": "wider"},
        {"concept_id": "other", "system": SCT, "code": "456", "display": "Other", "equivalence": "related"},
    ]}))
    return path


def _run(tmp_path, cs=None, vs=None, cm=None, verified=True, extra=()):
    d = tmp_path / "content"
    d.mkdir(exist_ok=True)
    for res in (cs or _codesystem(), vs or _valueset(), cm or _conceptmap(), *extra):
        (d / f"{res['resourceType']}-{res['id']}.json").write_text(json.dumps(res))
    return check_dirs([d], _verified(tmp_path) if verified else None)


def _messages(problems):
    return " | ".join(p.message for p in problems)


def test_clean_fixture_passes(tmp_path):
    problems = _run(tmp_path)
    assert problems == [], _fmt(problems)


def test_duplicate_display_is_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][1]["display"] = "ALPHA"
    problems = _run(tmp_path, cs=cs)
    assert any("duplicates concept 'a'" in p.message for p in problems), _fmt(problems)


def test_cycle_is_reported(tmp_path):
    cs = _codesystem()
    # root > a (nested), and root declares a as its parent -> root -> a -> root
    cs["concept"][0]["property"].append({"code": "parent", "valueCode": "a"})
    problems = _run(tmp_path, cs=cs)
    assert any("hierarchy cycle" in p.message for p in problems), _fmt(problems)


def test_duplicate_code_nesting_cycle_is_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][0]["concept"] = [copy.deepcopy(cs["concept"][0])]
    cs["concept"][0]["concept"][0]["concept"][0]["concept"] = []
    cs["concept"][0]["concept"][0]["concept"][0]["display"] = "Root again"
    problems = _run(tmp_path, cs=cs)
    msgs = _messages(problems)
    assert "duplicate code 'root'" in msgs and "hierarchy cycle" in msgs, msgs


def test_missing_definition_is_reported(tmp_path):
    cs = _codesystem()
    del cs["concept"][0]["concept"][1]["definition"]
    problems = _run(tmp_path, cs=cs)
    assert any("'b' has no definition" in p.message for p in problems), _fmt(problems)


def test_missing_or_unknown_source_document_is_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][0]["property"] = []
    cs["concept"][0]["concept"][1]["property"] = [{"code": "source-document", "valueString": "999_nope.txt"}]
    msgs = _messages(_run(tmp_path, cs=cs))
    assert "'a' has no source-document" in msgs and "'999_nope.txt' is not a known seed" in msgs, msgs


def test_undeclared_property_and_wrong_type_are_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][0]["property"].append({"code": "colour", "valueString": "red"})
    cs["concept"][0]["concept"][1]["property"].append({"code": "parent", "valueString": "root"})
    msgs = _messages(_run(tmp_path, cs=cs))
    assert "'colour' is not declared" in msgs and "declared as code but has valueString" in msgs, msgs


def test_bad_bcp47_designation_is_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][0]["designation"][0]["language"] = "en_GB"
    problems = _run(tmp_path, cs=cs)
    assert any("BCP-47" in p.message and "en_GB" in p.message for p in problems), _fmt(problems)


@pytest.mark.parametrize("tag", ["en", "en-GB", "en-US", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1996", "es-419",
                                 "sl-rozaj-biske", "en-US-x-twain", "x-private", "zh-yue-HK", "en-a-bbb-x-a-ccc"])
def test_bcp47_accepts_well_formed_tags(tag):
    assert valid_bcp47(tag)


@pytest.mark.parametrize("tag", ["", "en_GB", "e", "en-", "-en", "en--GB", "1en", "toolonglang", "en-GB-",
                                 "de-DE-1996-1996", "en-a-bbb-a-ccc", "en-GB-x", None, 42])
def test_bcp47_rejects_malformed_tags(tag):
    assert not valid_bcp47(tag)


def test_unverified_external_code_is_reported(tmp_path):
    vs = _valueset()
    vs["compose"]["include"][1]["concept"].append({"code": "999999", "display": "Made up"})
    cm = _conceptmap()
    cm["group"][0]["element"][0]["target"].append({"code": "888888", "equivalence": "related"})
    problems = _run(tmp_path, vs=vs, cm=cm)
    files = {Path(p.file).name for p in problems if "is not in verified-codes" in p.message}
    assert files == {"ValueSet-t-vs.json", "ConceptMap-t-cm.json"}, _fmt(problems)


def test_external_codes_without_verified_file_are_reported(tmp_path):
    problems = _run(tmp_path, verified=False)
    assert len([p for p in problems if "cannot be checked" in p.message]) == 2, _fmt(problems)


def test_wrong_equivalence_is_reported(tmp_path):
    cm = _conceptmap()
    cm["group"][0]["element"][0]["target"][0]["equivalence"] = "equivalent"
    problems = _run(tmp_path, cm=cm)
    assert any("equivalence 'equivalent'" in p.message for p in problems), _fmt(problems)


def test_code_verified_for_other_concept_keeps_its_equivalence(tmp_path):
    cm = _conceptmap()
    cm["group"][0]["element"].append({"code": "b", "target": [{"code": "456", "equivalence": "equivalent"}]})
    problems = _run(tmp_path, cm=cm)
    assert any("does not match verified ['related', 'relatedto']" in p.message for p in problems), _fmt(problems)


def test_wrong_external_display_is_reported(tmp_path):
    vs = _valueset()
    vs["compose"]["include"][1]["concept"][0]["display"] = "Something else"
    problems = _run(tmp_path, vs=vs)
    assert any("differs from verified 'Thing'" in p.message for p in problems), _fmt(problems)


def test_unknown_local_codes_are_reported(tmp_path):
    vs = _valueset()
    vs["compose"]["include"][0]["filter"][0]["value"] = "nope"
    vs["compose"]["include"].append({"system": f"{BASE}/CodeSystem/missing", "concept": [{"code": "x"}]})
    cm = _conceptmap()
    cm["group"][0]["element"][0]["code"] = "zzz"
    msgs = _messages(_run(tmp_path, vs=vs, cm=cm))
    assert "code 'nope' is not in" in msgs and "code 'zzz' is not in" in msgs and "unknown code system" in msgs, msgs


def test_duplicate_id_and_url_and_dangling_valueset_are_reported(tmp_path):
    twin = _valueset()
    twin["id"] = "t-vs2"
    cm = _conceptmap()
    cm["targetUri"] = f"{BASE}/ValueSet/does-not-exist"
    problems = _run(tmp_path, cm=cm, extra=[twin])
    msgs = _messages(problems)
    assert "duplicate url" in msgs and "ValueSet 'http://terminology.rr-all.org/fhir/ValueSet/does-not-exist'" in msgs, msgs
    d = tmp_path / "content"
    same_id = _valueset()
    same_id["url"] = f"{BASE}/ValueSet/other"
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "ValueSet-t-vs.json").write_text(json.dumps(same_id))
    problems = check_dirs([d, tmp_path / "more"], _verified(tmp_path))
    assert any("duplicate id 't-vs'" in p.message for p in problems), _fmt(problems)


def test_invalid_json_and_invalid_fhir_are_reported(tmp_path):
    cs = _codesystem()
    cs["caseSensitive"] = "maybe"
    d = tmp_path / "content"
    d.mkdir()
    (d / "CodeSystem-broken.json").write_text("{not json")
    problems = _run(tmp_path, cs=cs)
    msgs = _messages(problems)
    assert "not valid JSON" in msgs and "FHIR R4" in msgs, msgs


# ---------------------------------------------------------------- wording and attribution
def test_british_spelling_in_us_text_is_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][1]["definition"] = "Cells that characterise the leukaemia."
    cs["concept"][0]["concept"][0]["designation"].append({"language": "en", "value": "Anaemia sign"})
    msgs = _messages(_run(tmp_path, cs=cs))
    assert "British spelling characterise, leukaemia" in msgs and "British spelling Anaemia" in msgs, msgs


def test_proper_name_with_british_spelling_is_allowed(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][1]["definition"] = "Figures attributed to Leukaemia Care."
    assert _run(tmp_path, cs=cs) == []


def test_missing_or_american_en_gb_designation_is_reported(tmp_path):
    cs = _codesystem()
    cs["concept"][0]["concept"][1]["display"] = "Leukemia cells"
    cs["concept"][0]["display"] = "Anemia"
    cs["concept"][0]["designation"] = [{"language": "en-GB", "value": "Anemia"}]
    msgs = _messages(_run(tmp_path, cs=cs))
    assert "no en-GB designation (expected 'Leukaemia cells')" in msgs, msgs
    assert "en-GB designation ['Anemia'] has American spelling" in msgs, msgs


def _label(seed_file: str) -> str:
    from service.content_checks import SEED_LABELS
    return next(label for label, f in SEED_LABELS.items() if f == seed_file)


def test_statement_attributed_to_an_uncited_document_is_reported(tmp_path):
    cs = _codesystem()
    cs["property"].append({"code": "document-view", "type": "string"})
    cs["concept"][0]["concept"][0]["property"] += [
        {"code": "document-view", "valueString": "The Together resource: says something"},
        {"code": "document-view", "valueString": "no seed named here"},
        {"code": "document-view", "valueString": f"{_label(SEED)}: cited, so fine"}]
    msgs = _messages(_run(tmp_path, cs=cs))
    assert "attributed to the Together resource, which the concept does not cite" in msgs, msgs
    assert "does not start with a seed document's name" in msgs, msgs
    assert msgs.count("document-view") == 2, msgs


def test_valueset_without_title_description_or_purpose_is_reported(tmp_path):
    vs = _valueset()
    del vs["purpose"]
    vs["description"] = " "
    msgs = _messages(_run(tmp_path, vs=vs))
    assert "needs a purpose" in msgs and "needs a description" in msgs and "needs a title" not in msgs, msgs


def test_definitions_and_statements_name_documents_for_people():
    """People read "Leukaemia Care says", not "003 says" (the build writes each seed's label)."""
    import re

    bare = re.compile(r"(?<![\w/.-])00[0-4](?![\w-])")
    for f in sorted((REPO / "codesystems").glob("CodeSystem-rr-all-*.json")):
        for c in json.loads(f.read_text(encoding="utf-8"))["concept"]:
            texts = [c.get("definition", "")] + [p.get("valueString", "") for p in c.get("property", [])
                                                 if p["code"] != "source-document"]
            assert not any(bare.search(t) for t in texts), (f.name, c["code"])
