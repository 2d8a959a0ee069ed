"""Read the authored content source (``content/``: YAML) into plain objects, checking what a FHIR
check of the generated JSON could not tell an author in their own terms (a misspelt key, a parent that
does not exist, a claim attributed to a document the concept does not cite).

Layout (docs/content.md describes every field):

* ``content/project.yaml`` — base URL, version, publisher, seed documents, property definitions,
  external systems, the path of verified-codes.json;
* ``content/codesystems/*.yaml`` — one file per CodeSystem, a flat list of concepts with ``parents``;
* ``content/valuesets.yaml`` — the curated ValueSets;
* ``content/conceptmaps.yaml`` — notes (cautions, preferences) added to ConceptMap targets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ATTRIBUTED = ("document-view", "stated-frequency", "stated-prognosis")   # values must start "NNN: "
FROM_FIELDS = ("parent", "notSelectable", "deprecated", "source-document")  # set by concept fields
CONCEPT_KEYS = {"code", "display", "definition", "parents", "grouper", "sources", "synonyms", "en-GB",
                "properties", "deprecated"}
CODESYSTEM_KEYS = {"id", "name", "title", "description", "purpose", "concepts"}
PROJECT_KEYS = {"base", "version", "publisher", "verified-codes", "seeds", "codesystem-copyright", "properties",
                "external-systems"}
PYTHON_TYPES = {"code": str, "string": str, "integer": int, "boolean": bool, "dateTime": str}


class SourceError(Exception):
    """The content source has problems; ``problems`` lists them as 'file: where: message'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("content source problems:\n  " + "\n  ".join(problems))


@dataclass
class Concept:
    code: str
    display: str
    definition: str
    parents: list[str]
    grouper: bool
    sources: list[str]
    synonyms: list[str]
    en_gb: str | None
    properties: list[tuple[str, object]]
    deprecated: str | None


@dataclass
class CodeSystemSource:
    file: str
    id: str
    name: str
    title: str
    description: str
    purpose: str | None
    concepts: list[Concept]


@dataclass
class Source:
    root: Path
    project: dict
    codesystems: list[CodeSystemSource]
    valuesets: list[dict]
    map_notes: list[dict]
    problems: list[str] = field(default_factory=list)

    def seed_file(self, number: str) -> str:
        return self.project["seeds"][number]["file"]

    @property
    def verified_path(self) -> Path:
        return self.root / self.project["verified-codes"]


def _yaml(path: Path, problems: list[str]):
    import yaml   # a main dependency; imported here so the server never needs it

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path}: cannot read: {exc}")
        return None


def seed_number(value) -> str:
    """'003', 3 (YAML may read 003 as an integer) -> '003'."""
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return f"{value:03d}"
    return str(value)


def _text(value) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def load(root: Path) -> Source:
    """Read and check the source under root (normally ``<repo>/content``); SourceError on problems."""
    root = Path(root)
    problems: list[str] = []
    project = _yaml(root / "project.yaml", problems) or {}
    _check_project(root / "project.yaml", project, problems)
    codesystems = []
    for path in sorted((root / "codesystems").glob("*.yaml")):
        raw = _yaml(path, problems)
        if raw is not None:
            codesystems.append(_codesystem(path, raw, project, problems, root))
    _check_codes_unique(codesystems, problems)
    valuesets = _list(root / "valuesets.yaml", "valuesets", problems)
    notes = _list(root / "conceptmaps.yaml", "notes", problems)
    if problems:
        raise SourceError(problems)
    return Source(root, project, codesystems, valuesets, notes)


def _list(path: Path, key: str, problems: list[str]) -> list[dict]:
    if not path.is_file():
        return []
    raw = _yaml(path, problems) or {}
    items = raw.get(key, []) if isinstance(raw, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(f"{path}: {key}: must be a list of mappings")
        return []
    return items


def _check_project(path: Path, project: dict, problems: list[str]) -> None:
    if not isinstance(project, dict):
        problems.append(f"{path}: must be a mapping")
        project.clear()
        return
    for key in sorted(set(project) - PROJECT_KEYS):
        problems.append(f"{path}: unknown key {key!r}")
    for key in sorted(PROJECT_KEYS - set(project)):
        problems.append(f"{path}: missing {key!r}")
    seeds = project.get("seeds")
    if isinstance(seeds, dict):
        project["seeds"] = {seed_number(k): v for k, v in seeds.items()}
    for code, spec in (project.get("properties") or {}).items():
        if not isinstance(spec, dict) or spec.get("type") not in PYTHON_TYPES:
            problems.append(f"{path}: property {code!r}: type must be one of {sorted(PYTHON_TYPES)}")


def _shown(path: Path, root: Path) -> str:
    """The path as an author sees it: content/codesystems/x.yaml (relative to the repository)."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _codesystem(path: Path, raw, project: dict, problems: list[str], root: Path) -> CodeSystemSource:
    where = _shown(path, root)
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping")
        raw = {}
    for key in sorted(set(raw) - CODESYSTEM_KEYS):
        problems.append(f"{where}: unknown key {key!r}")
    for key in ("id", "name", "title", "description", "concepts"):
        if not raw.get(key):
            problems.append(f"{where}: missing {key!r}")
    concepts = [_concept(where, i, c, project, problems) for i, c in enumerate(raw.get("concepts") or [])]
    concepts = [c for c in concepts if c is not None]
    _check_references(where, concepts, problems)
    return CodeSystemSource(where, str(raw.get("id", "")), str(raw.get("name", "")), _text(raw.get("title")) or "",
                            _text(raw.get("description")) or "", _text(raw.get("purpose")), concepts)


def _concept(where: str, i: int, raw, project: dict, problems: list[str]) -> Concept | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: concepts[{i}]: must be a mapping")
        return None
    code = raw.get("code")
    at = f"{where}: concept {code!r}" if code else f"{where}: concepts[{i}]"
    if not isinstance(code, str) or not CODE.match(code):
        problems.append(f"{at}: code must be lower-kebab-case letters and digits")
    for key in sorted(set(raw) - CONCEPT_KEYS):
        problems.append(f"{at}: unknown key {key!r}")
    display, definition = _text(raw.get("display")), _text(raw.get("definition"))
    if not display:
        problems.append(f"{at}: display is missing")
    if not definition:
        problems.append(f"{at}: definition is missing")
    sources = _sources(at, raw, project, problems)
    parents = raw.get("parents") or []
    synonyms = raw.get("synonyms") or []
    if not isinstance(parents, list) or not isinstance(synonyms, list):
        problems.append(f"{at}: parents and synonyms must be lists")
        parents, synonyms = [], []
    props = _properties(at, raw.get("properties") or {}, project, set(sources), problems)
    deprecated = raw.get("deprecated")
    if deprecated is not None and not (isinstance(deprecated, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", deprecated)):
        problems.append(f"{at}: deprecated must be a quoted date such as \"2026-12-06\"")
    return Concept(str(code), display or "", definition or "", [str(p) for p in parents], raw.get("grouper") is True,
                   sorted(set(sources)), [_text(s) or "" for s in synonyms], _text(raw.get("en-GB")), props,
                   deprecated)


def _sources(at: str, raw: dict, project: dict, problems: list[str]) -> list[str]:
    seeds = project.get("seeds") or {}
    sources = [seed_number(s) for s in raw.get("sources") or []]
    if not sources:
        problems.append(f"{at}: sources is missing (the seed documents that support the concept)")
    for s in sources:
        if s not in seeds:
            problems.append(f"{at}: source {s!r} is not a seed document in project.yaml")
    return sources


def _properties(at: str, raw, project: dict, sources: set[str], problems: list[str]) -> list[tuple[str, object]]:
    declared = project.get("properties") or {}
    if not isinstance(raw, dict):
        problems.append(f"{at}: properties must be a mapping of property code to value(s)")
        return []
    out = []
    for pcode, values in raw.items():
        spec = declared.get(pcode)
        if spec is None or pcode in FROM_FIELDS:
            problems.append(f"{at}: property {pcode!r} is not one of the properties in project.yaml"
                            + (" (use the concept field instead)" if pcode in FROM_FIELDS else ""))
            continue
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str):
                value = " ".join(value.split())
            want = PYTHON_TYPES[spec["type"]]
            if not isinstance(value, want) or (want is int and isinstance(value, bool)):
                problems.append(f"{at}: property {pcode!r} needs a value of type {spec['type']}, not {value!r}")
                continue
            if pcode in ATTRIBUTED:
                m = re.match(r"^(\d{3}): \S", value)
                if not m:
                    problems.append(f"{at}: {pcode} value must start with the seed number, e.g. '003: ...'")
                elif m.group(1) not in sources:
                    problems.append(f"{at}: {pcode} attributed to {m.group(1)}, which the concept does not cite")
            out.append((pcode, value))
    return out


def _check_references(where: str, concepts: list[Concept], problems: list[str]) -> None:
    codes = {c.code for c in concepts}
    for c in concepts:
        for p in c.parents:
            if p == c.code or p not in codes:
                problems.append(f"{where}: concept {c.code!r}: parent {p!r} is not another concept of this file")
        for pcode, value in c.properties:
            if pcode == "has-component" and value not in codes:
                problems.append(f"{where}: concept {c.code!r}: has-component {value!r} is not a concept of this file")


def _check_codes_unique(codesystems: list[CodeSystemSource], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for cs in codesystems:
        for c in cs.concepts:
            if c.code in seen:
                problems.append(f"{cs.file}: concept {c.code!r}: code also used in {seen[c.code]}")
            else:
                seen[c.code] = cs.file
