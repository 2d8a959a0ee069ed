"""`rrall-tx build-content`: the committed JSON is exactly what content/ builds (the drift check CI runs), the
build is deterministic and reads nothing outside the repository, and --check catches every kind of drift."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from service.cli import main
from service.content_build import build, drift, run, write
from service.content_source import load

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "content"


def test_committed_json_is_a_fresh_build():
    problems = drift(build(load(SOURCE)), REPO)
    assert problems == [], "run `rrall-tx build-content` and commit:\n" + "\n".join(problems)


def test_cli_check_passes_on_the_repository(capsys):
    assert main(["build-content", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_build_is_deterministic():
    assert build(load(SOURCE)) == build(load(SOURCE))


def test_build_needs_nothing_outside_the_repository():
    source = load(SOURCE)
    assert source.verified_path.resolve().is_relative_to(REPO)
    assert source.verified_path.is_file()


def test_check_reports_changed_missing_and_stale_files(tmp_path, capsys):
    files = build(load(SOURCE))
    write(files, tmp_path)
    assert drift(files, tmp_path) == []
    changed = tmp_path / "valuesets" / "ValueSet-rr-all-lineage.json"
    res = json.loads(changed.read_text(encoding="utf-8"))
    res["title"] = "Edited by hand"
    changed.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    (tmp_path / "codesystems" / "CodeSystem-rr-all-mrd.json").unlink()
    (tmp_path / "conceptmaps" / "ConceptMap-stray.json").write_text("{}", encoding="utf-8")
    problems = drift(files, tmp_path)
    assert problems == ["codesystems/CodeSystem-rr-all-mrd.json: missing (the build makes it)",
                        "conceptmaps/ConceptMap-stray.json: not made by the build (delete it, or add its source)",
                        "valuesets/ValueSet-rr-all-lineage.json: differs from a fresh build"]
    assert run(SOURCE, tmp_path, check=True) == 1
    assert "run `rrall-tx build-content`" in capsys.readouterr().out
    assert run(SOURCE, tmp_path, check=False) == 0      # the build repairs all three
    assert drift(files, tmp_path) == []


def test_a_source_problem_writes_nothing(tmp_path, capsys):
    src = tmp_path / "content"
    shutil.copytree(SOURCE, src)
    cs = src / "codesystems" / "relapse-count.yaml"
    cs.write_text(cs.read_text(encoding="utf-8").replace("parents: [repeat-relapse]", "parents: [repeat-relaps]", 1),
                  encoding="utf-8")
    out = tmp_path / "out"
    assert run(src, out, check=False) == 1
    assert "parent 'repeat-relaps' is not another concept of this file" in capsys.readouterr().out
    assert not out.exists()


def test_build_runs_the_content_checks_on_what_it_wrote(tmp_path, capsys):
    src = tmp_path / "content"
    shutil.copytree(SOURCE, src)
    cs = src / "codesystems" / "relapse-count.yaml"
    cs.write_text(cs.read_text(encoding="utf-8").replace(
        "The second time the leukemia comes back.", "The second time the leukaemia comes back.", 1), encoding="utf-8")
    assert run(src, tmp_path / "out", check=False) == 1
    out = capsys.readouterr().out
    assert "concept 'second-relapse': British spelling leukaemia in US English text" in out
    assert "problem(s) in the built content" in out
