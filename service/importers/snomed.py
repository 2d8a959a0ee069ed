"""`rrall-tx import snomed RF2_DIR --out DIR`: a SNOMED CT RF2 Snapshot release as a compact code system.

Reads (streaming, row by row) from RF2_DIR (the release folder holding ``Snapshot/``, or the
``Snapshot`` folder itself):

* ``Terminology/sct2_Concept_*``: every concept, active or not (inactive ones are kept, flagged);
  ``moduleId`` and ``definitionStatusId`` become properties.
* ``Terminology/sct2_Description_*`` and ``sct2_TextDefinition_*``: active descriptions: the FSN,
  synonyms and text definitions.
* ``Terminology/sct2_Relationship_*``: active, inferred is-a rows (type 116680003) are the hierarchy;
  attribute relationships are skipped.
* ``Refset/Language/der2_cRefset_Language*``: active rows give each description's acceptability per
  language refset (en-US 900000000000509007, en-GB 900000000000508004; another language refset is
  read under its descriptions' language code).
* ``Refset/Content/der2_Refset_Simple*`` (when present): active members of simple refsets.

Concept display = the en-US preferred term (else a preferred synonym, else a synonym, else the FSN).
Designations: the FSN (use 900000000000003001, language of the description); per dialect, the
preferred synonym (use preferredForLanguage, language en-US / en-GB ...) first, then acceptable
ones (use 900000000000013009). Version: ``http://snomed.info/sct/[module]/version/[effectiveTime]``
with the module that owns most concepts and the release date (the newest effectiveTime).
"""
from __future__ import annotations

import time
from array import array
from collections import Counter
from pathlib import Path

from . import compact_writer
from .release_files import ByteProgress, ReleaseError, find_files, tsv_rows
from ..engine.uris import PREFERRED_FOR_LANGUAGE, STD_PROPERTY_URI
from .rf2_spec import (ACCEPTABLE, COLUMNS, DEFINITION, DIALECTS, EN_US, FILES, FSN, INFERRED, IS_A, PREFERRED, SYNONYM,
                       SYSTEM)

PREFERRED_USE = PREFERRED_FOR_LANGUAGE
FSN_USE = {"system": SYSTEM, "code": FSN, "display": "Fully specified name"}
SYNONYM_USE = {"system": SYSTEM, "code": SYNONYM, "display": "Synonym"}
_STD = STD_PROPERTY_URI
_TYPES = {FSN: 0, SYNONYM: 1, DEFINITION: 2}
_ACCEPT = {PREFERRED: 2, ACCEPTABLE: 1}


def snapshot_folder(rf2_dir: Path) -> Path:
    rf2_dir = Path(rf2_dir)
    for cand in (rf2_dir / "Snapshot", rf2_dir):
        if (cand / "Terminology").is_dir():
            return cand
    raise ReleaseError(rf2_dir, None, "no Snapshot/Terminology folder: give the RF2 release folder "
                                      "(the one holding Snapshot/) or its Snapshot folder")


def release_files(snap: Path) -> dict[str, list[Path]]:
    files = {kind: find_files(snap / folder, prefix) for kind, (folder, prefix) in FILES.items()}
    for kind in ("concept", "description", "relationship"):
        if not files[kind]:
            folder, prefix = FILES[kind]
            raise ReleaseError(snap / folder, None, f"no {prefix}*Snapshot*.txt file")
    return files


class _Reader:
    """Collects the release into a compact_writer.Draft."""

    def __init__(self, files: dict[str, list[Path]], bar: ByteProgress):
        self.files, self.bar = files, bar
        self.draft = compact_writer.Draft({}, case_sensitive=True)
        self.modules: Counter = Counter()
        self.newest = ""
        self.stats: Counter = Counter()
        # descriptions: id -> number; per number: concept, type, language, term
        self.desc_ix: dict[str, int] = {}
        self.d_concept = array("I")
        self.d_type = array("B")
        self.d_lang: list[str] = []
        self.d_term: list[str] = []
        self.accept: dict[str, bytearray] = {}      # language refset -> per description 0/1 acceptable/2 preferred

    def _time(self, et: str) -> None:
        if et > self.newest:
            self.newest = et

    def concepts(self) -> None:
        d = self.draft
        for path in self.files["concept"]:
            for line, (cid, et, active, module, status) in tsv_rows(path, COLUMNS["concept"], self.bar):
                if not cid.isdigit() or active not in ("0", "1"):
                    raise ReleaseError(path, line, f"bad concept row: id '{cid}', active '{active}'")
                if cid in d.index:
                    raise ReleaseError(path, line, f"concept {cid} appears twice in the Snapshot")
                i = d.add(cid, flags=0 if active == "1" else 1)
                d.set_prop("moduleId", i, module)
                d.set_prop("definitionStatusId", i, status)
                self.modules[module] += 1
                self._time(et)
                self.stats["inactive concepts" if active == "0" else "active concepts"] += 1

    def descriptions(self) -> None:
        d = self.draft
        for kind in ("description", "definition"):
            for path in self.files[kind]:
                for line, row in tsv_rows(path, COLUMNS["description"], self.bar):
                    did, et, active, _m, cid, lang, type_id, term, _case = row
                    if active not in ("0", "1"):
                        raise ReleaseError(path, line, f"bad active flag '{active}'")
                    self._time(et)
                    if active == "0":
                        continue
                    ci = d.index.get(cid)
                    if ci is None:
                        self.stats["descriptions of unknown concepts (skipped)"] += 1
                        continue
                    self.desc_ix[did] = len(self.d_term)
                    self.d_concept.append(ci)
                    self.d_type.append(_TYPES.get(type_id, 3))
                    self.d_lang.append(lang)
                    self.d_term.append(term)

    def relationships(self) -> None:
        d = self.draft
        for path in self.files["relationship"]:
            for line, row in tsv_rows(path, COLUMNS["relationship"], self.bar):
                _rid, et, active, _m, src, dest, _g, type_id, char_type, _mod = row
                self._time(et)
                if active != "1" or type_id != IS_A or char_type != INFERRED:
                    if active not in ("0", "1"):
                        raise ReleaseError(path, line, f"bad active flag '{active}'")
                    continue
                s, t = d.index.get(src), d.index.get(dest)
                if s is None or t is None:
                    self.stats["is-a rows with an unknown concept (skipped)"] += 1
                    continue
                if t not in d.parents[s]:
                    d.parents[s].append(t)
                    self.stats["is-a relationships"] += 1

    def language_refsets(self) -> None:
        n = len(self.d_term)
        for path in self.files["language"]:
            for line, row in tsv_rows(path, COLUMNS["language"], self.bar):
                _id, et, active, _m, refset, did, acceptability = row
                self._time(et)
                if active != "1":
                    continue
                k = self.desc_ix.get(did)
                level = _ACCEPT.get(acceptability)
                if level is None:
                    raise ReleaseError(path, line, f"unknown acceptabilityId '{acceptability}'")
                if k is None:
                    continue
                col = self.accept.get(refset)
                if col is None:
                    col = self.accept[refset] = bytearray(n)
                col[k] = level

    def simple_refsets(self) -> None:
        d = self.draft
        for path in self.files["simple"]:
            for _line, row in tsv_rows(path, COLUMNS["simple"], self.bar):
                _id, et, active, _m, refset, component = row
                self._time(et)
                i = d.index.get(component)
                if active == "1" and i is not None:
                    d.refsets.setdefault(refset, []).append(i)


def _main_descriptions(r: _Reader, descs: list[int], us) -> tuple[int | None, int | None, int | None, list[str]]:
    """(FSN, en-US preferred synonym, first synonym, text definitions en-US preferred first) of a concept."""
    fsn = pref = syn = None
    defs: list[str] = []
    for k in descs:
        t = r.d_type[k]
        us_preferred = us is not None and us[k] == 2
        if t == 0 and (fsn is None or us_preferred):
            fsn = k
        elif t == 2:
            defs.insert(0 if us_preferred else len(defs), r.d_term[k])
        elif t == 1:
            syn = k if syn is None else syn
            pref = k if us_preferred else pref
    return fsn, pref, syn, defs


def _designations(r: _Reader) -> None:
    """Display, definition and designations of every concept from its descriptions and their acceptability."""
    d = r.draft
    fsn_use, pref_use, syn_use = d.use(FSN_USE), d.use(PREFERRED_USE), d.use(SYNONYM_USE)
    d.roles = {"fsn": fsn_use, "preferred": pref_use}
    by_concept: list[list[int]] = [[] for _ in range(len(d))]
    for k, ci in enumerate(r.d_concept):
        by_concept[ci].append(k)
    us = r.accept.get(EN_US)
    dialect_order = list(DIALECTS)
    refsets = sorted(r.accept, key=lambda x: (dialect_order.index(x) if x in DIALECTS else len(DIALECTS), x))
    columns = [(DIALECTS.get(x), r.accept[x]) for x in refsets]
    for ci, descs in enumerate(by_concept):
        fsn, pref, syn, defs = _main_descriptions(r, descs, us)
        des: list[tuple[str, str | None, int]] = []
        if fsn is not None:
            des.append((r.d_term[fsn], r.d_lang[fsn], fsn_use))
        synonyms = [k for k in descs if r.d_type[k] == 1]
        for level, use in ((2, pref_use), (1, syn_use)):      # preferred terms first, per dialect
            for tag, col in columns:
                for k in synonyms:
                    if col[k] == level:
                        des.append((r.d_term[k], tag or r.d_lang[k], use))
                        pref = k if pref is None and level == 2 else pref
        # synonyms in no language refset still name the concept
        des.extend((r.d_term[k], r.d_lang[k], syn_use) for k in synonyms if not any(col[k] for _t, col in columns))
        best = pref if pref is not None else syn if syn is not None else fsn
        d.display[ci] = r.d_term[best] if best is not None else None
        d.definition[ci] = defs[0] if defs else None
        d.designations[ci] = list(dict.fromkeys(des))


def codesystem_metadata(module: str, effective: str, count: int) -> dict:
    version = f"{SYSTEM}/{module}/version/{effective}"
    props = [
        {"code": "inactive", "uri": _STD + "inactive", "type": "boolean", "description": "The concept is inactive"},
        {"code": "parent", "uri": _STD + "parent", "type": "code", "description": "A direct inferred is-a parent"},
        {"code": "child", "uri": _STD + "child", "type": "code", "description": "A direct inferred is-a child"},
        {"code": "moduleId", "uri": "http://snomed.info/field/Concept.moduleId", "type": "code",
         "description": "The module the concept belongs to"},
        {"code": "definitionStatusId", "uri": "http://snomed.info/field/Concept.definitionStatusId", "type": "code",
         "description": "Primitive or sufficiently defined"},
    ]
    filters = [
        {"code": "concept", "operator": ["is-a", "descendent-of", "in"], "value": "A SNOMED CT concept id or refset id"},
        {"code": "constraint", "operator": ["="], "value": "An ECL expression constraint (brief syntax)"},
    ]
    return {"resourceType": "CodeSystem", "id": "snomed-" + module, "url": SYSTEM, "version": version,
            "name": "SNOMED_CT", "title": "SNOMED CT", "status": "active", "experimental": False,
            "publisher": "Imported by rrall-tx from an RF2 Snapshot release",
            "description": f"SNOMED CT, module {module}, release {effective}, imported from RF2 by "
                           "`rrall-tx import snomed`. The licence of the release applies.",
            "caseSensitive": True, "hierarchyMeaning": "is-a", "compositional": True, "versionNeeded": False,
            "content": "complete", "count": count, "language": "en", "property": props, "filter": filters}


def write(rf2_dir: str | Path, out_dir: str | Path, *, progress: bool = True) -> tuple[Path, dict]:
    """Import a release; returns (the written .rrcs file, summary counts)."""
    t0 = time.monotonic()
    snap = snapshot_folder(Path(rf2_dir))
    files = release_files(snap)
    bar = ByteProgress([p for ps in files.values() for p in ps], "SNOMED CT RF2", enabled=progress)
    r = _Reader(files, bar)
    r.concepts()
    r.descriptions()
    r.relationships()
    r.language_refsets()
    r.simple_refsets()
    bar.finish()
    if not r.draft.codes:
        raise ReleaseError(files["concept"][0], None, "no concepts")
    _designations(r)
    module = r.modules.most_common(1)[0][0]
    r.draft.resource = codesystem_metadata(module, r.newest, len(r.draft))
    log = compact_writer.stderr_log(progress)
    path = compact_writer.write(r.draft, Path(out_dir) / f"snomed-{module}-{r.newest}", log=log)
    summary = dict(r.stats)
    summary.update({"descriptions": len(r.d_term), "FSNs": r.d_type.count(0), "synonyms": r.d_type.count(1),
                    "text definitions": r.d_type.count(2),
                    "language refsets": {DIALECTS.get(k, k): sum(1 for x in v if x) for k, v in r.accept.items()},
                    "simple refsets": {k: len(set(v)) for k, v in r.draft.refsets.items()},
                    "version": r.draft.resource["version"], "file": str(path),
                    "megabytes": round(path.stat().st_size / 1e6, 1), "seconds": round(time.monotonic() - t0, 1)})
    return path, summary
