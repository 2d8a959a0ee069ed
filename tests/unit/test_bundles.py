"""service.bundles: value-set collection Bundles (streamed), the $package .tgz and CSV expansions, without HTTP."""
from __future__ import annotations

import csv
import io
import json
import tarfile

import pytest

from helpers import ANIMALS, VERSIONED, vs_url
from service import bundles
from service.convert import r5_to_r4
from service.errors import Invalid, TooCostly, Unresolvable


def same(r):
    return r


# ---- CSV ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,cell", [
    ("=1+1", "'=1+1"), ("@1", "'@1"), ("+cmd", "'+cmd"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("=", "'="),
    ("-5", "-5"), ("+44 20", "+44 20"),            # numbers stay numbers
    ("plain", "plain"), ("a=b", "a=b"), ("", "")])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, cell):
    assert bundles._csv_safe(value) == cell


def test_csv_is_rfc4180_with_a_header_and_crlf():
    rows = [("a", 'Say "hi", then go', "http://x", None), ("b", "Line\nbreak", "http://x", "1")]
    text = b"".join(bundles.csv_chunks(iter(rows))).decode("utf-8")
    assert text.startswith("code,display,system,version\r\n")
    assert '"Say ""hi"", then go"' in text
    assert list(csv.reader(io.StringIO(text))) == [list(bundles.CSV_HEADER), ["a", 'Say "hi", then go', "http://x", ""],
                                                   ["b", "Line\nbreak", "http://x", "1"]]


def test_csv_comes_in_chunks_of_rows():
    chunks = list(bundles.csv_chunks(((f"c{i}", "", "s", "") for i in range(5)), batch=2))
    assert len(chunks) == 3
    assert b"".join(chunks).count(b"\r\n") == 6


def test_expansion_rows_flatten_nesting_and_fill_the_version_from_used_codesystem():
    expanded = {"expansion": {
        "parameter": [{"name": "used-codesystem", "valueUri": f"{ANIMALS}|1.0.0"},
                      {"name": "used-codesystem", "valueUri": "http://x/unversioned"}],
        "contains": [{"system": ANIMALS, "code": "animal", "display": "Animal", "contains": [
            {"system": ANIMALS, "code": "dog", "display": "Dog"},
            {"system": VERSIONED, "version": "1.2.0", "code": "a"}]},
            {"abstract": True, "display": "a grouper without code", "contains": [
                {"system": "http://x/unversioned", "code": "z"}]}]}}
    assert list(bundles.expansion_rows(expanded)) == [
        ("animal", "Animal", ANIMALS, "1.0.0"), ("dog", "Dog", ANIMALS, "1.0.0"), ("a", "", VERSIONED, "1.2.0"),
        ("z", "", "http://x/unversioned", "")]
    assert list(bundles.expansion_rows({})) == []


# ---- ValueSet/$bundle ----------------------------------------------------------------------------------------------
def test_select_valuesets_by_canonical_in_order_without_repeats(registry):
    vss = bundles.select_valuesets(registry, [vs_url("pets"), vs_url("mammals"), vs_url("pets") + "|1.0.0"])
    assert [v["id"] for v in vss] == ["pets", "mammals"]
    everything = bundles.select_valuesets(registry, [])
    assert len(everything) == len(registry.all("ValueSet"))
    assert [v["url"] for v in everything] == sorted(v["url"] for v in everything)
    with pytest.raises(Unresolvable) as info:
        bundles.select_valuesets(registry, ["http://nowhere.org/vs"])
    assert info.value.status == 422
    with pytest.raises(Invalid):
        bundles.select_valuesets(registry, [""])


def test_the_bundle_etag_follows_every_input(registry):
    vss = bundles.select_valuesets(registry, [vs_url("pets")])
    tag = bundles.bundle_etag(vss, "definition", "R4", "0.1.0")
    assert tag == bundles.bundle_etag([dict(v) for v in vss], "definition", "R4", "0.1.0")
    changed = [dict(vss[0], title="Changed")]
    assert len({tag, bundles.bundle_etag(vss, "expanded", "R4", "0.1.0"), bundles.bundle_etag(vss, "definition", "R5",
               "0.1.0"), bundles.bundle_etag(vss, "definition", "R4", "0.2.0"),
               bundles.bundle_etag(changed, "definition", "R4", "0.1.0")}) == 5


def bundle_of(vss, mode, expand=None, convert=same):
    chunks = bundles.valueset_bundle(vss, mode, expand=expand or (lambda vs: {}), convert=convert,
                                     bundle_id="b1", base="http://h/r4")
    return json.loads(b"".join(chunks))


def test_a_bundle_is_one_json_document_streamed_in_chunks(registry):
    vss = bundles.select_valuesets(registry, [vs_url("pets"), vs_url("mammals")])
    out = bundle_of(vss, "definition")
    assert {k: out[k] for k in ("resourceType", "id", "type")} == {
        "resourceType": "Bundle", "id": "b1", "type": "collection"}
    assert "total" not in out   # FHIR bdl-1: Bundle.total only in a searchset or history
    assert [e["fullUrl"] for e in out["entry"]] == ["http://h/r4/ValueSet/pets", "http://h/r4/ValueSet/mammals"]
    assert out["entry"][0]["resource"]["compose"] == vss[0]["compose"]
    assert bundle_of([], "definition")["entry"] == []


def test_metadata_mode_keeps_the_metadata_elements_only(registry):
    vs = dict(registry.by_id("ValueSet", "pets"), purpose="why")
    res = bundle_of([vs], "metadata")["entry"][0]["resource"]
    assert set(res) <= set(bundles.METADATA_KEYS) and "compose" not in res and res["url"] == vs_url("pets")


def test_expanded_mode_adds_the_expansion_or_says_why_it_could_not(registry):
    pets, mammals = registry.by_id("ValueSet", "pets"), registry.by_id("ValueSet", "mammals")

    def expand(vs):
        if vs is mammals:
            raise TooCostly("too many")
        return {"expansion": {"total": 3}}
    out = bundle_of([pets, mammals], "expanded", expand)
    first, second, warning = out["entry"]
    assert first["resource"]["expansion"] == {"total": 3} and "expansion" not in second["resource"]
    issue = warning["resource"]["issue"][0]
    assert warning["resource"]["resourceType"] == "OperationOutcome" and issue["severity"] == "warning"
    assert f"ValueSet '{vs_url('mammals')}' is included without expansion: too many" == issue["details"]["text"]


def test_a_bundle_converts_each_resource_and_refuses_an_unknown_mode(registry):
    out = bundle_of([registry.by_id("ValueSet", "pets")], "definition", convert=lambda r: {**r, "converted": True})
    assert out["entry"][0]["resource"]["converted"] is True
    with pytest.raises(Invalid, match="Unknown mode 'all'"):
        bundle_of([], "all")


# ---- $package ----------------------------------------------------------------------------------------------------
def members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def test_a_package_is_deterministic_and_indexes_every_resource(registry):
    a = bundles.build_package(registry, "R4", name="t.pkg", version="1.2.3", convert=r5_to_r4)
    assert a == bundles.build_package(registry, "R4", name="t.pkg", version="1.2.3", convert=r5_to_r4)
    files = members(a)
    manifest = json.loads(files["package/package.json"])
    assert manifest["name"] == "t.pkg" and manifest["version"] == "1.2.3"
    assert manifest["fhirVersions"] == ["4.0.1"] and manifest["dependencies"] == {"hl7.fhir.r4.core": "4.0.1"}
    index = json.loads(files["package/.index.json"])["files"]
    total = sum(len(registry.all(k)) for k in ("CodeSystem", "ValueSet", "ConceptMap"))
    assert len(index) == total == len(files) - 2
    assert [i["filename"] for i in index] == sorted(i["filename"] for i in index)
    cm = json.loads(files["package/ConceptMap-animals-to-letters.json"])
    assert "equivalence" in json.dumps(cm)                          # converted to R4
    dog = json.loads(files["package/CodeSystem-animals.json"])
    assert any(c["code"] == "animal" for c in dog["concept"])     # code systems with their concepts


def test_an_r5_package_depends_on_the_r5_core(registry):
    manifest = json.loads(members(bundles.build_package(registry, "R5", name="n", version="1", convert=same))[
        "package/package.json"])
    assert manifest["fhirVersions"] == ["5.0.0"] and manifest["dependencies"] == {"hl7.fhir.r5.core": "5.0.0"}
