"""service.importers.icd10cm: the ICD-10-CM importer (the tests that build code systems run only when the optional
extra `icd10` - simple-icd-10-cm - is installed; the progress bar is tested always)."""
from __future__ import annotations

import json

import pytest

from service.engine.codesystem import CodeSystemIndex
from service.importers import icd10cm

CHAPTER = "3"   # Diseases of the blood and blood-forming organs (D50-D89): small, has a one-category block


@pytest.fixture(scope="module")
def cs() -> dict:
    pytest.importorskip("simple_icd_10_cm")
    return icd10cm.build_codesystem(chapters=[CHAPTER], progress=False)


@pytest.fixture(scope="module")
def index(cs) -> CodeSystemIndex:
    return CodeSystemIndex(cs)


def _props(concept) -> dict:
    return {code: value for code, _k, value in concept.properties}


def test_header_and_version(cs):
    assert cs["url"] == "http://hl7.org/fhir/sid/icd-10-cm"
    assert cs["hierarchyMeaning"] == "is-a"
    assert cs["content"] == "fragment"           # a slice; the full import says complete
    assert cs["version"].isdigit() and len(cs["version"]) == 4    # the release year from the data
    assert {p["code"] for p in cs["property"]} == {"notSelectable", "billable"}


def test_chapter_block_category_hierarchy(index):
    assert index.roots == [CHAPTER]
    chapter = index.locate(CHAPTER)
    assert "D50-D53" in chapter.children
    assert index.locate("D50-D53").parents == [CHAPTER]
    assert "D50" in index.locate("D50-D53").children
    assert index.locate("D50.0").parents == ["D50"]
    assert index.subsumes(CHAPTER, "D50.0") and index.subsumes("D50-D53", "D50.0")
    assert not index.subsumes("D50.0", "D50")


def test_codes_are_unique_and_single_category_blocks_are_renamed(cs, index):
    def walk(items):
        for c in items:
            yield c["code"]
            yield from walk(c.get("concept", []))
    codes = list(walk(cs["concept"]))
    assert len(codes) == len(set(codes)) == cs["count"] == len(index.ordered)
    assert "D78-D78" in codes and index.locate("D78").parents == ["D78-D78"]


def test_billable_is_true_exactly_for_leaves_and_groupers_are_not_selectable(index):
    for c in index.ordered:
        props = _props(c)
        assert props["billable"] is (not c.children), c.code
    assert index.locate(CHAPTER).abstract and index.locate("D50-D53").abstract
    assert not index.locate("D50").abstract
    assert _props(index.locate("D50"))["billable"] is False
    assert _props(index.locate("D50.0"))["billable"] is True


def test_displays_are_the_official_titles(index):
    assert index.locate("D50").display == "Iron deficiency anemia"
    assert index.locate("D50.0").display.startswith("Iron deficiency anemia secondary to blood loss")


def test_the_slice_is_valid_fhir(cs):
    from service import fhir_io

    assert fhir_io.validate_resource(cs, fhir_io.R4) == []


def test_write_produces_the_codesystem_and_an_all_codes_valueset(tmp_path):
    pytest.importorskip("simple_icd_10_cm")
    paths = icd10cm.write(tmp_path, progress=False, chapters=[CHAPTER])
    cs = json.loads(paths[0].read_bytes())
    vs = json.loads(paths[1].read_bytes())
    assert cs["resourceType"] == "CodeSystem" and cs["concept"][0]["code"] == CHAPTER
    assert vs["url"] == "http://hl7.org/fhir/sid/icd-10-cm?fhir_vs"
    assert vs["compose"]["include"] == [{"system": cs["url"], "version": cs["version"]}]


def test_progress_goes_to_the_given_stream():
    import io

    buf = io.StringIO()
    bar = icd10cm.Progress(4, "x", stream=buf)
    for _ in range(4):
        bar.step()
    assert "100%" in buf.getvalue() and "(4/4)" in buf.getvalue()
