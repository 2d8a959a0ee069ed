"""The route table: every path the server answers, its methods, its handler, and whether its answers may be
cached. Registered in Flask's url_map (so Flask owns routing, and openapi.yaml is tested against it) under
both /r4 and /r5; the pipeline dispatches on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from werkzeug.routing import BaseConverter

from . import batch, downloads, resources, terminology, validate
from .pages import concept, home, read

FHIR_ID_PATTERN = r"[A-Za-z0-9\-.]{1,64}"
RW = ["GET", "POST"]
TYPES = "<any(CodeSystem, ValueSet, ConceptMap):rtype>"


class FhirIdConverter(BaseConverter):
    """A FHIR resource id: 1-64 of A-Z a-z 0-9 - . (so '$operation' never reads as an id)."""

    regex = FHIR_ID_PATTERN


@dataclass(frozen=True)
class Route:
    name: str
    handler: Callable
    cacheable: bool = False     # answers are keyed, ETagged and may be stored (layers.ResponseCache)
    negotiated: bool = True     # the client must accept FHIR JSON or XML, or the file's type (406 otherwise)
    page: Callable | None = None   # the page for people (pages); without one a page shows the FHIR answer
    in_batch: bool = True       # may be an entry of a batch (not downloads, not a batch itself)


def _instance_and_type(name: str, path: str, handler, methods=RW, cacheable=True):
    """The type-level and the instance-level rule of an operation (e.g. ValueSet/$expand, ValueSet/{id}/$expand)."""
    rtype, op = path.split("/")
    return [(f"/{rtype}/{op}", name, methods, Route(name, handler, cacheable)),
            (f"/{rtype}/<fhirid:rid>/{op}", name + "-instance", methods, Route(name, handler, cacheable))]


# (rule under /r4 and /r5, endpoint name, methods, route)
FHIR_RULES = [
    ("/metadata", "metadata", ["GET"], Route("metadata", resources.metadata, cacheable=True)),
    ("/$versions", "versions", RW, Route("versions", resources.versions, cacheable=True)),
    *_instance_and_type("lookup", "CodeSystem/$lookup", terminology.lookup),
    *_instance_and_type("cs-validate-code", "CodeSystem/$validate-code", terminology.cs_validate_code),
    *_instance_and_type("subsumes", "CodeSystem/$subsumes", terminology.subsumes),
    *_instance_and_type("expand", "ValueSet/$expand", terminology.expand),
    *_instance_and_type("vs-validate-code", "ValueSet/$validate-code", terminology.vs_validate_code),
    ("/ValueSet/$batch-validate-code", "batch-validate-code", ["POST"],
     Route("batch-validate-code", terminology.batch_validate_code, cacheable=True)),
    *_instance_and_type("translate", "ConceptMap/$translate", terminology.translate),
    ("/ValueSet/$bundle", "valueset-bundle", ["GET"],
     Route("valueset-bundle", downloads.valueset_bundle, in_batch=False)),
    ("/ValueSet/$expand.csv", "expand-csv", ["GET"], Route("expand-csv", downloads.expand_csv, in_batch=False)),
    ("/ValueSet/<rid>/$expand.csv", "expand-csv-instance", ["GET"],
     Route("expand-csv", downloads.expand_csv, in_batch=False)),
    ("/$package", "package", ["GET"], Route("package", downloads.package, in_batch=False)),
    ("/$validate", "validate", ["POST"], Route("validate", validate.validate)),
    ("/<rtype>/$validate", "validate-type", ["POST"], Route("validate", validate.validate)),
    (f"/{TYPES}/<fhirid:rid>", "read", ["GET"], Route("read", resources.read, cacheable=True, page=read.read_page)),
    # a page for people (FHIR has no such path); FHIR clients get the concept's $lookup there
    ("/CodeSystem/<fhirid:rid>/concept/<path:code>", "concept", ["GET"],
     Route("concept", concept.lookup, cacheable=True, page=concept.concept_page)),
    (f"/{TYPES}", "search", ["GET"], Route("search", resources.search, cacheable=True)),
    ("", "batch", ["POST"], Route("batch", batch.batch, in_batch=False)),
]
ROOT_RULES = [
    ("/", "home", ["GET"], Route("home", home.index, cacheable=True, page=home.home_page)),
    ("/search", "search-page", ["GET"], Route("search-page", home.search_json, cacheable=True, page=home.search_page)),
    ("/healthz", "healthz", ["GET"], Route("healthz", resources.healthz, negotiated=False)),
]


def install(app) -> dict[str, Route]:
    """Register every rule in app.url_map; return endpoint -> Route for the pipeline."""
    app.url_map.converters["fhirid"] = FhirIdConverter
    table: dict[str, Route] = {}
    for version in ("r4", "r5"):
        for rule, endpoint, methods, route in FHIR_RULES:
            name = f"{version}.{endpoint}"
            app.add_url_rule(f"/{version}{rule}", endpoint=name, methods=methods, strict_slashes=False)
            table[name] = route
    for rule, endpoint, methods, route in ROOT_RULES:
        app.add_url_rule(rule, endpoint=endpoint, methods=methods)
        table[endpoint] = route
    return table
