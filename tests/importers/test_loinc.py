"""`rrall-tx import loinc` on the hand-made fixture (tests/fixtures/loinc/README.md) and the synthetic table."""
from __future__ import annotations

import shutil

import pytest

from helpers import FIXTURES
from service import cli
from service.engine.compact import CompactCodeSystem
from service.importers import loinc
from service.importers.release_files import ReleaseError

LOINC = FIXTURES / "loinc"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    path, summary = loinc.write(LOINC, tmp_path_factory.mktemp("loinc"), progress=False)
    return CompactCodeSystem(path), summary


@pytest.fixture(scope="module")
def cs(imported):
    return imported[0]


def test_summary_and_metadata(imported):
    cs, s = imported
    assert s["LOINC terms"] == 5 and s["LOINC parts (from the hierarchy)"] == 6 and s["concepts"] == 11
    assert {k: v for k, v in s.items() if k.startswith("status ")} == {
        "status ACTIVE": 2, "status TRIAL": 1, "status DISCOURAGED": 1, "status DEPRECATED": 1}
    assert s["version"] == "9.10" and s["version from"] == "the newest VersionLastChanged"   # 9.10 > 9.2
    assert cs.url == "http://loinc.org" and cs.version == "9.10" and not cs.case_sensitive
    assert {f["code"] for f in cs.filters} >= {"COMPONENT", "PROPERTY", "SYSTEM", "SCALE_TYP", "METHOD_TYP",
                                               "CLASS", "STATUS"}
    assert cs.resource["copyright"]


def test_term_display_designations_properties(cs):
    c = cs.locate("9990017-2")
    assert c.display == "Zelbar cells [#/volume] in Bone marrow by Flow cytometry"
    assert [d["value"] for d in c.designations] == ["Zelbar Mar FC", "Zelbar cells FC (BldMar)"]
    assert c.definition == "Synthetic definition of zelbar cells."
    props = {p: v for p, _k, v in c.properties}
    assert props == {"COMPONENT": "Zelbar cells", "PROPERTY": "NCnc", "TIME_ASPCT": "Pt", "SYSTEM": "BldMar",
                     "SCALE_TYP": "Qn", "METHOD_TYP": "FC", "CLASS": "SYNHEM", "STATUS": "ACTIVE", "CLASSTYPE": "1"}
    assert "METHOD_TYP" not in {p for p, _k, _v in cs.locate("9990025-0").properties}   # empty column


def test_statuses(cs):
    assert (cs.locate("9990017-2").status, cs.locate("9990017-2").inactive) == ("active", False)
    assert cs.locate("9990025-0").status == "experimental"
    discouraged = cs.locate("9990033-4")
    assert discouraged.deprecated and not discouraged.inactive and discouraged.status == "deprecated"
    deprecated = cs.locate("9990041-7")
    assert deprecated.inactive and deprecated.status == "retired"


def test_multi_axial_hierarchy(cs):
    both = cs.locate("9990025-0")
    assert sorted(both.parents) == ["LP9990035-9", "LP9990043-3"]
    assert cs.locate("LP9990019-3").display == "SYNHEM"
    assert cs.subsumes("LP9990019-3", "9990025-0") and cs.subsumes("LP9990001-1", "9990058-1") is False
    assert cs.descendants("LP9990027-6") == {"LP9990050-8", "9990033-4", "9990041-7"}
    assert cs.roots == ["LP9990001-1", "9990058-1"]      # 9990058-1 is not in the hierarchy file


def test_codes_are_case_insensitive(cs):
    assert cs.locate("lp9990019-3").code == "LP9990019-3"
    assert "LP9990019-3" in cs.concepts and "lp9990019-3" not in cs.concepts   # exact keys, as CodeSystemIndex


def test_property_filters(cs):
    def codes(ids):
        return sorted(cs.code_at(i) for i in ids)
    assert codes(cs.with_property("SYSTEM", lambda v: v == "BldMar")) == ["9990017-2", "9990058-1"]
    assert codes(cs.with_property("STATUS", lambda v: v in ("DISCOURAGED", "DEPRECATED"))) == ["9990033-4", "9990041-7"]
    assert cs.property_values("SCALE_TYP") == ["Nom", "Ord", "Qn"]
    assert not cs.with_property("NOPE", lambda v: True)


def test_explicit_version_and_cli(tmp_path, capsys):
    path, s = loinc.write(LOINC, tmp_path, version="9.99", progress=False)
    assert s["version from"] == "--version" and path.name == "loinc-9.99.rrcs"
    assert cli.main(["import", "loinc", str(LOINC), "--out", str(tmp_path / "cli"), "--quiet"]) == 0
    assert "LOINC terms: 5" in capsys.readouterr().out


def test_unknown_status_names_the_line(tmp_path):
    dst = tmp_path / "rel"
    shutil.copytree(LOINC, dst)
    table = dst / "LoincTable" / "Loinc.csv"
    table.write_text(table.read_text(encoding="utf-8").replace('"TRIAL"', '"PENDING"'), encoding="utf-8")
    with pytest.raises(ReleaseError) as err:
        loinc.write(dst, tmp_path / "out", progress=False)
    assert err.value.line == 3 and "unknown STATUS 'PENDING'" in err.value.message


def test_malformed_rows_name_the_line(tmp_path):
    dst = tmp_path / "rel"
    shutil.copytree(LOINC, dst)
    table = dst / "LoincTable" / "Loinc.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[4] = '"9990033-4","Quorin antigen"'
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReleaseError) as err:
        loinc.write(dst, tmp_path / "out", progress=False)
    assert err.value.line == 5 and "expected 18 fields" in err.value.message
    lines[4] = '"not-a-code","x"' + ',"x"' * 16
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="is not a LOINC code"):
        loinc.write(dst, tmp_path / "out", progress=False)


def test_missing_table_or_columns(tmp_path):
    with pytest.raises(ReleaseError, match="no Loinc.csv"):
        loinc.write(tmp_path, tmp_path / "out", progress=False)
    (tmp_path / "Loinc.csv").write_text('"LOINC_NUM","COMPONENT"\n"9990017-2","x"\n', encoding="utf-8")
    with pytest.raises(ReleaseError) as err:
        loinc.write(tmp_path, tmp_path / "out", progress=False)
    assert err.value.line == 1 and "LONG_COMMON_NAME" in err.value.message


def test_without_hierarchy_file(tmp_path):
    dst = tmp_path / "rel"
    shutil.copytree(LOINC / "LoincTable", dst / "LoincTable")
    path, s = loinc.write(dst, tmp_path / "out", progress=False)
    cs = CompactCodeSystem(path)
    assert s["hierarchy file"] == "none" and cs.count == 5 and not cs.locate("9990025-0").parents


def test_synthetic_loinc_table_imports(tmp_path):
    from bench.synth_loinc import generate
    info = generate(tmp_path / "rel", terms=200, seed=3)
    path, s = loinc.write(tmp_path / "rel", tmp_path / "out", progress=False)
    cs = CompactCodeSystem(path)
    assert s["LOINC terms"] == 200 and cs.count == 200 + info["parts"]
    assert cs.descendant_count(cs.index_of(info["root"])) == cs.count
    assert sum(v for k, v in s.items() if k.startswith("status ")) == 200
