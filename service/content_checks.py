"""Content checks for the terminology files (CodeSystem, ValueSet, ConceptMap JSON).

``check_dirs(dirs, verified_codes_path)`` loads every ``*.json`` in the given
directories and returns a list of :class:`Problem`; an empty list means the
content passed. Structural validation is delegated to ``fhir_io``; the rules on
wording and attribution are in ``content_text_checks``; everything else works on
plain dicts.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import fhir_io
from .content_text_checks import concept_text_problems, valueset_text_problems

OUR_BASE = "http://terminology.rr-all.org/fhir"
SEED_DOCUMENTS = (
    "000_4cf504f23e26ef8d.txt",
    "001_bc64aeca3d634403.txt",
    "002_d8456a35d27e8f05.txt",
    "003_859351e8ceea3ab9.txt",
    "004_9a1520f69da2f2e2.txt",
)
# how definitions and attributed statements name each document for people (content/project.yaml `label`)
SEED_LABELS = {
    "the Know ALL page": "000_4cf504f23e26ef8d.txt",
    "the consumer health article": "001_bc64aeca3d634403.txt",
    "the health article on relapse": "002_d8456a35d27e8f05.txt",
    "Leukaemia Care": "003_859351e8ceea3ab9.txt",
    "the Together resource": "004_9a1520f69da2f2e2.txt",
}
SOURCE_DOCUMENT = "source-document"
HIERARCHY_FILTER_OPS = ("is-a", "descendent-of", "=", "is-not-a", "generalizes", "child-of", "descendent-leaf")
VALUE_TYPES = {"valueCode": "code", "valueCoding": "Coding", "valueString": "string", "valueInteger": "integer",
               "valueBoolean": "boolean", "valueDateTime": "dateTime", "valueDecimal": "decimal"}

# RFC 5646 langtag: language[-script][-region]*(-variant)*(-extension)[-privateuse], or privateuse alone.
_ALNUM = "[A-Za-z0-9]"
BCP47 = re.compile(
    r"^(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4}|[A-Za-z]{5,8})"  # language (+ extlang)
    r"(?:-[A-Za-z]{4})?"                                                # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"                                   # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"                     # variants
    rf"(?:-[0-9A-WY-Za-wy-z](?:-{_ALNUM}{{2,8}})+)*"                     # extensions
    rf"(?:-[Xx](?:-{_ALNUM}{{1,8}})+)?"                                  # private use
    rf"|[Xx](?:-{_ALNUM}{{1,8}})+"                                       # private use only
    r")$"
)


VERIFIED_TO_R4 = {"related": "relatedto"}   # verified-codes.json vocabulary -> FHIR R4 ConceptMapEquivalence


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


def valid_bcp47(tag) -> bool:
    if not isinstance(tag, str) or not BCP47.match(tag):
        return False
    # a variant or singleton subtag may not repeat (case-insensitive)
    subtags = [s.lower() for s in tag.split("-")]
    head = subtags[: subtags.index("x")] if "x" in subtags else subtags
    singles = [s for s in head if len(s) == 1]
    variants = [s for s in head[1:] if len(s) >= 5 or (len(s) == 4 and s[0].isdigit())]
    return len(set(singles)) == len(singles) and len(set(variants)) == len(variants)


def load_verified(path: Path | None) -> dict[tuple[str, str], list[dict]] | None:
    """(system, code) -> verified entries (from 'codes' and 'other_system_codes')."""
    if path is None:
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    out: dict[tuple[str, str], list[dict]] = {}
    for entry in list(data.get("codes", [])) + list(data.get("other_system_codes", [])):
        if isinstance(entry, dict) and entry.get("system") and entry.get("code"):
            out.setdefault((entry["system"], entry["code"]), []).append(entry)
    return out


class _CodeSystemIndex:
    def __init__(self, file: str, res: dict):
        self.file = file
        self.res = res
        self.url = res.get("url")
        self.concepts: dict[str, dict] = {}
        self.paths: dict[str, str] = {}
        self.edges: list[tuple[str, str, str]] = []  # (parent, child, path)
        self.duplicates: list[tuple[str, str]] = []
        self._walk(res.get("concept") or [], "CodeSystem.concept", None)

    def _walk(self, concepts, path, parent):
        for i, c in enumerate(concepts):
            if not isinstance(c, dict):
                continue
            p = f"{path}[{i}]"
            code = c.get("code")
            if code in self.concepts:
                self.duplicates.append((code, p))
            else:
                self.concepts[code] = c
                self.paths[code] = p
            if parent is not None:
                self.edges.append((parent, code, p))
            self._walk(c.get("concept") or [], f"{p}.concept", code)

    def has(self, code) -> bool:
        return code in self.concepts


def _load(dirs, validate: bool = True) -> tuple[list[tuple[str, dict]], list[Problem]]:
    loaded, problems = [], []
    for d in dirs:
        for f in sorted(Path(d).glob("*.json")):
            name = str(f)
            try:
                res = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                problems.append(Problem(name, "", f"not valid JSON: {exc}"))
                continue
            for path, msg in fhir_io.validate_resource(res, fhir_io.R4) if validate else ():
                problems.append(Problem(name, path, f"FHIR R4: {msg}"))
            if not isinstance(res, dict):
                continue
            expected = f"{res.get('resourceType')}-{res.get('id')}.json"
            if f.name != expected:
                problems.append(Problem(name, "", f"file name should be {expected}"))
            loaded.append((name, res))
    return loaded, problems


def _check_identity(loaded) -> list[Problem]:
    problems, ids, urls = [], {}, {}
    for name, res in loaded:
        key = (res.get("resourceType"), res.get("id"))
        if key[1] is None:
            problems.append(Problem(name, f"{key[0]}.id", "missing id"))
        elif key in ids:
            problems.append(Problem(name, f"{key[0]}.id", f"duplicate id {key[1]!r} (also in {ids[key]})"))
        else:
            ids[key] = name
        url = res.get("url")
        if url is None:
            problems.append(Problem(name, f"{key[0]}.url", "missing url"))
        elif url in urls:
            problems.append(Problem(name, f"{key[0]}.url", f"duplicate url {url!r} (also in {urls[url]})"))
        else:
            urls[url] = name
    return problems


def _find_cycle(edges) -> list[str] | None:
    graph: dict[str, list[str]] = {}
    for parent, child in edges:
        graph.setdefault(parent, []).append(child)
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    for start in list(graph):
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, ())))]
        trail = [start]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                trail.pop()
            elif state.get(nxt) == 1:
                return trail[trail.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                trail.append(nxt)
                stack.append((nxt, iter(graph.get(nxt, ()))))
    return None


def _check_properties(idx: _CodeSystemIndex, code: str, c: dict, declared: dict,
                      edges: list) -> list[Problem]:
    """One concept's properties: declared and typed, known seeds, hierarchy links (added to edges)."""
    f, path, out, sources = idx.file, idx.paths[code], [], []
    for j, prop in enumerate(c.get("property") or []):
        ppath = f"{path}.property[{j}]"
        pcode = prop.get("code")
        if pcode not in declared:
            out.append(Problem(f, ppath, f"property {pcode!r} is not declared in CodeSystem.property"))
        vkeys = [k for k in prop if k.startswith("value")]
        if vkeys and pcode in declared and declared[pcode] != VALUE_TYPES.get(vkeys[0]):
            out.append(Problem(f, ppath, f"property {pcode!r} declared as {declared[pcode]} but has {vkeys[0]}"))
        value = prop.get(vkeys[0]) if vkeys else None
        if pcode == SOURCE_DOCUMENT:
            sources.append(value)
            if value not in SEED_DOCUMENTS:
                out.append(Problem(f, ppath, f"source-document {value!r} is not a known seed document"))
        elif pcode in ("parent", "child") and isinstance(value, str):
            edges.append((value, code) if pcode == "parent" else (code, value))
            if not idx.has(value):
                out.append(Problem(f, ppath, f"{pcode} {value!r} is not a code in this CodeSystem"))
    if not sources:
        out.append(Problem(f, path, f"concept {code!r} has no source-document property"))
    return out


def _check_concept(idx: _CodeSystemIndex, code: str, c: dict, displays: dict[str, str]) -> list[Problem]:
    """One concept's definition, display (unique, case-insensitive), designation languages and wording."""
    f, path, out = idx.file, idx.paths[code], []
    if not str(c.get("definition") or "").strip():
        out.append(Problem(f, path, f"concept {code!r} has no definition"))
    disp = c.get("display")
    if not disp:
        out.append(Problem(f, path, f"concept {code!r} has no display"))
    elif disp.casefold() in displays:
        out.append(Problem(f, path, f"display {disp!r} duplicates concept {displays[disp.casefold()]!r}"))
    else:
        displays[disp.casefold()] = code
    for j, des in enumerate(c.get("designation") or []):
        lang = des.get("language")
        if lang is not None and not valid_bcp47(lang):
            out.append(Problem(f, f"{path}.designation[{j}].language", f"not a well-formed BCP-47 tag: {lang!r}"))
    out += [Problem(f, path + suffix, msg) for suffix, msg in concept_text_problems(c, SEED_LABELS)]
    return out


def _check_codesystem(idx: _CodeSystemIndex) -> list[Problem]:
    f, res = idx.file, idx.res
    out = [Problem(f, p, f"duplicate code {c!r}") for c, p in idx.duplicates]
    declared = {p.get("code"): p.get("type") for p in res.get("property") or [] if isinstance(p, dict)}
    if not valid_bcp47(res.get("language", "en")):
        out.append(Problem(f, "CodeSystem.language", f"not a well-formed BCP-47 tag: {res.get('language')!r}"))
    total = len(idx.concepts) + len(idx.duplicates)
    if "count" in res and res["count"] != total:
        out.append(Problem(f, "CodeSystem.count", f"count is {res['count']} but there are {total} concepts"))
    displays: dict[str, str] = {}
    edges = [(p, c) for p, c, _ in idx.edges]
    for code, c in idx.concepts.items():
        out += _check_concept(idx, code, c, displays)
        out += _check_properties(idx, code, c, declared, edges)
    cycle = _find_cycle(edges)
    if cycle:
        out.append(Problem(f, "CodeSystem.concept", "hierarchy cycle: " + " -> ".join(map(str, cycle))))
    return out


class _Context:
    def __init__(self, codesystems: dict[str, _CodeSystemIndex], valuesets: set[str], verified):
        self.codesystems = codesystems
        self.valuesets = valuesets
        self.verified = verified

    def ours(self, system) -> bool:
        return system in self.codesystems or str(system).startswith(OUR_BASE + "/")

    def check_code(self, f, path, system, code, display=None, equivalence=None, source_code=None) -> list[Problem]:
        """A code in `system`: must exist (ours) or be verified (external)."""
        if self.ours(system):
            cs = self.codesystems.get(system)
            if cs is None:
                return [Problem(f, path, f"unknown code system {system!r}")]
            if not cs.has(code):
                return [Problem(f, path, f"code {code!r} is not in {system}")]
            return []
        if self.verified is None:
            return [Problem(f, path, f"external code {system}|{code} cannot be checked (no verified-codes file)")]
        entries = self.verified.get((system, code))
        if not entries:
            return [Problem(f, path, f"external code {system}|{code} is not in verified-codes")]
        out = []
        if display is not None and display not in {e.get("display") for e in entries}:
            want = entries[0].get("display")
            out.append(Problem(f, path, f"display {display!r} for {system}|{code} differs from verified {want!r}"))
        if equivalence is not None:
            own = [e for e in entries if e.get("concept_id") == source_code]
            allowed = {e.get("equivalence") for e in (own or entries)}
            allowed |= {VERIFIED_TO_R4[a] for a in allowed if a in VERIFIED_TO_R4}
            if equivalence not in allowed:
                out.append(Problem(f, path, f"equivalence {equivalence!r} for {system}|{code} does not match "
                                            f"verified {sorted(allowed)}"))
        return out

    def check_canonical(self, f, path, url) -> list[Problem]:
        if isinstance(url, str) and url.startswith(OUR_BASE + "/ValueSet/") and url.split("|")[0] not in self.valuesets:
            return [Problem(f, path, f"ValueSet {url!r} is not defined in the content")]
        return []


def _check_valueset(ctx: _Context, f: str, res: dict) -> list[Problem]:
    out = []
    compose = res.get("compose") or {}
    for part in ("include", "exclude"):
        for i, inc in enumerate(compose.get(part) or []):
            base = f"ValueSet.compose.{part}[{i}]"
            for j, vs in enumerate(inc.get("valueSet") or []):
                out += ctx.check_canonical(f, f"{base}.valueSet[{j}]", vs)
            system = inc.get("system")
            if system is None:
                continue
            if ctx.ours(system) and system not in ctx.codesystems:
                out.append(Problem(f, f"{base}.system", f"unknown code system {system!r}"))
                continue
            for j, c in enumerate(inc.get("concept") or []):
                path = f"{base}.concept[{j}]"
                out += ctx.check_code(f, path, system, c.get("code"), None if ctx.ours(system) else c.get("display"))
                cs = ctx.codesystems.get(system)
                if cs is not None and cs.has(c.get("code")) and c.get("display"):
                    concept = cs.concepts[c["code"]]
                    names = {concept.get("display")} | {d.get("value") for d in concept.get("designation") or []}
                    if c["display"] not in names:
                        out.append(Problem(f, path, f"display {c['display']!r} is not a display or designation of {c['code']!r}"))
            for j, flt in enumerate(inc.get("filter") or []):
                path = f"{base}.filter[{j}]"
                if flt.get("op") in HIERARCHY_FILTER_OPS and flt.get("property") in ("concept", "code"):
                    out += ctx.check_code(f, path, system, flt.get("value"))
                elif not ctx.ours(system):
                    out.append(Problem(f, path, f"filter on external system {system!r} cannot be verified"))
    return out


def _check_conceptmap(ctx: _Context, f: str, res: dict) -> list[Problem]:
    out = []
    for key in ("sourceUri", "sourceCanonical", "targetUri", "targetCanonical"):
        out += ctx.check_canonical(f, f"ConceptMap.{key}", res.get(key))
    for i, group in enumerate(res.get("group") or []):
        source, target = group.get("source"), group.get("target")
        for j, el in enumerate(group.get("element") or []):
            epath = f"ConceptMap.group[{i}].element[{j}]"
            if source is None:
                out.append(Problem(f, f"ConceptMap.group[{i}].source", "group has no source system"))
                break
            out += ctx.check_code(f, epath, source, el.get("code"))
            for k, t in enumerate(el.get("target") or []):
                tpath = f"{epath}.target[{k}]"
                if t.get("code") is None:
                    continue
                if target is None:
                    out.append(Problem(f, f"ConceptMap.group[{i}].target", "group has no target system"))
                    break
                out += ctx.check_code(f, tpath, target, t["code"], t.get("display"),
                                      t.get("equivalence") or "", el.get("code"))
    return out


def _check_external_codesystem(ctx: _Context, f: str, res: dict) -> list[Problem]:
    """An external code system may only be published as a fragment of verified codes."""
    out = []
    if res.get("content") != "fragment":
        out.append(Problem(f, "CodeSystem.content", "an external code system must be published as a fragment"))
    stack = [(c, f"CodeSystem.concept[{i}]") for i, c in enumerate(res.get("concept", []))]
    while stack:
        c, path = stack.pop()
        out += ctx.check_code(f, path, res.get("url"), c.get("code"), c.get("display"))
        stack.extend((k, f"{path}.concept[{j}]") for j, k in enumerate(c.get("concept", [])))
    return out


def check_dirs(dirs: list[Path], verified_codes_path: Path | None, *, validate: bool = True) -> list[Problem]:
    """Check every JSON resource in `dirs`; return the problems found (empty = OK). validate=False leaves out
    the structural validation (for `serve`, whose loader has just validated the same files)."""
    loaded, problems = _load(dirs, validate)
    problems += _check_identity(loaded)
    try:
        verified = load_verified(verified_codes_path)
    except (OSError, ValueError) as exc:
        problems.append(Problem(str(verified_codes_path), "", f"cannot read verified codes: {exc}"))
        verified = None
    codesystems: dict[str, _CodeSystemIndex] = {}
    for name, res in loaded:
        if (res.get("resourceType") == "CodeSystem" and str(res.get("url", "")).startswith(OUR_BASE + "/")
                and res["url"] not in codesystems):
            codesystems[res["url"]] = _CodeSystemIndex(name, res)
    valuesets = {res["url"] for _n, res in loaded if res.get("resourceType") == "ValueSet" and res.get("url")}
    ctx = _Context(codesystems, valuesets, verified)
    for name, res in loaded:
        rtype = res.get("resourceType")
        if rtype == "CodeSystem" and not str(res.get("url", "")).startswith(OUR_BASE + "/"):
            problems += _check_external_codesystem(ctx, name, res)
        elif rtype == "CodeSystem":
            idx = codesystems.get(res.get("url"))
            if idx is not None and idx.res is res:
                problems += _check_codesystem(idx)
            problems += ctx.check_canonical(name, "CodeSystem.valueSet", res.get("valueSet"))
        elif rtype == "ValueSet":
            problems += _check_valueset(ctx, name, res)
            if ctx.ours(res.get("url")):
                problems += [Problem(name, path, msg) for path, msg in valueset_text_problems(res)]
        elif rtype == "ConceptMap":
            problems += _check_conceptmap(ctx, name, res)
    return problems
