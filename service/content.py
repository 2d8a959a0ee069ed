"""Load content folders into a Registry: parse, validate with fhir.resources (via fhir_io), index."""
from __future__ import annotations

import json
from pathlib import Path

from . import fhir_io
from .engine.registry import Registry


class ContentError(Exception):
    """Invalid content: names the file, element path and problem."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = problems
        lines = [f"{f}: {path}: {msg}" for f, path, msg in problems]
        super().__init__("invalid content:\n  " + "\n  ".join(lines))


def iter_content_files(dirs: list[str]):
    for d in dirs:
        p = Path(d)
        if p.is_file():
            yield p
        elif p.is_dir():
            yield from sorted(p.rglob("*.json"))


def read_resources(dirs: list[str], *, validate: bool = True) -> tuple[list[tuple[Path, dict]], list]:
    resources, problems = [], []
    for path in iter_content_files(dirs):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            problems.append((str(path), "", f"not valid JSON: {exc}"))
            continue
        if not isinstance(data, dict) or data.get("resourceType") not in ("CodeSystem", "ValueSet", "ConceptMap"):
            problems.append((str(path), "", "not a CodeSystem, ValueSet or ConceptMap"))
            continue
        if validate:
            version = fhir_io.R5 if _looks_r5(data) else fhir_io.R4
            for loc, msg in fhir_io.validate_resource(data, version):
                problems.append((str(path), loc, msg))
        resources.append((path, data))
    return resources, problems


def _looks_r5(resource: dict) -> bool:
    """R5-only shapes (ConceptMap relationship, R5 metadata); everything else is read as R4."""
    if resource.get("resourceType") == "ConceptMap":
        return any("relationship" in t for g in resource.get("group", []) for e in g.get("element", [])
                   for t in e.get("target", []))
    return any(k in resource for k in ("versionAlgorithmString", "versionAlgorithmCoding", "copyrightLabel"))


def load_registry(dirs: list[str], *, validate: bool = True) -> Registry:
    resources, problems = read_resources(dirs, validate=validate)
    if problems:
        raise ContentError(problems)
    reg = Registry()
    from .convert import r4_to_r5
    for _path, data in resources:
        reg.add(r4_to_r5(data))
    return reg
