"""Build the FHIR R4 content (codesystems/, valuesets/, conceptmaps/) from the authored source in
``content/`` (``rrall-tx build-content``), or compare a fresh build with the committed files
(``rrall-tx build-content --check``: the drift check CI runs).

The build is deterministic and reads nothing outside the repository: the YAML source, and
``content/reference/verified-codes.json`` for every external code. ``content_maps`` builds the parts
that come from the verified codes (ConceptMaps, their target ValueSets, the external fragments).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import content_maps
from .content_source import CodeSystemSource, Concept, Source, SourceError, load
from .spelling import to_en_gb

FOLDERS = ("codesystems", "valuesets", "conceptmaps")
SCT = "http://snomed.info/sct"
SYNONYM = {"system": SCT, "code": "900000000000013009", "display": "Synonym"}
DISPLAY_USE = {"system": "http://terminology.hl7.org/CodeSystem/designation-usage", "code": "display"}
VALUE_KEY = {"boolean": "valueBoolean", "string": "valueString", "code": "valueCode", "integer": "valueInteger",
             "dateTime": "valueDateTime"}
VALUESET_KEYS = {"id", "name", "title", "description", "purpose", "status", "include", "exclude"}
INCLUDE_KEYS = {"system", "concepts", "is-a", "descendent-of", "filter", "valueset"}


def defs_type(project: dict, pcode: str) -> str | None:
    return (project["properties"].get(pcode) or {}).get("type")


_DOCUMENT_NUMBER = re.compile(r"(?<![\w/.-])(00[0-4])(?![\w-])")   # a seed cited by number in prose


class Builder:
    def __init__(self, source: Source):
        self.src = source
        self.project = source.project
        self.base = self.project["base"]
        self.cs_by_id = {cs.id: cs for cs in source.codesystems}
        self.problems: list[str] = []

    # ---- common -------------------------------------------------------------
    def url(self, rtype: str, rid: str) -> str:
        return f"{self.base}/{rtype}/{rid}"

    def common(self, rtype: str, rid: str, name: str, title: str, description: str, purpose: str | None = None,
               status: str = "active") -> dict:
        res = {"resourceType": rtype, "id": rid, "url": self.url(rtype, rid), "version": self.project["version"],
               "name": name, "title": title, "status": status, "experimental": False,
               "publisher": self.project["publisher"], "description": description}
        if purpose:
            res["purpose"] = purpose
        return res

    # ---- code systems -------------------------------------------------------
    def prose(self, text):
        """Text for people: a document cited by its number ("which 002 lists", "(003)") gets its name."""
        if not isinstance(text, str):
            return text
        seeds = self.project["seeds"]

        def name(m):
            label = seeds[m.group(1)].get("label") or seeds[m.group(1)]["file"]
            start = m.start() == 0 or text[max(0, m.start() - 2):m.start()] == ". "
            return label[:1].upper() + label[1:] if start else label
        return _DOCUMENT_NUMBER.sub(name, text)

    def concept_json(self, c: Concept, used: set[str]) -> dict:
        out = {"code": c.code, "display": c.display, "definition": self.prose(c.definition)}
        designations = [{"language": "en", "use": SYNONYM, "value": s} for s in c.synonyms]
        gb = c.en_gb or to_en_gb(c.display)
        if gb != c.display:
            designations.append({"language": "en-GB", "use": DISPLAY_USE, "value": gb})
        if designations:
            out["designation"] = designations
        props: list[tuple[str, object]] = [("parent", p) for p in c.parents]
        if c.grouper:
            props.append(("notSelectable", True))
        if c.deprecated:
            props.append(("deprecated", c.deprecated))
        props += [("source-document", self.src.seed_file(s)) for s in c.sources]
        for pcode, value in c.properties:
            if isinstance(value, str) and defs_type(self.project, pcode) == "string":
                value = self.prose(value)   # "003: ..." -> "Leukaemia Care: ...", "000's window" -> ...
            props.append((pcode, value))
        if props:
            defs = self.project["properties"]
            out["property"] = [{"code": k, VALUE_KEY[defs[k]["type"]]: v} for k, v in props]
            used.update(k for k, _v in props)
        return out

    def codesystem(self, cs: CodeSystemSource) -> dict:
        used: set[str] = set()
        concepts = [self.concept_json(c, used) for c in cs.concepts]
        res = self.common("CodeSystem", cs.id, cs.name, cs.title, cs.description, cs.purpose)
        res.update({"language": "en", "copyright": " ".join(self.project["codesystem-copyright"].split()),
                    "caseSensitive": True, "valueSet": self.url("ValueSet", cs.id), "hierarchyMeaning": "is-a",
                    "content": "complete", "count": len(concepts), "property": [], "concept": concepts})
        for code, spec in self.project["properties"].items():
            if code in used:
                decl = {"code": code}
                if spec.get("uri"):
                    decl["uri"] = spec["uri"]
                decl["description"] = " ".join(spec["description"].split())
                decl["type"] = spec["type"]
                res["property"].append(decl)
        return res

    # ---- value sets -----------------------------------------------------------
    def all_codes_valuesets(self) -> dict[str, dict]:
        out = {}
        for cs in self.src.codesystems:
            out[cs.id] = self.common("ValueSet", cs.id, cs.name + "VS", cs.title + " (all codes)",
                                     f"All codes of the {cs.title} code system, groupers included.",
                                     "Validating or browsing any code of the code system; not a pick list, since it "
                                     "holds groupers and codes of several kinds (see the curated value sets).")
            out[cs.id]["compose"] = {"include": [{"system": self.url("CodeSystem", cs.id)}]}
        everything = self.common("ValueSet", "rr-all-all-concepts", "RRALLAllConcepts", "RR-ALL: all concepts",
                                 "Every concept in every RR-ALL code system.",
                                 "The source of the concept maps, and validating that a code is any RR-ALL code.")
        everything["compose"] = {"include": [{"system": self.url("CodeSystem", cs.id)} for cs in self.src.codesystems]}
        out["rr-all-all-concepts"] = everything
        return out

    def curated_valueset(self, raw: dict, verified: dict) -> dict | None:
        at = f"valuesets.yaml: {raw.get('id')!r}"
        for key in sorted(set(raw) - VALUESET_KEYS):
            self.problems.append(f"{at}: unknown key {key!r}")
        for key in ("id", "name", "title", "description", "purpose", "include"):
            if not raw.get(key):
                self.problems.append(f"{at}: missing {key!r}")
        if not raw.get("id") or not raw.get("include"):
            return None
        text = {k: " ".join(str(raw.get(k, "")).split()) for k in ("title", "description", "purpose")}
        res = self.common("ValueSet", raw["id"], raw["name"], text["title"], text["description"], text["purpose"],
                          raw.get("status", "active"))
        external = self.project["external-systems"]
        copyrights = [external[s]["copyright"] for s in self._external_systems(raw) if s in external]
        if copyrights:   # the licence of every external system the value set draws codes from
            res["copyright"] = " ".join(" ".join(copyrights).split())
        compose = {"include": [self.include(at, inc, verified) for inc in raw["include"]]}
        if raw.get("exclude"):
            compose["exclude"] = [self.include(at, inc, verified) for inc in raw["exclude"]]
        res["compose"] = compose
        return res

    @staticmethod
    def _external_systems(raw: dict) -> list[str]:
        return list(dict.fromkeys(inc.get("system") for inc in raw.get("include", []) if inc.get("system")))

    def include(self, at: str, inc: dict, verified: dict) -> dict:
        for key in sorted(set(inc) - INCLUDE_KEYS):
            self.problems.append(f"{at}: include: unknown key {key!r}")
        out: dict = {}
        system = inc.get("system")
        cs = self.cs_by_id.get(system)
        if system is not None:
            out["system"] = self.url("CodeSystem", system) if cs else system
            if cs is None and system not in self.project["external-systems"]:
                self.problems.append(f"{at}: system {system!r} is neither one of our code systems nor external")
        if inc.get("valueset"):
            out["valueSet"] = [self.url("ValueSet", v) for v in inc["valueset"]]
        local = {c.code: c for c in cs.concepts} if cs else {}
        if inc.get("concepts"):
            out["concept"] = []
            for code in map(str, inc["concepts"]):
                display = local[code].display if code in local else verified.get((system, code))
                if display is None:
                    self.problems.append(f"{at}: code {code!r} is not in {system}"
                                         + ("" if cs else " (or not in verified-codes.json)"))
                    continue
                out["concept"].append({"code": code, "display": display})
        filters = [{"property": "concept", "op": op, "value": inc[op]} for op in ("is-a", "descendent-of") if op in inc]
        filters += list(inc.get("filter") or [])
        for f in filters:
            if f.get("property") == "concept" and cs and f.get("value") not in local:
                self.problems.append(f"{at}: filter value {f.get('value')!r} is not a code of {system}")
        if filters:
            out["filter"] = filters
        return out


def build(source: Source) -> dict[str, str]:
    """Every generated file: 'codesystems/CodeSystem-x.json' -> its text."""
    b = Builder(source)
    verified = content_maps.load_verified(source.verified_path)
    files: dict[str, dict] = {}
    for cs in source.codesystems:
        files[f"codesystems/CodeSystem-{cs.id}.json"] = b.codesystem(cs)
    for vid, res in b.all_codes_valuesets().items():
        files[f"valuesets/ValueSet-{vid}.json"] = res
    displays = {(e["system"], e["code"]): e["display"] for e in verified}
    for raw in source.valuesets:
        res = b.curated_valueset(raw, displays)
        if res is not None:
            files[f"valuesets/ValueSet-{res['id']}.json"] = res
    files.update(content_maps.build_maps(b, verified, source.map_notes))
    if b.problems:
        raise SourceError(b.problems)
    return {name: render(res) for name, res in sorted(files.items())}


def render(resource: dict) -> str:
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def _on_disk(out_root: Path) -> dict[str, str]:
    out = {}
    for folder in FOLDERS:
        for path in sorted((out_root / folder).glob("*.json")):
            out[f"{folder}/{path.name}"] = path.read_text(encoding="utf-8")
    return out


def drift(files: dict[str, str], out_root: Path) -> list[str]:
    """What differs between a fresh build and the files on disk (empty: none)."""
    disk = _on_disk(out_root)
    out = [f"{name}: differs from a fresh build" for name in files if name in disk and disk[name] != files[name]]
    out += [f"{name}: missing (the build makes it)" for name in files if name not in disk]
    out += [f"{name}: not made by the build (delete it, or add its source)" for name in disk if name not in files]
    return sorted(out)


def write(files: dict[str, str], out_root: Path) -> list[str]:
    """Write the build, delete stale JSON in the output folders; returns the files that changed."""
    changed = drift(files, out_root)
    for folder in FOLDERS:
        (out_root / folder).mkdir(parents=True, exist_ok=True)
        for path in (out_root / folder).glob("*.json"):
            if f"{folder}/{path.name}" not in files:
                path.unlink()
    for name, text in files.items():
        path = out_root / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return changed


def run(source_dir: Path, out_root: Path, check: bool, out=print) -> int:
    """The `rrall-tx build-content` command: 0 = written and passing the content checks / no drift; 1 = source
    problems, problems found by the content checks in what was written, or drift."""
    try:
        source = load(source_dir)
        files = build(source)
    except SourceError as exc:
        for p in exc.problems:
            out(p)
        out(f"{len(exc.problems)} problem(s) in the content source; nothing written")
        return 1
    if check:
        problems = drift(files, out_root)
        for p in problems:
            out(p)
        if problems:
            out("the committed FHIR JSON is not what content/ builds: run `rrall-tx build-content` and commit")
            return 1
        out(f"content build up to date ({len(files)} files)")
        return 0
    changed = write(files, out_root)
    counts = {f: sum(1 for n in files if n.startswith(f + "/")) for f in FOLDERS}
    out(f"wrote {counts['codesystems']} CodeSystems, {counts['valuesets']} ValueSets, "
        f"{counts['conceptmaps']} ConceptMaps ({len(changed)} file(s) changed)")
    from .content_checks import check_dirs   # the same rules as `rrall-tx check`, on what was just written

    problems = check_dirs([out_root / f for f in FOLDERS], source.verified_path)
    for p in problems:
        out(str(p))
    if problems:
        out(f"{len(problems)} problem(s) in the built content: fix content/ and build again")
        return 1
    out("content checks passed")
    return 0
