"""Downloads for integrators: value-set Bundles, our content as a FHIR NPM package, expansions as CSV.

No Flask here: the functions yield bytes (or return them) and the HTTP layer streams them.
Resources come in R5 shape (as the registry holds them); ``convert`` turns one resource
into the requested FHIR version's shape.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import tarfile
from typing import Callable, Iterable, Iterator

import orjson

from .content import full_resource
from .engine.registry import KINDS
from .engine.versions import split_canonical
from .errors import Invalid, TerminologyError, Unresolvable, to_operation_outcome

MODES = ("definition", "expanded", "metadata")
METADATA_KEYS = ("resourceType", "id", "meta", "extension", "url", "identifier", "version", "name", "title",
                 "status", "experimental", "date", "publisher", "contact", "description", "useContext",
                 "jurisdiction", "purpose", "copyright")
PACKAGE_CANONICAL = "http://terminology.rr-all.org/fhir"
CORE = {"R4": ("hl7.fhir.r4.core", "4.0.1"), "R5": ("hl7.fhir.r5.core", "5.0.0")}


def resource_of(entry) -> dict:
    """The resource of a registry entry (a code-system provider's full resource; an imported release's
    metadata)."""
    return full_resource(entry)


# ---- ValueSet/$bundle -----------------------------------------------------------------------
def select_valuesets(registry, urls: list[str]) -> list[dict]:
    """The value sets named by canonical (url or url|version), in the order given; all when none."""
    if not urls:
        found = [resource_of(e) for e in registry.all("ValueSet")]
        return sorted(found, key=lambda r: (r.get("url") or "", r.get("version") or "", r.get("id") or ""))
    out, seen = [], set()
    for url in urls:
        if not isinstance(url, str) or not url:
            raise Invalid("Each url parameter must be a value set canonical")
        base, version = split_canonical(url)
        vs = registry.resolve("ValueSet", base, version)
        if vs is None:
            raise Unresolvable(f"A definition for the value Set '{url}' could not be found",
                               message_id="Unable_to_resolve_value_Set_", tx_code="not-found")
        if id(vs) not in seen:
            seen.add(id(vs))
            out.append(vs)
    return out


def bundle_etag(vss: list[dict], mode: str, fhir_version: str, software_version: str) -> str:
    """A validator for the whole download, computed from its inputs (the body itself is streamed)."""
    h = hashlib.sha256(f"{fhir_version}|{mode}|{software_version}".encode())
    for vs in vss:
        h.update(orjson.dumps(vs, option=orjson.OPT_SORT_KEYS))
    return h.hexdigest()[:32]


def metadata_only(vs: dict) -> dict:
    return {k: vs[k] for k in METADATA_KEYS if k in vs}


def valueset_bundle(vss: list[dict], mode: str, *, expand: Callable[[dict], dict],
                    convert: Callable[[dict], dict], bundle_id: str, base: str) -> Iterator[bytes]:
    """A collection Bundle, one entry per value set, as chunks of JSON.

    mode 'definition': the definitions; 'expanded': the definitions with ``expansion`` (from
    ``expand(vs)``; a value set that cannot be expanded keeps its definition and an
    OperationOutcome entry says why); 'metadata': metadata elements only.
    """
    if mode not in MODES:
        raise Invalid(f"Unknown mode '{mode}': use one of {', '.join(MODES)}")
    # no Bundle.total: FHIR allows it only in a searchset or history (bdl-1)
    head = {"resourceType": "Bundle", "id": bundle_id, "type": "collection"}
    yield orjson.dumps(head)[:-1] + b',"entry":['
    first = True
    for vs in vss:
        entries = []
        if mode == "metadata":
            res = metadata_only(vs)
        else:
            res = dict(vs)
            if mode == "expanded":
                try:
                    res["expansion"] = expand(vs)["expansion"]
                except TerminologyError as exc:
                    oo = to_operation_outcome(exc)
                    oo["issue"][0]["severity"] = "warning"
                    oo["issue"][0]["details"]["text"] = (f"ValueSet '{vs.get('url')}' is included without "
                                                         f"expansion: {exc.message}")
                    entries.append({"resource": oo})
        full = f"{base}/ValueSet/{vs['id']}" if vs.get("id") else None
        main = {"fullUrl": full, "resource": convert(res)} if full else {"resource": convert(res)}
        for e in [main] + entries:
            yield (b"" if first else b",") + orjson.dumps(e)
            first = False
    yield b"]}"


# ---- $package ----------------------------------------------------------------------------------
def build_package(registry, fhir_version: str, *, name: str, version: str,
                  convert: Callable[[dict], dict]) -> bytes:
    """The registry's CodeSystems, ValueSets and ConceptMaps as a FHIR NPM package (.tgz bytes).

    Deterministic (fixed mtimes, sorted files): the same content gives the same bytes.
    """
    core_name, core_version = CORE.get(fhir_version, CORE["R4"])
    files: list[tuple[str, bytes]] = []
    index = []
    for kind in KINDS:
        for entry in registry.all(kind):
            res = convert(resource_of(entry))
            rid = res.get("id") or hashlib.sha256(orjson.dumps(res)).hexdigest()[:16]
            fname = f"{kind}-{rid}.json"
            files.append((fname, orjson.dumps(res, option=orjson.OPT_INDENT_2)))
            item = {"filename": fname, "resourceType": kind, "id": rid}
            for key in ("url", "version", "kind", "type"):
                if isinstance(res.get(key), str):
                    item[key] = res[key]
            index.append(item)
    files.sort()
    index.sort(key=lambda i: i["filename"])
    manifest = {"name": name, "version": version, "fhirVersions": [core_version], "type": "fhir.ig",
                "canonical": PACKAGE_CANONICAL, "title": "RR-ALL terminology",
                "description": "CodeSystems, ValueSets and ConceptMaps for relapsed/refractory acute lymphoblastic "
                               "leukaemia (ALL), as served by the RR-ALL terminology server",
                "license": "Apache-2.0", "dependencies": {core_name: core_version}}
    members = [("package/package.json", orjson.dumps(manifest, option=orjson.OPT_INDENT_2)),
               ("package/.index.json", orjson.dumps({"index-version": 1, "files": index},
                                                   option=orjson.OPT_INDENT_2))]
    members += [(f"package/{f}", data) for f, data in files]
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for mname, data in members:
                info = tarfile.TarInfo(mname)
                info.size = len(data)
                info.mtime = 0
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


# ---- $expand.csv ---------------------------------------------------------------------------------
CSV_HEADER = ("code", "display", "system", "version")


def expansion_rows(expanded: dict) -> Iterator[tuple]:
    """(code, display, system, version) for every code in an expansion, nested contains flattened."""
    expansion = expanded.get("expansion") or {}
    used = {}   # system -> version, from the used-codesystem parameters (contains rarely repeat it)
    for p in expansion.get("parameter", []):
        if p.get("name") == "used-codesystem" and isinstance(p.get("valueUri"), str) and "|" in p["valueUri"]:
            sys_, ver = p["valueUri"].split("|", 1)
            used.setdefault(sys_, ver)
    stack = [iter(expansion.get("contains", []))]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        if item.get("code") is not None:
            system = item.get("system", "")
            yield (item["code"], item.get("display", ""), system, item.get("version") or used.get(system, ""))
        if item.get("contains"):
            stack.append(iter(item["contains"]))


def csv_chunks(rows: Iterable[tuple], batch: int = 200) -> Iterator[bytes]:
    """CSV (RFC 4180, UTF-8, CRLF) with a header row, in chunks of rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    n = 0
    for row in rows:
        writer.writerow(["" if v is None else _csv_safe(str(v)) for v in row])
        n += 1
        if n % batch == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a leading = or @ gets a quote prefix, and so does a
    leading + or - unless a digit follows (a signed number or a phone number stays as it is)."""
    first = value[:1]
    if first in ("=", "@") or (first in ("+", "-") and not value[1:2].isdigit()):
        return "'" + value
    return value
