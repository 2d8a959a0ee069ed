"""service.web.downloads on our own RR-ALL content: ValueSet/$bundle (streamed), $package (.tgz), $expand.csv; a
download accepts its own media type only."""
from __future__ import annotations

import csv
import io
import json
import tarfile

import pytest

from helpers import content_version
from pkgfixture import make_package
from service.web.downloads import _safe_name

RR = "http://terminology.rr-all.org/fhir"
SITE = f"{RR}/CodeSystem/rr-all-relapse-site"
SITE_VS = f"{RR}/ValueSet/rr-all-relapse-site"


@pytest.mark.parametrize("mode", ["definition", "expanded", "metadata"])
def test_valueset_bundle_modes(rc, mode):
    r = rc.get(f"/r4/ValueSet/$bundle?url={SITE_VS}&mode={mode}")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"] and r.headers.get("ETag")
    bundle = json.loads(r.data)
    assert bundle["type"] == "collection" and len([e for e in bundle["entry"] if "fullUrl" in e]) == 1
    assert "total" not in bundle   # FHIR bdl-1: total only in a searchset or history (found by schemathesis)
    vs = bundle["entry"][0]["resource"]
    assert vs["url"] == SITE_VS
    assert ("compose" in vs) == (mode != "metadata")
    assert ("expansion" in vs) == (mode == "expanded")
    if mode == "expanded":
        codes = [c["code"] for c in vs["expansion"]["contains"]]
        assert "cns-relapse" in json.dumps(vs["expansion"]) and codes
    again = rc.get(f"/r4/ValueSet/$bundle?url={SITE_VS}&mode={mode}", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_valueset_bundle_all_and_errors(rc, rr_app):
    everything = json.loads(rc.get("/r5/ValueSet/$bundle").data)
    assert len(everything["entry"]) == len(rr_app.extensions["rrall"]["registry"].all("ValueSet")) > 10
    assert rc.get("/r4/ValueSet/$bundle?url=http://example.org/nope").status_code == 422
    assert rc.get("/r4/ValueSet/$bundle?mode=everything").status_code == 400
    assert rc.get("/r4/ValueSet/$bundle?color=red").status_code == 400


@pytest.mark.parametrize("version,fhir", [("r4", "4.0.1"), ("r5", "5.0.0")])
def test_package_download(rc, rr_app, version, fhir, tmp_path):
    r = rc.get(f"/{version}/$package")
    assert r.status_code == 200 and r.mimetype == "application/gzip"
    assert r.headers["Content-Disposition"].endswith(f'-{version}.tgz"')
    with tarfile.open(fileobj=io.BytesIO(r.data)) as tar:
        manifest = json.loads(tar.extractfile("package/package.json").read())
        index = json.loads(tar.extractfile("package/.index.json").read())
        names = tar.getnames()
    assert manifest["name"] == "rrall.terminology" and manifest["fhirVersions"] == [fhir]
    assert manifest["version"] == rr_app.extensions["rrall"]["config"]["SOFTWARE_VERSION"]
    assert all(f"package/{f['filename']}" in names for f in index["files"])
    assert any(f.get("url") == SITE_VS for f in index["files"])
    assert rc.get(f"/{version}/$package", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


def test_package_leaves_out_loaded_packages(tmp_path):
    from service import create_app

    tiny = make_package(tmp_path / "tiny.tgz")
    app = create_app({"PACKAGES": [str(tiny)], "CACHE_DIR": str(tmp_path / "cache")})
    client = app.test_client()
    assert client.get("/r4/CodeSystem/obs-status").status_code == 200        # served from the package
    with tarfile.open(fileobj=io.BytesIO(client.get("/r4/$package").data)) as tar:
        assert not [n for n in tar.getnames() if "obs-status" in n]


def test_expand_csv(rc):
    r = rc.get("/r4/ValueSet/rr-all-relapse-site/$expand.csv", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "rr-all-relapse-site-expansion.csv" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8"))))
    assert rows[0] == ["code", "display", "system", "version"]
    assert ["cns-relapse", "Central nervous system relapse", SITE, content_version()] in rows
    filtered = rc.get(f"/r5/ValueSet/$expand.csv?url={SITE_VS}&filter=testicular")
    assert [row[0] for row in csv.reader(io.StringIO(filtered.data.decode()))][1:] == ["testicular-relapse"]
    assert rc.get("/r4/ValueSet/nope/$expand.csv").status_code == 404


def test_file_downloads_accept_their_own_types_only(rc):
    assert rc.get("/r4/$package", headers={"Accept": "application/gzip"}).status_code == 200
    assert rc.get("/r4/ValueSet/rr-all-drug/$expand.csv", headers={"Accept": "text/csv"}).status_code == 200
    assert rc.get("/r4/ValueSet/rr-all-drug", headers={"Accept": "text/csv"}).status_code == 406
    assert rc.get("/r4/ValueSet/rr-all-drug/$expand.csv", headers={"Accept": "application/gzip"}).status_code == 406


# ---- on the fixture content -----------------------------------------------------------------------------------------
def test_expand_csv_is_flat_crlf_and_named_after_the_value_set(client):
    r = client.get("/r5/ValueSet/animals-all/$expand.csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"] == 'attachment; filename="animals-all-expansion.csv"'
    assert r.data.count(b"\r\n") == 12                     # the header and all 11 codes, nesting flattened
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8"))))
    assert rows[1] == ["animal", "Animal", "http://example.org/fhir/CodeSystem/animals", "1.0.0"]
    de = client.get("/r5/ValueSet/pets/$expand.csv?displayLanguage=de")
    assert [row[1] for row in csv.reader(io.StringIO(de.data.decode()))][1:] == ["Hund", "Katze", "Papagei"]


def test_an_expansion_error_is_an_operation_outcome_not_a_broken_file(client):
    r = client.get("/r4/ValueSet/cycle-a/$expand.csv", headers={"Accept": "text/csv"})
    assert 400 <= r.status_code < 500 and r.headers["Content-Type"].startswith("application/fhir+json")
    assert r.get_json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("name,safe", [("pets", "pets"), ("a b/c", "a_b_c"), ("x" * 80, "x" * 64), ("", "valueset"),
                                       ("v1.0-rc_2", "v1.0-rc_2")])
def test_file_names_are_made_safe(name, safe):
    assert _safe_name(name) == safe


def test_a_bundle_file_is_named_by_mode_and_fhir_version(client):
    r = client.get("/r5/ValueSet/$bundle?mode=metadata&url=http://example.org/fhir/ValueSet/pets")
    assert r.headers["Content-Disposition"] == 'attachment; filename="rrall-valuesets-metadata-r5.json"'
    entry = json.loads(r.data)["entry"][0]
    assert entry["fullUrl"] == "http://localhost/r5/ValueSet/pets" and "compose" not in entry["resource"]


def test_the_package_is_built_once_per_content_and_version(app):
    client = app.test_client()
    built = app.extensions["rrall"]["service"].caches.packages
    built.clear()
    first, again = client.get("/r4/$package"), client.get("/r4/$package")
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert len(built) == 1                                                    # built once, then kept
    assert first.headers["ETag"] != client.get("/r5/$package").headers["ETag"]
    assert len(built) == 2                                                    # one per FHIR version
