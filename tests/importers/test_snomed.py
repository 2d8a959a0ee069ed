"""`rrall-tx import snomed` on the hand-made RF2 fixture (tests/fixtures/rf2/README.md)."""
from __future__ import annotations

import shutil

import pytest

from rf2_fixture import IDS, NAMES, RF2, import_fixture
from service import cli
from service.engine.languages import choose_display, parse_language_list
from service.importers import snomed
from service.importers.release_files import ReleaseError
from service.importers.rf2_spec import DEFINED, FSN, SYNONYM

MODULE = IDS["MOD"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    return import_fixture(tmp_path_factory.mktemp("snomed"))


@pytest.fixture(scope="module")
def cs(imported):
    return imported[0]


def test_summary_counts(imported):
    _cs, s = imported
    assert s["active concepts"] == 17 and s["inactive concepts"] == 1
    assert s["is-a relationships"] == 18           # stated, attribute and inactive rows skipped
    assert s["FSNs"] == 18 and s["text definitions"] == 1
    assert s["synonyms"] == 18 + 1 + 4 + 1        # one PT each, the GB spelling, 4 others, "Oval"
    assert s["simple refsets"] == {IDS["RS"]: 3}
    assert s["version"] == f"http://snomed.info/sct/{MODULE}/version/20240301"


def test_codesystem_metadata(cs):
    assert cs.url == "http://snomed.info/sct"
    assert cs.version == f"http://snomed.info/sct/{MODULE}/version/20240301"
    assert cs.canonical == f"http://snomed.info/sct|{cs.version}"
    assert cs.content == "complete" and cs.hierarchy_meaning == "is-a" and cs.language == "en"
    assert cs.count == 18 and cs.roots == [IDS["ROOT"]]
    assert {"inactive", "parent", "child", "moduleId", "definitionStatusId"} <= set(cs.property_defs)
    assert "concept" not in cs.resource


def test_displays_fsn_and_dialects(cs):
    colored = cs.locate(IDS["CS"])
    assert colored.display == "Colored shape"                             # the en-US preferred term
    assert cs.preferred_term(IDS["CS"], "en-GB") == "Coloured shape"
    assert cs.preferred_term(IDS["CS"], "en-US") == "Colored shape"
    assert cs.fsn(IDS["CS"]) == "Colored shape (synthetic)"
    gb = parse_language_list("en-GB", "displayLanguage")
    assert choose_display(colored, cs.language, gb) == "Coloured shape"  # what the engine would show
    us = parse_language_list("en-US", "displayLanguage")
    assert choose_display(colored, cs.language, us) == "Colored shape"


def test_designations_carry_use_and_language(cs):
    des = cs.locate(IDS["T"]).designations
    fsn = [d for d in des if d.get("use", {}).get("code") == FSN]
    assert fsn == [{"language": "en", "use": {"system": "http://snomed.info/sct", "code": FSN,
                                               "display": "Fully specified name"}, "value": "Triangle (synthetic)"}]
    preferred = [(d["language"], d["value"]) for d in des if d.get("use", {}).get("code") == "preferredForLanguage"]
    assert preferred == [("en-US", "Triangle"), ("en-GB", "Triangle")]
    acceptable = [(d["language"], d["value"]) for d in des if d.get("use", {}).get("code") == SYNONYM]
    assert acceptable == [("en-US", "Trigon"), ("en-GB", "Trigon")]
    oval = [(d["language"], d["use"]["code"]) for d in cs.locate(IDS["EL"]).designations if d["value"] == "Oval"]
    assert oval == [("en-US", SYNONYM)]      # acceptable in en-US only; its preferred row is retired


def test_inactive_description_and_text_definition(cs):
    assert all(d["value"] != "Retired circle term" for d in cs.locate(IDS["CI"]).designations)
    assert cs.locate(IDS["SQ"]).definition == "A synthetic definition: a rectangle that is also a rhombus."
    assert cs.locate(IDS["T"]).definition is None


def test_hierarchy_polyhierarchy_and_subsumption(cs):
    square = cs.locate(IDS["SQ"])
    assert sorted(NAMES[p] for p in square.parents) == ["REC", "RHO"]
    assert sorted(NAMES[c] for c in cs.locate(IDS["Q"]).children) == ["REC", "RHO"]
    assert {NAMES[c] for c in cs.descendants(IDS["T"])} == {"RT", "IT", "RIT"}
    assert {NAMES[c] for c in cs.ancestors(IDS["RIT"])} == {"RT", "IT", "T", "P", "ROOT"}
    assert cs.subsumes(IDS["P"], IDS["SQ"]) and cs.subsumes(IDS["RHO"], IDS["SQ"])
    assert not cs.subsumes(IDS["SQ"], IDS["P"]) and not cs.subsumes(IDS["T"], IDS["SQ"])
    assert not cs.subsumes(IDS["P"], IDS["EL"])          # stated-only is-a
    assert cs.descendant_count(cs.index_of(IDS["ROOT"])) == 17


def test_inactive_concept_kept_and_flagged(cs):
    obsolete = cs.locate(IDS["OS"])
    assert obsolete.inactive and obsolete.parents == [] and cs.is_inactive(obsolete)
    assert obsolete.display == "Obsolete shape"
    assert not cs.locate(IDS["SQ"]).inactive


def test_properties(cs):
    props = dict((c, v) for c, _k, v in cs.locate(IDS["SQ"]).properties)
    assert props == {"moduleId": MODULE, "definitionStatusId": DEFINED}
    assert ("moduleId", "valueCode", MODULE) in cs.locate(IDS["T"]).properties


def test_refsets(cs):
    members = cs.refset_members(IDS["RS"])
    assert {NAMES[cs.code_at(i)] for i in members} == {"SQ", "CI", "T"}
    assert cs.in_refset(IDS["RS"], IDS["SQ"]) and not cs.in_refset(IDS["RS"], IDS["EL"])   # retired member
    assert cs.refset_members(IDS["T"]) is None


def test_text_search_on_the_fixture(cs):
    def hits(text):
        return {NAMES[cs.code_at(i)] for i in cs.text_search(text)}
    assert hits("coloured") == {"CS"}                       # the en-GB spelling is searchable
    assert hits("trig") == {"T"}
    assert hits("round sha") == {"CI"}
    assert hits("trigon triangle") == set()                  # all words must be in one text
    assert hits("right tri") == {"RT", "RIT"}
    assert cs.text_search("   ") is None


def test_locate_and_concepts_mapping(cs):
    assert cs.locate("19999999104") is None and cs.locate("") is None
    assert IDS["SQ"] in cs.concepts and cs.concepts[IDS["SQ"]].display == "Square"
    with pytest.raises(KeyError):
        cs.concepts["1"]
    assert len(cs.ordered) == 18 and cs.ordered[0].code == IDS["ROOT"] and cs.ordered[-1].code == IDS["OS"]
    assert [c.order for c in cs.ordered] == list(range(18))


def test_import_is_deterministic(tmp_path):
    a, _ = snomed.write(RF2, tmp_path / "a", progress=False)
    b, _ = snomed.write(RF2, tmp_path / "b", progress=False)
    assert a.read_bytes() == b.read_bytes()


def _copy(tmp_path):
    dst = tmp_path / "release"
    shutil.copytree(RF2, dst)
    return dst / "Snapshot" / "Terminology"


def _edit(path, line_no, new_line):
    lines = path.read_bytes().decode("utf-8").split("\r\n")     # RF2 lines end in CRLF
    lines[line_no - 1] = new_line
    path.write_bytes("\r\n".join(lines).encode("utf-8"))


def test_malformed_row_names_file_and_line(tmp_path):
    term = _copy(tmp_path)
    concept_file = next(term.glob("sct2_Concept_*"))
    _edit(concept_file, 4, "12345\t20240301\t1")
    with pytest.raises(ReleaseError) as err:
        snomed.write(tmp_path / "release", tmp_path / "out", progress=False)
    assert err.value.path == str(concept_file) and err.value.line == 4
    assert "expected 5 tab-separated fields, found 3" in str(err.value)


def test_bad_header_and_bad_flag(tmp_path):
    term = _copy(tmp_path)
    rel = next(term.glob("sct2_Relationship_*"))
    _edit(rel, 1, "id\teffectiveTime\tactive")
    with pytest.raises(ReleaseError) as err:
        snomed.write(tmp_path / "release", tmp_path / "out", progress=False)
    assert err.value.line == 1 and "unexpected header" in err.value.message
    shutil.rmtree(tmp_path / "release")
    term = _copy(tmp_path)
    desc = next(term.glob("sct2_Description_*"))
    fields = desc.read_bytes().decode("utf-8").split("\r\n")[2].split("\t")
    fields[2] = "yes"
    _edit(desc, 3, "\t".join(fields))
    with pytest.raises(ReleaseError) as err:
        snomed.write(tmp_path / "release", tmp_path / "out", progress=False)
    assert err.value.line == 3 and "bad active flag 'yes'" in err.value.message


def test_missing_folder_or_file(tmp_path):
    with pytest.raises(ReleaseError, match="no Snapshot/Terminology folder"):
        snomed.write(tmp_path, tmp_path / "out", progress=False)
    term = _copy(tmp_path)
    next(term.glob("sct2_Relationship_*")).unlink()
    with pytest.raises(ReleaseError, match="sct2_Relationship_"):
        snomed.write(tmp_path / "release", tmp_path / "out", progress=False)


def test_snapshot_folder_itself_is_accepted(tmp_path):
    path, summary = snomed.write(RF2 / "Snapshot", tmp_path, progress=False)
    assert summary["active concepts"] == 17 and path.exists()


def test_cli_import_and_error_exit(tmp_path, capsys):
    assert cli.main(["import", "snomed", str(RF2), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "active concepts: 17" in out and "version: http://snomed.info/sct/" in out
    assert list((tmp_path / "out").glob("snomed-*.rrcs"))
    term = _copy(tmp_path)
    _edit(next(term.glob("sct2_Concept_*")), 2, "x")
    assert cli.main(["import", "snomed", str(tmp_path / "release"), "--out", str(tmp_path / "o2"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "sct2_Concept_Snapshot_ZZ9999999_20240301.txt:2: expected 5 tab-separated fields, found 1" in err
    assert cli.main(["import", "snomed", "--quiet"]) == 2


def test_non_utf8_file_names_file_and_line(tmp_path):
    term = _copy(tmp_path)
    desc = next(term.glob("sct2_Description_*"))
    raw = desc.read_bytes().split(b"\r\n")
    k = next(i for i, line in enumerate(raw) if b"\tTriangle\t" in line)
    raw[k] = raw[k].replace(b"Triangle", b"Tri\xe4ngle")          # Latin-1, not UTF-8
    desc.write_bytes(b"\r\n".join(raw))
    with pytest.raises(ReleaseError) as err:
        snomed.write(tmp_path / "release", tmp_path / "out", progress=False)
    assert err.value.path == str(desc) and "not UTF-8" in err.value.message and err.value.line == k + 1
