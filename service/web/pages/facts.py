"""What the concept pages gather from our content besides the concept itself: the titles of the source
documents, the maps to other terminologies (from our ConceptMaps), and the value sets that hold a concept
(asked of the engine: ``$validate-code`` walks each compose, nothing is expanded).

The content is immutable after start-up, so the map index and the titles are built once per application
(``service.caches.pages``) and memberships are remembered per concept (``service.caches.memberships``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ... import operations as ops
from ... import params as P
from ...config import ROOT
from ...engine.versions import split_canonical
from ...errors import TerminologyError

log = logging.getLogger("rrall")
PROJECT_FILE = ROOT / "content" / "project.yaml"


def seed_titles(svc) -> dict[str, str]:
    """Source document file name -> its title and publisher as content/project.yaml names it ({} if absent)."""
    return _project(svc)["titles"]


def system_labels(svc) -> dict[str, str]:
    """External code system URL -> its short name (ICD-10-CM, SNOMED CT, ...) from content/project.yaml."""
    return _project(svc)["labels"]


def _project(svc) -> dict:
    cache = svc.caches.pages
    if "project" not in cache:
        cache["project"] = read_project(Path(svc.config.get("PROJECT_FILE") or PROJECT_FILE))
    return cache["project"]


def read_project(path: Path) -> dict:
    """{"titles": {seed file: title}, "labels": {system url: label}} from a project.yaml (empty if unreadable)."""
    out: dict = {"titles": {}, "labels": {}}
    import yaml   # a main dependency (the content source is YAML)

    try:
        project = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        log.info("no source document titles (%s): pages show file names", exc)
        return out
    if not isinstance(project, dict):
        return out
    for number, seed in (project.get("seeds") or {}).items():
        if isinstance(seed, dict) and seed.get("file") and seed.get("source"):
            out["titles"][str(seed["file"])] = f"{seed['source']}, document {str(number).zfill(3)}"
    for url, system in (project.get("external-systems") or {}).items():
        if isinstance(system, dict) and system.get("label"):
            out["labels"][str(url)] = str(system["label"])
    return out


@dataclass(frozen=True)
class MapTarget:
    """One target of one of our ConceptMaps for a source concept (the R5 shape as the registry holds it)."""
    map_id: str
    map_title: str
    target_system: str
    target: dict          # the R5 target: code, display, relationship, comment, extension (R4 equivalence)


def maps_for(svc, system: str, code: str) -> list[MapTarget]:
    cache = svc.caches.pages
    if "maps" not in cache:
        cache["maps"] = _map_index(svc.content_registry)
    return cache["maps"].get((system, code), [])


def _map_index(registry) -> dict[tuple[str, str], list[MapTarget]]:
    index: dict[tuple[str, str], list[MapTarget]] = {}
    for cm in registry.all("ConceptMap"):
        title = cm.get("title") or cm.get("name") or cm.get("id", "")
        for group in cm.get("group", []):
            for element in group.get("element", []):
                key = (split_canonical(group.get("source", ""))[0], element.get("code", ""))
                target_system = split_canonical(group.get("target", ""))[0]
                for target in element.get("target", []):
                    index.setdefault(key, []).append(MapTarget(cm.get("id", ""), title, target_system, target))
    return index


def containing_value_sets(svc, req, system: str, version: str | None, code: str) -> list[dict]:
    """Our value sets that hold (system, code), in registry order, each asked with $validate-code."""
    key = (id(svc.content_registry), system, version, code)
    hit = svc.caches.memberships.get(key)
    if hit is not None:
        return list(hit)
    out = []
    for vs in svc.content_registry.all("ValueSet"):
        if vs.get("url") and _may_hold(vs, system) and _holds(svc, req, vs, system, code):
            out.append(vs)
    svc.caches.memberships.put(key, tuple(out))
    return out


def _may_hold(vs: dict, system: str) -> bool:
    """False when the compose can not hold the system at all (no include of it, no imported value set)."""
    compose = vs.get("compose")
    if not compose:
        return True
    return any(inc.get("system") == system or inc.get("valueSet") for inc in compose.get("include", []))


def _holds(svc, req, vs: dict, system: str, code: str) -> bool:
    typed = {"url": [vs["url"]], "system": [system], "code": [code]}
    if vs.get("version"):
        typed["valueSetVersion"] = [vs["version"]]
    request = P.validate_code(typed, on_codesystem=False)
    try:
        answer = ops.validate_code(svc.context(req, request), request, on_codesystem=False)
    except TerminologyError as exc:   # a value set that cannot be evaluated does not hold it
        log.info("membership of %s in %s not decided: %s", code, vs.get("url"), exc)
        return False
    return any(p.get("name") == "result" and p.get("valueBoolean") is True for p in answer.get("parameter", []))
