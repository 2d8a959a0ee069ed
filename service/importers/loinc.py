"""`rrall-tx import loinc LOINC_DIR --out DIR`: a LOINC release (the CSV files) as a compact code system.

* ``Loinc.csv`` (in LOINC_DIR, ``LoincTable/`` or anywhere below): one concept per row. Needs the
  columns LOINC_NUM, LONG_COMMON_NAME, COMPONENT, PROPERTY, TIME_ASPCT, SYSTEM, SCALE_TYP,
  METHOD_TYP, CLASS and STATUS (others are read when present: SHORTNAME, DisplayName, CLASSTYPE,
  DefinitionDescription, VersionLastChanged). Display = LONG_COMMON_NAME; SHORTNAME and DisplayName
  are en-US designations; the axes, CLASS, CLASSTYPE and STATUS are string properties (filters
  ``=`` and ``regex``).
* STATUS: ACTIVE, TRIAL, DISCOURAGED or DEPRECATED (anything else is an error naming the line).
  DEPRECATED codes are inactive (FHIR's LOINC page: STATUS = DEPRECATED is inactive), DISCOURAGED
  ones deprecated; the concept status is the FHIR status (active, experimental, deprecated, retired).
* The multi-axial hierarchy when present (``ComponentHierarchyBySystem.csv``, before LOINC 2.73
  ``MultiAxialHierarchy.csv``: PATH_TO_ROOT, SEQUENCE, IMMEDIATE_PARENT, CODE, CODE_TEXT): the is-a
  hierarchy; its LOINC parts (LP codes) become concepts with CODE_TEXT as display.

LOINC codes are not case-sensitive. Version: ``--version``, else the newest VersionLastChanged.
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from ..engine.uris import STD_PROPERTY_URI
from . import compact_writer
from .release_files import ByteProgress, ReleaseError, csv_rows

SYSTEM = "http://loinc.org"
AXES = ["COMPONENT", "PROPERTY", "TIME_ASPCT", "SYSTEM", "SCALE_TYP", "METHOD_TYP", "CLASS"]
REQUIRED = ["LOINC_NUM", "LONG_COMMON_NAME"] + AXES + ["STATUS"]
HIERARCHY = ["PATH_TO_ROOT", "SEQUENCE", "IMMEDIATE_PARENT", "CODE", "CODE_TEXT"]
HIERARCHY_FILES = ("ComponentHierarchyBySystem.csv", "MultiAxialHierarchy.csv")
STATUSES = {"ACTIVE": ("active", 0), "TRIAL": ("experimental", 0), "DISCOURAGED": ("deprecated", 4),
            "DEPRECATED": ("retired", 1)}
_CODE = re.compile(r"^(LP|LA|LL)?\d{1,8}-\d$", re.IGNORECASE)
_STD = STD_PROPERTY_URI


def _find(root: Path, name: str) -> Path | None:
    for cand in (root / name, root / "LoincTable" / name):
        if cand.is_file():
            return cand
    hits = sorted(root.rglob(name))
    return hits[0] if hits else None


def _version_key(v: str):
    return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.]", v))


def _terms(d: compact_writer.Draft, path: Path, bar, stats: dict) -> str:
    newest = ""
    seen: set[str] = set()
    for line, row in csv_rows(path, REQUIRED, bar):
        code = row["LOINC_NUM"].strip()
        if not _CODE.match(code):
            raise ReleaseError(path, line, f"'{code}' is not a LOINC code (digits, '-', a check digit)")
        if code.upper() in seen:
            raise ReleaseError(path, line, f"LOINC code {code} appears twice")
        seen.add(code.upper())
        status = row["STATUS"].strip().upper()
        if status not in STATUSES:
            raise ReleaseError(path, line, f"unknown STATUS '{row['STATUS']}' for {code} "
                                           f"(expected {', '.join(STATUSES)})")
        fhir_status, flags = STATUSES[status]
        i = d.add(code, display=row["LONG_COMMON_NAME"] or row.get("SHORTNAME") or None, flags=flags,
                  status=fhir_status)
        for col in AXES + ["STATUS", "CLASSTYPE"]:
            d.set_prop(col, i, (row.get(col) or "").strip() or None)
        for col in ("SHORTNAME", "DisplayName"):
            value = (row.get(col) or "").strip()
            if value and value != d.display[i]:
                d.designations[i].append((value, "en-US", 0))
        d.definition[i] = (row.get("DefinitionDescription") or "").strip() or None
        changed = (row.get("VersionLastChanged") or "").strip()
        if changed and (not newest or _version_key(changed) > _version_key(newest)):
            newest = changed
        stats[f"status {status}"] = stats.get(f"status {status}", 0) + 1
    stats["LOINC terms"] = len(seen)
    return newest


def _hierarchy(d: compact_writer.Draft, path: Path, bar, stats: dict) -> None:
    edges = 0
    for line, row in csv_rows(path, HIERARCHY, bar):
        code, parent = row["CODE"].strip(), row["IMMEDIATE_PARENT"].strip()
        if not code:
            raise ReleaseError(path, line, "empty CODE")
        i = d.index.get(code)
        if i is None:
            i = d.add(code, display=row["CODE_TEXT"].strip() or None)
            stats["LOINC parts (from the hierarchy)"] = stats.get("LOINC parts (from the hierarchy)", 0) + 1
        elif d.display[i] is None and row["CODE_TEXT"].strip():
            d.display[i] = row["CODE_TEXT"].strip()
        if parent:
            p = d.index.get(parent)
            if p is None:
                p = d.add(parent)
            if p != i and p not in d.parents[i]:
                d.parents[i].append(p)
                edges += 1
    stats["hierarchy edges"] = edges


def codesystem_metadata(version: str, count: int, props: list[str]) -> dict:
    properties = [{"code": p, "type": "string", "description": f"The LOINC {p} field"} for p in props]
    properties += [{"code": "parent", "uri": _STD + "parent", "type": "code"},
                   {"code": "child", "uri": _STD + "child", "type": "code"},
                   {"code": "inactive", "uri": _STD + "inactive", "type": "boolean"}]
    return {"resourceType": "CodeSystem", "id": "loinc", "url": SYSTEM, "version": version, "name": "LOINC",
            "title": "LOINC", "status": "active", "experimental": False,
            "publisher": "Regenstrief Institute, Inc. (imported by rrall-tx)",
            "description": f"LOINC {version}, imported by `rrall-tx import loinc`.",
            "copyright": "LOINC is copyright Regenstrief Institute, Inc. and the LOINC Committee; "
                         "licence: http://loinc.org/license",
            "caseSensitive": False, "hierarchyMeaning": "is-a", "versionNeeded": False, "content": "complete",
            "count": count, "language": "en-US", "property": properties,
            "filter": [{"code": p, "operator": ["=", "regex"], "value": f"A {p} value"} for p in props]}


def write(loinc_dir: str | Path, out_dir: str | Path, *, version: str | None = None,
          progress: bool = True) -> tuple[Path, dict]:
    t0 = time.monotonic()
    root = Path(loinc_dir)
    table = _find(root, "Loinc.csv")
    if table is None:
        raise ReleaseError(root, None, "no Loinc.csv (looked in the folder, LoincTable/ and below)")
    hierarchy = next((h for h in (_find(root, n) for n in HIERARCHY_FILES) if h is not None), None)
    bar = ByteProgress([p for p in (table, hierarchy) if p], "LOINC", enabled=progress)
    d = compact_writer.Draft({}, case_sensitive=False)
    stats: dict = {}
    newest = _terms(d, table, bar, stats)
    if hierarchy is not None:
        _hierarchy(d, hierarchy, bar, stats)
    bar.finish()
    explicit = bool(version)
    version = version or newest
    if not version:
        raise ReleaseError(table, None, "no VersionLastChanged column to take the version from: pass --version")
    props = sorted(p for p in AXES + ["STATUS", "CLASSTYPE"] if p in d.props)
    d.resource = codesystem_metadata(version, len(d), props)
    path = compact_writer.write(d, Path(out_dir) / f"loinc-{version}", log=compact_writer.stderr_log(progress))
    stats.update({"concepts": len(d), "version": version,
                  "version from": "--version" if explicit else "the newest VersionLastChanged",
                  "hierarchy file": str(hierarchy) if hierarchy else "none", "file": str(path),
                  "megabytes": round(path.stat().st_size / 1e6, 1), "seconds": round(time.monotonic() - t0, 1)})
    return path, stats
