"""FHIR NPM packages in (service/packages.py) and our content out (service/bundles.build_package)."""
from __future__ import annotations

import io
import json
import tarfile
import time
from pathlib import Path

import pytest

from helpers import ANIMALS, CORE
from pkgfixture import OBS_STATUS_CS, OBS_STATUS_VS, PROFILE, make_package, tiny_resources
from service import packages as P
from service.bundles import build_package
from service.convert import r5_to_r4

OBS = "http://hl7.org/fhir/StructureDefinition/Observation"


@pytest.fixture
def tiny(tmp_path) -> Path:
    return make_package(tmp_path / "tiny.tgz")


def test_parse_reads_terminology_and_structures(tiny):
    pkg = P.parse_package(tiny)
    assert pkg.label == "test.tiny#1.0.0"
    assert pkg.release == "R4"
    assert pkg.counts() == {"CodeSystem": 1, "ValueSet": 1, "ConceptMap": 0, "StructureDefinition": 2}
    cs_res, cs_index = next((r, i) for r, i in pkg.resources if r["resourceType"] == "CodeSystem")
    assert cs_index.locate("final").display == "Final"
    assert "text" not in cs_res           # narratives are dropped


def test_parse_without_index_scans_package_folder(tmp_path):
    path = make_package(tmp_path / "noindex.tgz", with_index=False,
                        extra_members={"package/other/ignored.json": b'{"resourceType": "CodeSystem"}',
                                       "package/broken.json": b"{not json"})
    pkg = P.parse_package(path)
    assert pkg.counts()["CodeSystem"] == 1 and pkg.counts()["StructureDefinition"] == 2


@pytest.mark.parametrize("content", [b"not a tarball", b""])
def test_unreadable_archive_is_a_package_error(tmp_path, content):
    bad = tmp_path / "bad.tgz"
    bad.write_bytes(content)
    with pytest.raises(P.PackageError, match="bad.tgz"):
        P.load_package(bad, tmp_path / "cache")


def test_missing_manifest_and_missing_file(tmp_path):
    path = tmp_path / "nomanifest.tgz"
    with tarfile.open(path, "w:gz") as tar:
        data = json.dumps(tiny_resources()[0]).encode()
        info = tarfile.TarInfo("package/CodeSystem-x.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(P.PackageError, match="package.json"):
        P.parse_package(path)
    with pytest.raises(P.PackageError, match="not found"):
        P.load_package(tmp_path / "absent.tgz")


def test_cache_is_keyed_by_content_and_survives_corruption(tmp_path, tiny):
    cache = tmp_path / "cache"
    first = P.load_package(tiny, cache)
    assert not first.from_cache
    files = list(cache.glob("package-*.pickle"))
    assert len(files) == 1
    second = P.load_package(tiny, cache)
    assert second.from_cache and second.counts() == first.counts()
    # different bytes -> a different cache entry
    other = make_package(tmp_path / "other.tgz", version="2.0.0")
    assert not P.load_package(other, cache).from_cache
    assert len(list(cache.glob("package-*.pickle"))) == 2
    # a corrupt cache file is ignored and rewritten
    files[0].write_bytes(b"garbage")
    again = P.load_package(tiny, cache)
    assert not again.from_cache and again.counts() == first.counts()
    assert P.load_package(tiny, cache).from_cache


def test_structure_index_bindings_and_profile_merge(tiny):
    pset = P.PackageSet([P.parse_package(tiny)])
    idx = pset.structures_for("R4")
    assert pset.structures_for("R5") is None
    assert idx.for_type("Observation").url == OBS
    els = idx.elements(OBS)
    assert els["Observation.status"] == (("code",), ("required", OBS_STATUS_VS + "|1.0.0"))
    assert els["Observation.code"][1][0] == "extensible"
    prof = idx.elements(PROFILE)
    assert prof["Observation.code"][1][0] == "required"                 # the profile's differential wins
    assert prof["Observation.code"][0] == ("CodeableConcept",)          # types come from the base
    assert prof["Observation.status"] == els["Observation.status"]
    assert idx.has_children(OBS, "Observation.component")
    assert not idx.has_children(OBS, "Observation.code")


def test_install_layers_packages_under_the_content(registry, tiny, tmp_path):
    clash = tiny_resources()[:2]
    clash[0] = dict(clash[0], id="animals", url="http://example.org/fhir/CodeSystem/other")   # id taken by content
    clashing = make_package(tmp_path / "clash.tgz", clash, name="test.clash")
    before = len(registry.all("CodeSystem"))
    combined, pset = P.install(registry, [str(tiny), str(clashing)], str(tmp_path / "cache"))
    assert len(registry.all("CodeSystem")) == before                     # the content registry is untouched
    assert combined.resolve("CodeSystem", OBS_STATUS_CS).locate("cancelled") is not None
    assert combined.resolve("ValueSet", OBS_STATUS_VS) is not None
    assert combined.by_id("CodeSystem", "animals").url == ANIMALS        # content wins for ids
    assert len(pset.packages) == 2
    same, empty = P.install(registry, [], None)
    assert same is registry and empty.structures_for("R4") is None


def test_r5_package_is_indexed_as_r5(tmp_path):
    pkg = P.parse_package(make_package(tmp_path / "r5.tgz", fhir_versions=["5.0.0"]))
    assert pkg.release == "R5"
    assert P.PackageSet([pkg]).structures_for("R5") is not None


def test_build_package_round_trips_and_is_deterministic(registry, tmp_path):
    data = build_package(registry, "R4", name="rrall.terminology", version="9.9.9", convert=r5_to_r4)
    assert data == build_package(registry, "R4", name="rrall.terminology", version="9.9.9", convert=r5_to_r4)
    out = tmp_path / "ours.tgz"
    out.write_bytes(data)
    pkg = P.parse_package(out)
    assert pkg.manifest["name"] == "rrall.terminology" and pkg.version == "9.9.9"
    assert pkg.fhir_versions == ["4.0.1"]
    assert pkg.counts()["CodeSystem"] == len(registry.all("CodeSystem"))
    assert pkg.counts()["ValueSet"] == len(registry.all("ValueSet"))
    assert pkg.counts()["ConceptMap"] == len(registry.all("ConceptMap"))
    with tarfile.open(out) as tar:
        index = json.loads(tar.extractfile("package/.index.json").read())
    assert {f["resourceType"] for f in index["files"]} == {"CodeSystem", "ValueSet", "ConceptMap"}
    assert all(f["filename"].endswith(".json") and f.get("url") for f in index["files"])


def test_real_core_package_loads_fast_when_cached(tmp_path, registry):
    cache = tmp_path / "cache"
    cold = P.load_package(CORE, cache)
    assert cold.counts() == {"CodeSystem": 1063, "ValueSet": 1317, "ConceptMap": 19, "StructureDefinition": 606}
    started = time.perf_counter()
    warm = P.load_package(CORE, cache)
    assert warm.from_cache
    assert time.perf_counter() - started < 3.0
    combined, pset = P.install(registry, [str(CORE)], str(cache))
    cs = combined.resolve("CodeSystem", "http://terminology.hl7.org/CodeSystem/condition-clinical")
    assert cs is not None and cs.locate("relapse") is not None
    els = pset.structures_for("R4").elements("http://hl7.org/fhir/StructureDefinition/Condition")
    assert els["Condition.clinicalStatus"][1] == ("required", "http://hl7.org/fhir/ValueSet/condition-clinical|4.0.1")


def test_a_package_for_an_unsupported_fhir_release_is_refused(tmp_path):
    import io
    import json
    import tarfile

    from service.packages import PackageError, parse_package

    path = tmp_path / "stu3.tgz"
    with tarfile.open(path, "w:gz") as tar:
        data = json.dumps({"name": "old.pkg", "version": "1.0.0", "fhirVersions": ["3.0.2"]}).encode()
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(PackageError) as exc:
        parse_package(path)
    assert "3.0.2" in str(exc.value)
