"""service.content_source and the build's source checks: a clinician's mistake in content/*.yaml is reported
in their own terms (file, concept, what is wrong), never as a traceback or as silently wrong JSON."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from service.content_build import build
from service.content_source import SourceError, load

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
id: t-cs
name: TCS
title: "Test code system"
description: "For the tests."
concepts:
- code: root
  display: "Root"
  grouper: true
  sources: ["000"]
  definition: "Top."
- code: child
  display: "Leukemia child"
  parents: [root]
  sources: ["000", "003"]
  synonyms: ["Kid"]
  definition: "Below the top."
  properties:
    document-view: "003: a view"
"""


@pytest.fixture
def source(tmp_path) -> Path:
    root = tmp_path / "content"
    (root / "codesystems").mkdir(parents=True)
    shutil.copy(REPO / "content" / "project.yaml", root)
    (root / "reference").mkdir()
    shutil.copy(REPO / "content" / "reference" / "verified-codes.json", root / "reference")
    (root / "codesystems" / "t.yaml").write_text(GOOD, encoding="utf-8")
    return root


def problems(root: Path) -> str:
    with pytest.raises(SourceError) as err:
        build(load(root))
    return "\n".join(err.value.problems)


def edit(root: Path, old: str, new: str, name: str = "t.yaml") -> None:
    path = root / "codesystems" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_source_builds_with_derived_fields(source):
    files = build(load(source))
    cs = __import__("json").loads(files["codesystems/CodeSystem-t-cs.json"])
    child = cs["concept"][1]
    props = [(p["code"], next(v for k, v in p.items() if k.startswith("value"))) for p in child["property"]]
    assert ("parent", "root") in props
    assert ("document-view", "Leukaemia Care: a view") in props   # documents are named for people
    assert {"language": "en-GB", "use": {"system": "http://terminology.hl7.org/CodeSystem/designation-usage",
                                         "code": "display"}, "value": "Leukaemia child"} in child["designation"]
    assert ("notSelectable", True) in [(p["code"], p.get("valueBoolean")) for p in cs["concept"][0]["property"]]
    assert cs["count"] == 2 and cs["version"] == load(source).project["version"]


@pytest.mark.parametrize("old, new, message", [
    ("  definition: \"Below the top.\"", "  definiton: \"Below the top.\"", "unknown key 'definiton'"),
    ("  definition: \"Below the top.\"\n", "", "concept 'child': definition is missing"),
    ("parents: [root]", "parents: [rooot]", "parent 'rooot' is not another concept of this file"),
    ("sources: [\"000\", \"003\"]", "sources: [\"000\", \"007\"]", "source '007' is not a seed document"),
    ("sources: [\"000\", \"003\"]", "sources: [\"000\"]", "document-view attributed to 003, which the concept does not cite"),
    ("\"003: a view\"", "\"a view\"", "document-view value must start with the seed number"),
    ("document-view:", "colour:", "property 'colour' is not one of the properties in project.yaml"),
    ("document-view: \"003: a view\"", "threshold-months: \"six\"", "property 'threshold-months' needs a value of type integer"),
    ("document-view: \"003: a view\"", "has-component: nothing", "has-component 'nothing' is not a concept of this file"),
    ("document-view: \"003: a view\"", "parent: root", "(use the concept field instead)"),
    ("- code: child", "- code: Child_1", "code must be lower-kebab-case"),
    ("  grouper: true\n", "  grouper: true\n  deprecated: 2026-12-06\n", "deprecated must be a quoted date"),
])
def test_concept_mistakes_are_reported(source, old, new, message):
    edit(source, old, new)
    assert message in problems(source)


def test_a_code_used_in_two_files_is_reported(source):
    (source / "codesystems" / "u.yaml").write_text(GOOD.replace("id: t-cs", "id: u-cs"), encoding="utf-8")
    assert "code also used in" in problems(source)


def test_value_set_mistakes_are_reported(source):
    (source / "valuesets.yaml").write_text("""\
valuesets:
- id: t-vs
  name: TVS
  title: "T"
  description: "D"
  purpose: "P"
  include:
  - system: t-cs
    concepts: [child, nope]
  - system: t-cs
    is-a: nothing
  - system: http://snomed.info/sct
    concepts: ["999999999"]
  - sytem: t-cs
- id: u-vs
  name: UVS
  title: "U"
  include:
  - system: t-cs
    concepts: [child]
""", encoding="utf-8")
    found = problems(source)
    for message in ("code 'nope' is not in t-cs", "filter value 'nothing' is not a code of t-cs",
                    "code '999999999' is not in http://snomed.info/sct (or not in verified-codes.json)",
                    "include: unknown key 'sytem'", "'u-vs': missing 'purpose'", "'u-vs': missing 'description'"):
        assert message in found, found


def test_a_map_note_that_matches_nothing_is_reported(source):
    (source / "conceptmaps.yaml").write_text("""\
notes:
- system: http://hl7.org/fhir/sid/icd-10-cm
  code: C91.O
  text: "typo in the code"
- concept: child
  txt: "no text"
""", encoding="utf-8")
    found = problems(source)
    assert "notes[0]: matches no mapped target" in found
    assert "notes[1]: unknown key 'txt'" in found and "notes[1]: text is missing" in found


def test_unreadable_yaml_is_reported(source):
    (source / "codesystems" / "t.yaml").write_text("concepts: [unclosed\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load(source)
    assert "cannot read" in err.value.problems[0]
