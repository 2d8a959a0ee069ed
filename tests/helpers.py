"""Small helpers and constants shared by the tests (import as `from helpers import ...`)."""
from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = "http://example.org/fhir"
ANIMALS = f"{BASE}/CodeSystem/animals"
LETTERS = f"{BASE}/CodeSystem/letters"
VERSIONED = f"{BASE}/CodeSystem/versioned"
SUPPLEMENT = f"{BASE}/CodeSystem/animals-supplement"
FHIR_JSON = "application/fhir+json"
# every code of the animals fixture (fixtures/CodeSystem-animals.json), in its order
ALL_ANIMALS = ["animal", "mammal", "dog", "cat", "bird", "parrot", "dodo", "plant", "tree", "oak", "fern"]


def assert_oo(r, status: int | None = None):
    """A test-client response that is an error OperationOutcome (with that status), without a traceback."""
    assert r.mimetype in (FHIR_JSON, "application/json")
    body = r.get_json()
    assert body["resourceType"] == "OperationOutcome", body
    assert body["issue"] and body["issue"][0]["severity"] in ("error", "fatal")
    if status is not None:
        assert r.status_code == status, body
    text = json.dumps(body)
    assert "Traceback" not in text and 'File "' not in text
    return body


def vs_url(vid: str) -> str:
    return f"{BASE}/ValueSet/{vid}"


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def param(body: dict, name: str):
    """The first value of a top-level Parameters parameter (value[x], resource or parts as dict)."""
    for p in body.get("parameter", []):
        if p.get("name") == name:
            for k, v in p.items():
                if k.startswith("value"):
                    return v
            if "resource" in p:
                return p["resource"]
            if "part" in p:
                return p["part"]
    return None


def params_named(body: dict, name: str) -> list[dict]:
    return [p for p in body.get("parameter", []) if p.get("name") == name]


def codes(expansion_vs: dict) -> list[str]:
    """Every code in an expansion, depth-first (nested contains flattened)."""
    out: list[str] = []

    def walk(items):
        for c in items:
            out.append(c["code"])
            walk(c.get("contains", []))
    walk(expansion_vs.get("expansion", {}).get("contains", []))
    return out

# the FHIR R4 core package shipped with the project (CC0), as `rrall-tx serve` loads it by default
CORE = Path(__file__).resolve().parents[1] / "packages" / "hl7.fhir.r4.core-4.0.1.tgz"


def content_version() -> str:
    """The RR-ALL content version as authored in content/project.yaml (what the built-in content must serve)."""
    import yaml

    project = Path(__file__).resolve().parents[1] / "content" / "project.yaml"
    return str(yaml.safe_load(project.read_text(encoding="utf-8"))["version"])


# ---- a fragment code system and value sets over it (codes it does not hold: y, z) --------------------
FRAG = "http://x/frag"
FRAGMENT_CS = {"resourceType": "CodeSystem", "url": FRAG, "version": "1", "content": "fragment",
               "hierarchyMeaning": "is-a", "concept": [{"code": "a", "concept": [{"code": "b"}]}]}


def fragment_vs(vid, *includes, exclude=()):
    compose = {"include": list(includes)}
    if exclude:
        compose["exclude"] = list(exclude)
    return {"resourceType": "ValueSet", "url": f"http://x/vs/{vid}", "status": "active", "compose": compose}


FRAGMENT_VALUE_SETS = [
    fragment_vs("whole", {"system": FRAG}),
    fragment_vs("listed", {"system": FRAG, "concept": [{"code": "a"}, {"code": "z"}]}),
    fragment_vs("filtered", {"system": FRAG, "filter": [{"property": "concept", "op": "is-a", "value": "a"}]}),
    fragment_vs("imports-whole", {"valueSet": ["http://x/vs/whole"]}),
    fragment_vs("imports-listed", {"valueSet": ["http://x/vs/listed"]}),
    fragment_vs("whole-minus-z", {"system": FRAG}, exclude=[{"system": FRAG, "concept": [{"code": "z"}]}]),
    fragment_vs("whole-minus-filter", {"system": FRAG},
        exclude=[{"system": FRAG, "filter": [{"property": "concept", "op": "is-a", "value": "a"}]}]),
]


def diamond_value_sets(n: int = 26, closing: dict | None = None) -> list[dict]:
    """n value sets d0..d{n-1}, each including the next one twice (two includes), the last one all of animals:
    2**(n-1) import paths to the same codes (issue #14 defect 8). closing replaces the last compose."""
    out = []
    for i in range(n):
        nxt = f"{BASE}/ValueSet/d{i + 1}"
        compose = {"include": [{"valueSet": [nxt]}, {"valueSet": [nxt]}]} if i < n - 1 else \
            (closing or {"include": [{"system": ANIMALS}]})
        out.append({"resourceType": "ValueSet", "id": f"d{i}", "url": f"{BASE}/ValueSet/d{i}", "status": "active",
                    "compose": compose})
    return out


def expander_entries(make_ctx, vs_or_id, **ctx_kw):
    """(Expander, its entries) for a value set given inline or by id, in a fresh operation context."""
    from service.engine.expand import Expander

    ctx = make_ctx(**ctx_kw)
    vs = vs_or_id if isinstance(vs_or_id, dict) else ctx.registry.by_id("ValueSet", vs_or_id)
    exp = Expander(ctx)
    return exp, exp.entries(vs)
