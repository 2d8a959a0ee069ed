"""ICD-10-CM importer: the complete classification as one FHIR CodeSystem (plus an all-codes ValueSet).

Source: the PyPI package ``simple-icd-10-cm`` (optional extra ``icd10``), which ships the CDC/NCHS
tabular list. The hierarchy is chapter > block > category > subcategory > ... (7th-character
extensions included). Chapters and blocks are ``notSelectable``; every concept carries the
boolean property ``billable`` (true for leaf codes). Displays are the official titles.

Chapter codes are the package's chapter numbers ("1".."22"); block codes are the block ranges
("A00-A09"). Blocks that cover a single category share that category's code in the source, so
they are written as ``B99-B99`` to keep codes unique.

The generated files are large: write them outside git (``build/icd10cm/``).
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

URL = "http://hl7.org/fhir/sid/icd-10-cm"
VALUESET_URL = URL + "?fhir_vs"
NOT_SELECTABLE = "http://hl7.org/fhir/concept-properties#notSelectable"


class Progress:
    """A plain stderr progress bar (no dependency); silent when disabled."""

    def __init__(self, total: int, label: str, enabled: bool = True, stream=None):
        self.total, self.label, self.enabled = max(total, 1), label, enabled
        self.stream = stream or sys.stderr
        self.done = 0
        self._last = -1

    def step(self, n: int = 1) -> None:
        self.done += n
        pct = min(100, self.done * 100 // self.total)
        if self.enabled and pct != self._last:
            self._last = pct
            bar = "#" * (pct // 4)
            self.stream.write(f"\r{self.label} [{bar:<25}] {pct:3d}% ({self.done}/{self.total})")
            if pct == 100:
                self.stream.write("\n")
            self.stream.flush()

    def finish(self) -> None:
        """Complete the bar (what was counted may fall short of the estimate)."""
        if self.done < self.total:
            self.step(self.total - self.done)


def _icd():
    try:
        import simple_icd_10_cm as cm
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise SystemExit("the ICD-10-CM importer needs the optional extra: pip install 'rrall-tx[icd10]' "
                         "(package simple-icd-10-cm)") from exc
    return cm


def release_info(cm) -> tuple[str, str]:
    """(version, note): the release year from the packaged tabular XML (<version>), else the package version."""
    impl = getattr(cm, "simple_icd_10_cm", None)
    fname = getattr(impl, "_classification_data_package_file_name", "") or ""
    try:
        from importlib import resources

        from simple_icd_10_cm import data as data_pkg
        head = resources.files(data_pkg).joinpath(fname).open("rb").read(400).decode("utf-8", "replace")
        m = re.search(r"<version>\s*([^<\s]+)\s*</version>", head)
        if m:
            release = re.search(r"tabular-(.+)\.xml$", fname)
            when = release.group(1).replace("-", " ") if release else m.group(1)
            return m.group(1), f"ICD-10-CM tabular list, {when} release (from simple-icd-10-cm {_pkg_version()})"
    except Exception:   # noqa: BLE001 - any failure falls back to the package version
        pass
    return _pkg_version(), "release year not found in the package data: version is the simple-icd-10-cm version"


def _pkg_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("simple-icd-10-cm")
    except PackageNotFoundError:
        return "unknown"


def build_codesystem(*, chapters: list[str] | None = None, progress: bool = True, cm=None) -> dict:
    """The CodeSystem as an R4 JSON dict. ``chapters`` limits it to some chapter codes (tests)."""
    cm = cm or _icd()
    version, note = release_info(cm)
    all_chapters = [c for c in cm.get_all_codes() if cm.is_chapter(c)]
    wanted = [c for c in all_chapters if chapters is None or c in chapters]
    bar = Progress(len(wanted), "ICD-10-CM chapters", enabled=progress)
    count = 0

    def prop(billable: bool, abstract: bool) -> list[dict]:
        out = [{"code": "billable", "valueBoolean": billable}]
        if abstract:
            out.insert(0, {"code": "notSelectable", "valueBoolean": True})
        return out

    def code_node(code: str) -> dict:
        nonlocal count
        count += 1
        children = cm.get_children(code)
        node = {"code": code, "display": cm.get_description(code),
                "property": prop(not children, False)}
        if children:
            node["concept"] = [code_node(c) for c in children]
        return node

    def block_node(block: str) -> dict:
        nonlocal count
        count += 1
        code = block if "-" in block else f"{block}-{block}"
        return {"code": code, "display": cm.get_description(block, prioritize_blocks=True),
                "property": prop(False, True),
                "concept": [code_node(c) for c in cm.get_children(block, prioritize_blocks=True)]}

    concepts = []
    for chapter in wanted:
        count += 1
        concepts.append({"code": chapter, "display": cm.get_description(chapter), "property": prop(False, True),
                         "concept": [block_node(b) for b in cm.get_children(chapter)]})
        bar.step()
    return {
        "resourceType": "CodeSystem",
        "id": "icd-10-cm",
        "url": URL,
        "version": version,
        "name": "ICD10CM",
        "title": "International Classification of Diseases, 10th Revision, Clinical Modification (ICD-10-CM)",
        "status": "active",
        "experimental": False,
        "publisher": "National Center for Health Statistics (NCHS), CDC",
        "description": f"{note}. Chapters and blocks are not selectable; billable = leaf code. "
                       "Generated by `rrall-tx import icd10cm`.",
        "caseSensitive": True,
        "hierarchyMeaning": "is-a",
        "compositional": False,
        "versionNeeded": False,
        "content": "complete" if chapters is None else "fragment",
        "count": count,
        "property": [
            {"code": "notSelectable", "uri": NOT_SELECTABLE, "type": "boolean",
             "description": "Chapters and blocks group codes and are not codes themselves"},
            {"code": "billable", "type": "boolean",
             "description": "A leaf code: valid for billing (HIPAA-valid) in this release"},
        ],
        "concept": concepts,
    }


def build_valueset(cs: dict) -> dict:
    """All of ICD-10-CM as a stored ValueSet (the implicit value set URL)."""
    return {
        "resourceType": "ValueSet",
        "id": "icd-10-cm-all",
        "url": VALUESET_URL,
        "version": cs["version"],
        "name": "ICD10CMAll",
        "title": "All ICD-10-CM codes",
        "status": "active",
        "experimental": False,
        "compose": {"include": [{"system": URL, "version": cs["version"]}]},
    }


def write(out_dir: str | Path, *, progress: bool = True, chapters: list[str] | None = None) -> list[Path]:
    import orjson

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    if progress:
        print("loading simple-icd-10-cm ...", file=sys.stderr, flush=True)
    cs = build_codesystem(progress=progress, chapters=chapters)
    paths = []
    for name, res in (("CodeSystem-icd-10-cm.json", cs), ("ValueSet-icd-10-cm-all.json", build_valueset(cs))):
        path = out / name
        path.write_bytes(orjson.dumps(res))
        paths.append(path)
    if progress:
        size = paths[0].stat().st_size / 1e6
        print(f"wrote {cs['count']} concepts (version {cs['version']}) to {paths[0]} ({size:.1f} MB) "
              f"in {time.monotonic() - t0:.1f} s", file=sys.stderr)
    return paths
