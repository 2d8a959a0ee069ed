"""The parts of openapi.yaml around the paths (info, servers, components) and the YAML text itself."""
from __future__ import annotations

import textwrap

import yaml

from ...config import DEFAULTS
from . import catalogue as C
from . import components as K

HEADER = ("# OpenAPI 3.0 description of the RR-ALL terminology server's HTTP interface. GENERATED: do not edit.\n"
          "# Regenerate with `python -m service.web.openapi > openapi.yaml` after changing service/web/routes.py\n"
          "# or the descriptions in service/web/openapi/ (tests/test_openapi.py fails while they differ).\n")

DESCRIPTION = """\
FHIR terminology service for relapsed/refractory acute lymphoblastic leukaemia (ALL). The same operations are \
served at /r4 (FHIR 4.0.1) and /r5 (FHIR 5.0.0). Operation parameters may be given in the query string (GET or \
POST), as form fields, or in a Parameters body (FHIR JSON or XML; the legacy types application/json+fhir and \
application/xml+fhir are read too); the same parameter with different values is a 400.

Answers: FHIR JSON (application/fhir+json) by default; application/json with _format=json; FHIR XML \
(application/fhir+xml) with _format=xml or an Accept header that prefers it; a page (text/html) for a browser \
(Accept preferring text/html) or _format=html. Downloads ($package, $bundle, $expand.csv) have their own type. \
Every error is an OperationOutcome, in the negotiated format (a 406 always in FHIR JSON).

HTTP: every path answers OPTIONS (204, Allow) and HEAD where it answers GET (no body); any other method is a 405 \
OperationOutcome whose Allow header lists the methods of the path. Answers over 1 KB are gzip-compressed for \
clients that send Accept-Encoding: gzip. Cross-origin requests are allowed (CORS; configurable). Request bodies \
over the limit (32 MiB by default) are a 413. Every answer carries X-Request-Id: the client's own when it is \
short and safe, else a new one.

Checked: tests/test_openapi.py (this file is what `python -m service.web.openapi` generates from the route \
table; every route is described) and a bounded schemathesis run against a real server (docs/api.md)."""


def factor_parameters(paths: dict, taken: set[str]) -> dict:
    """Parameters written the same way wherever they appear become components (referenced by name); the rest
    (a parameter whose example or requiredness differs by operation) stay inline. Returns the components."""
    variants: dict[str, list] = {}
    for item in paths.values():
        for op in item.values():
            for p in op.get("parameters", []):
                if "$ref" not in p:
                    seen = variants.setdefault(p["name"], [])
                    if p not in seen:
                        seen.append(p)
    shared = {name: found[0] for name, found in variants.items() if len(found) == 1 and name not in taken}
    for item in paths.values():
        for op in item.values():
            op["parameters"] = [K.ref("parameters", p["name"]) if "$ref" not in p and p["name"] in shared else p
                                for p in op.get("parameters", [])]
    return shared


def document(paths: dict) -> dict:
    parameters = {}
    for name, spec in C.CONTROL.items():
        parameters[name] = {"name": name, "in": "query", "required": False, **spec}
    for name, spec in C.HEADERS.items():
        parameters[name] = {"name": name, "in": "header", "required": False, **spec}
    parameters.update(factor_parameters(paths, set(parameters)))
    return {
        "openapi": "3.0.3",
        "info": {"title": "RR-ALL FHIR terminology server", "version": DEFAULTS["SOFTWARE_VERSION"],
                 "description": "\n\n".join(textwrap.fill(p, 112) for p in DESCRIPTION.split("\n\n")), "license": {"name": "Apache-2.0"}},
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {"parameters": parameters, "schemas": K.schemas(), "responses": K.responses()},
    }


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):   # no &anchors / *aliases: every operation reads on its own
        return True


def _text(dumper, data: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|" if "\n" in data else None)


_Dumper.add_representer(str, _text)


def to_yaml(spec: dict) -> str:
    return HEADER + yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
