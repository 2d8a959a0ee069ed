"""service.cli: `rrall-tx` subcommands called as main([...]), their exit codes and output."""
from __future__ import annotations

import json
import shutil
import tarfile

import pytest

from helpers import FIXTURES
from service import config, serving
from service.cli import main


def test_cli_package_command(tmp_path):
    out = tmp_path / "pkg.tgz"
    assert main(["package", "--out", str(out)]) == 0
    with tarfile.open(out) as tar:
        assert json.loads(tar.extractfile("package/package.json").read())["name"] == "rrall.terminology"


def test_package_for_r5(tmp_path, capsys):
    out = tmp_path / "pkg5.tgz"
    assert main(["package", "--out", str(out), "--fhir-version", "r5"]) == 0
    with tarfile.open(out) as tar:
        assert json.loads(tar.extractfile("package/package.json").read())["fhirVersions"] == ["5.0.0"]
    assert f"wrote {out}" in capsys.readouterr().out


# ---- check -------------------------------------------------------------------------------------------------------
def test_check_passes_on_the_repository_content(capsys):
    assert main(["check"]) == 0
    assert capsys.readouterr().out.strip().endswith("content OK")


def test_check_lists_each_problem_and_exits_1(tmp_path, capsys):
    bad = json.loads((FIXTURES / "CodeSystem-letters.json").read_text())
    bad["caseSensitive"] = "maybe"
    (tmp_path / "CodeSystem-letters.json").write_text(json.dumps(bad))
    assert main(["check", "--content", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "CodeSystem-letters.json" in out and "caseSensitive" in out
    assert err.strip().endswith("problem(s)") and int(err.split()[0]) == len(out.strip().splitlines())


# ---- build-content --check on a copy ----------------------------------------------------------------------------
def test_build_content_check_finds_a_hand_edit_in_a_copy(tmp_path, capsys):
    for folder in ("codesystems", "valuesets", "conceptmaps"):
        shutil.copytree(config.ROOT / folder, tmp_path / folder)
    args = ["build-content", "--source", str(config.ROOT / "content"), "--out", str(tmp_path), "--check"]
    assert main(args) == 0
    edited = next((tmp_path / "valuesets").glob("*.json"))
    res = json.loads(edited.read_text())
    res["title"] = "Edited by hand"
    edited.write_text(json.dumps(res))
    capsys.readouterr()
    assert main(args) == 1
    assert edited.name in capsys.readouterr().out


# ---- selfcheck --------------------------------------------------------------------------------------------------
def test_selfcheck_on_the_fixtures_reports_and_exits_0(capsys):
    assert main(["selfcheck", "--content", str(FIXTURES), "--no-core", "--sample", "3", "--seed", "2",
                 "--check", "subsumption"]) == 0
    out = capsys.readouterr().out
    assert "subsumes-matches-is-a: " in out and "total: " in out and "a sample of 3 per list, seed 2" in out


def test_selfcheck_on_broken_content_exits_2(tmp_path, capsys):
    (tmp_path / "CodeSystem-broken.json").write_text("{not json")
    assert main(["selfcheck", "--content", str(tmp_path), "--no-core"]) == 2
    assert "CodeSystem-broken.json" in capsys.readouterr().err


# ---- serve, without starting a server --------------------------------------------------------------------------
@pytest.fixture
def no_server(monkeypatch):
    calls = []
    monkeypatch.setattr(serving, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.delenv("RRALL_PACKAGES", raising=False)
    # serve points prometheus_client at a multi-process folder (os.environ): restore the process's own afterwards
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    yield calls


def test_serve_loads_the_content_once_then_hands_the_app_to_the_server(no_server, capsys):
    assert main(["serve", "--content", str(FIXTURES), "--no-core", "--port", "18799", "--workers", "3",
                 "--threads", "4", "--server", "gunicorn", "--worker-class", "sync"]) == 0
    [(app, kw)] = no_server
    assert kw == {"server": "gunicorn", "host": "127.0.0.1", "port": 18799, "workers": 3, "threads": 4,
                  "worker_class": "sync"}
    state = app.extensions["rrall"]
    assert state["config"]["CONTENT_DIRS"] == [str(FIXTURES)] and state["config"]["PACKAGES"] == []
    assert state["registry"].resolve("CodeSystem", "http://example.org/fhir/CodeSystem/animals") is not None
    err = capsys.readouterr().err
    assert "loaded 6 CodeSystems, 9 ValueSets, 1 ConceptMaps" in err
    assert "serving http://127.0.0.1:18799/r4 and /r5" in err


def test_serve_exits_2_on_bad_content_or_a_server_that_cannot_start(no_server, tmp_path, monkeypatch, capsys):
    (tmp_path / "CodeSystem-broken.json").write_text("{not json")
    assert main(["serve", "--content", str(tmp_path), "--no-core"]) == 2
    assert no_server == []

    def refuse(app, **kw):
        raise RuntimeError("the start method is spawn")
    monkeypatch.setattr(serving, "run", refuse)
    assert main(["serve", "--content", str(FIXTURES), "--no-core"]) == 2
    assert "rrall-tx: the start method is spawn" in capsys.readouterr().err


def test_serve_warns_when_no_code_system_is_loaded(no_server, tmp_path, capsys):
    assert main(["serve", "--content", str(tmp_path), "--no-core"]) == 0
    assert "warning: no code systems loaded" in capsys.readouterr().err


# ---- import ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("terminology", ["snomed", "loinc"])
def test_import_needs_a_release_folder(terminology, capsys):
    assert main(["import", terminology, "--quiet"]) == 2
    assert f"rrall-tx import {terminology}: give the release folder" in capsys.readouterr().err


def test_import_of_a_missing_folder_exits_2(tmp_path, capsys):
    assert main(["import", "loinc", str(tmp_path / "nothing"), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "rrall-tx import loinc: " in capsys.readouterr().err
