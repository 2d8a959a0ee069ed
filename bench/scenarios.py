"""Request lists for the bench scenarios, built from the content on disk (and ICD-10-CM when built)."""
from __future__ import annotations

import http.client
import json
import random
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from .load import Request

REPO = Path(__file__).resolve().parent.parent
ICD_DIR = REPO / "build" / "icd10cm"
ICD_URL = "http://hl7.org/fhir/sid/icd-10-cm"
ICD_VS = ICD_URL + "?fhir_vs"
CONTENT = [REPO / "codesystems", REPO / "valuesets", REPO / "conceptmaps"]
_WORD = re.compile(r"[A-Za-z]{3,}")


def _q(path: str, **params) -> str:
    return path + "?" + urlencode(params, quote_via=quote)


def _walk(concepts, parent=None):
    for c in concepts or []:
        yield c, parent
        yield from _walk(c.get("concept"), c.get("code"))


def _parent_pairs(concepts):
    """(parent, child) for every is-a link: nesting and `parent` properties (our content is a flat list
    with parent properties, so a concept can have several parents)."""
    for c, nested in _walk(concepts):
        parents = [nested] if nested else []
        parents += [p["valueCode"] for p in c.get("property", []) if p.get("code") == "parent" and "valueCode" in p]
        for parent in dict.fromkeys(parents):
            yield parent, c["code"]


def _load(folder: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8-sig")) for p in sorted(folder.glob("*.json"))]


class Corpus:
    """Codes, value sets and maps to draw requests from."""

    def __init__(self, with_icd: bool, seed: int = 7):
        self.rng = random.Random(seed)
        self.codesystems = [r for r in _load(CONTENT[0]) if r.get("resourceType") == "CodeSystem"]
        self.valuesets = [r for r in _load(CONTENT[1]) if r.get("resourceType") == "ValueSet"]
        self.conceptmaps = [r for r in _load(CONTENT[2]) if r.get("resourceType") == "ConceptMap"]
        self.codes = [(cs["url"], c["code"]) for cs in self.codesystems for c, _p in _walk(cs.get("concept"))]
        self.pairs = [(cs["url"], p, c) for cs in self.codesystems for p, c in _parent_pairs(cs.get("concept"))]
        self.icd: dict | None = None
        if with_icd:
            path = ICD_DIR / "CodeSystem-icd-10-cm.json"
            self.icd = json.loads(path.read_bytes())
            walked = list(_walk(self.icd["concept"]))
            self.icd_codes = [c["code"] for c, _p in walked]
            self.icd_pairs = [(p, c["code"]) for c, p in walked if p]
            words = {w.lower() for c, _p in walked for w in _WORD.findall(c.get("display", ""))}
            self.icd_words = sorted(words)

    def sample(self, items: list, n: int) -> list:
        return [items[self.rng.randrange(len(items))] for _ in range(n)] if items else []

    def prefixes(self, words: list[str], n: int) -> list[str]:
        out = []
        for w in self.sample(words, n):
            out.append(w[:self.rng.randint(3, min(6, len(w)))])
        return out


def healthz(_c: Corpus) -> list[Request]:
    return [Request("GET", "/healthz")]


def lookup(c: Corpus) -> list[Request]:
    return [Request("GET", _q("/r4/CodeSystem/$lookup", system=s, code=code)) for s, code in c.codes]


def lookup_icd(c: Corpus) -> list[Request]:
    return [Request("GET", _q("/r4/CodeSystem/$lookup", system=ICD_URL, code=code))
            for code in c.sample(c.icd_codes, 5000)]


def _isa_valueset(c: Corpus) -> dict:
    for vs in c.valuesets:
        for inc in (vs.get("compose") or {}).get("include", []):
            if any(f.get("op") == "is-a" for f in inc.get("filter", [])):
                return vs
    raise LookupError("no is-a value set in the content")


def validate_code(c: Corpus) -> list[Request]:
    """Half the codes are in an is-a value set, half are not (other codes, made-up codes)."""
    vs = _isa_valueset(c)
    system = vs["compose"]["include"][0]["system"]
    reqs = []
    for s, code in c.codes:
        reqs.append(Request("GET", _q("/r4/ValueSet/$validate-code", url=vs["url"], system=s, code=code)))
    for i in range(len(c.codes) // 2):
        reqs.append(Request("GET", _q("/r4/ValueSet/$validate-code", url=vs["url"], system=system,
                                      code=f"no-such-code-{i}")))
    return reqs


def _expandable(c: Corpus) -> list[str]:
    return [vs["url"] for vs in c.valuesets if vs.get("url")]


def expand_get(c: Corpus) -> list[Request]:
    return [Request("GET", _q("/r4/ValueSet/$expand", url=u)) for u in _expandable(c)]


def expand_post(c: Corpus) -> list[Request]:
    out = []
    for u in _expandable(c):
        body = {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": u}]}
        out.append(Request("POST", "/r4/ValueSet/$expand", json.dumps(body, separators=(",", ":")).encode()))
    return out


def expand_filter(c: Corpus) -> list[Request]:
    """Type-ahead: random 3-6 letter prefixes of real words, count=20, over all of ICD-10-CM
    (or, without it, over the all-concepts value set of our content)."""
    if c.icd is not None:
        url, words = ICD_VS, c.icd_words
    else:
        url = next((vs["url"] for vs in c.valuesets if vs.get("id") == "rr-all-all-concepts"),
                   _expandable(c)[0])
        words = sorted({w.lower() for cs in c.codesystems for x, _p in _walk(cs.get("concept"))
                        for w in _WORD.findall(x.get("display", ""))})
    return [Request("GET", _q("/r4/ValueSet/$expand", url=url, filter=p, count="20"))
            for p in c.prefixes(words, 5000)]


def subsumes(c: Corpus) -> list[Request]:
    out = []
    if c.icd is not None:
        for parent, child in c.sample(c.icd_pairs, 2500):
            out.append(Request("GET", _q("/r4/CodeSystem/$subsumes", system=ICD_URL, codeA=parent, codeB=child)))
            other = c.sample(c.icd_codes, 1)[0]
            out.append(Request("GET", _q("/r4/CodeSystem/$subsumes", system=ICD_URL, codeA=child, codeB=other)))
        return out
    for s, parent, child in c.pairs:
        out.append(Request("GET", _q("/r4/CodeSystem/$subsumes", system=s, codeA=parent, codeB=child)))
        out.append(Request("GET", _q("/r4/CodeSystem/$subsumes", system=s, codeA=child, codeB=parent)))
    return out


def translate(c: Corpus) -> list[Request]:
    out = []
    for cm in c.conceptmaps:
        for g in cm.get("group", []):
            for e in g.get("element", []):
                out.append(Request("GET", _q("/r4/ConceptMap/$translate", url=cm["url"], system=g["source"],
                                             code=e["code"])))
    return out


# name -> (builder, needs ICD-10-CM)
SCENARIOS = {
    "HZ": (healthz, False),
    "LK": (lookup, False),
    "LK-ICD": (lookup_icd, True),
    "VC": (validate_code, False),
    "EX-GET": (expand_get, False),
    "EX-POST": (expand_post, False),
    "EXF": (expand_filter, False),
    "SS": (subsumes, False),
    "CM": (translate, False),
}


def precheck(port: int, requests: list[Request], n: int = 30) -> list[str]:
    """Send up to n distinct requests once; return a description of each that failed."""
    bad = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for r in list(dict.fromkeys(requests))[:n]:
        headers = {"Accept": "application/fhir+json"}
        if r.body:
            headers["Content-Type"] = "application/fhir+json"
        conn.request(r.method, r.path, body=r.body or None, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status >= 400:
            bad.append(f"{resp.status} {r.method} {r.path[:120]}: {body[:200]!r}")
    conn.close()
    return bad
