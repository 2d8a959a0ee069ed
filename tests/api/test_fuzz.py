"""A bounded, seeded fuzz of every operation: random parameter names, values and shapes never give a 500."""
from __future__ import annotations

import json
import logging
import random

from helpers import ANIMALS, vs_url

FHIR_JSON = "application/fhir+json"

ROUTES = ["/CodeSystem/$lookup", "/CodeSystem/$validate-code", "/CodeSystem/$subsumes", "/ValueSet/$expand",
          "/ValueSet/$validate-code", "/ValueSet/pets/$expand", "/ValueSet/pets/$validate-code",
          "/ConceptMap/$translate", "/ValueSet/$batch-validate-code"]
NAMES = ["url", "system", "code", "version", "display", "coding", "codeableConcept", "valueSet", "count", "offset",
         "filter", "activeOnly", "property", "displayLanguage", "system-version", "force-system-version",
         "check-system-version", "default-valueset-version", "codeA", "codeB", "codingA", "tx-resource", "abstract",
         "includeDesignations", "designation", "excludeNested", "useSupplement", "target", "reverse", "validation"]
VALUES = [None, "", "x", "dog", ANIMALS, f"{ANIMALS}|9", vs_url("pets"), "true", "false", "-1", "5", "1e9", "*",
          "de,*;q=0", "%%", "a" * 300, 0, 7, -3, 1.5, True, [], {}, [1, "a"], {"code": 5}, {"system": ANIMALS},
          {"coding": "x"}, {"coding": [{"system": ANIMALS, "code": "cat", "display": 3}]},
          {"resourceType": "ValueSet", "compose": {"include": [{"system": ANIMALS, "filter": [
              {"property": "concept", "op": "is-a", "value": "mammal"}]}]}},
          {"resourceType": "CodeSystem", "url": "http://x/cs", "concept": [{"code": "a", "concept": [{}]}]}]
VALUE_KEYS = ["valueString", "valueCode", "valueUri", "valueBoolean", "valueInteger", "valueCoding",
              "valueCodeableConcept", "resource", "part"]


def _param(rng):
    p = {"name": rng.choice(NAMES)}
    if rng.random() < 0.9:
        p[rng.choice(VALUE_KEYS)] = rng.choice(VALUES)
    return p


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def test_random_requests_never_cause_a_server_error(client):
    rng = random.Random(20261122)
    failures = []
    logging.disable(logging.CRITICAL)
    try:
        for _ in range(600):
            base = rng.choice(["/r4", "/r5"])
            route = rng.choice(ROUTES)
            params = [_param(rng) for _ in range(rng.randint(0, 4))]
            if rng.random() < 0.5:
                body = json.dumps({"resourceType": "Parameters", "parameter": params})
                r = client.post(base + route, data=body, content_type=FHIR_JSON)
            else:
                query = {p["name"]: _as_text(next(iter(list(p.values())[1:]), "")) for p in params}
                r = client.get(base + route, query_string=query)
            if r.status_code >= 500:
                failures.append(f"{r.status_code} {base}{route} {params}")
    finally:
        logging.disable(logging.NOTSET)
    assert not failures, "\n".join(failures[:10])
