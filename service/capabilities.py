"""CapabilityStatement and TerminologyCapabilities, built from the registry and the operation table."""
from __future__ import annotations

from .engine.filters import SUPPORTED_OPS

SOFTWARE = "RR-ALL Terminology Server"
RELEASE_DATE = "2026-11-22"
OPDEF = "http://hl7.org/fhir/OperationDefinition/"
FHIR_VERSIONS = {"R4": "4.0.1", "R5": "5.0.0"}

RESOURCE_OPS = {
    "CodeSystem": [("lookup", "CodeSystem-lookup"), ("validate-code", "CodeSystem-validate-code"),
                   ("subsumes", "CodeSystem-subsumes")],
    "ValueSet": [("expand", "ValueSet-expand"), ("validate-code", "ValueSet-validate-code"),
                 ("batch-validate-code", "ValueSet-validate-code")],
    "ConceptMap": [("translate", "ConceptMap-translate")],
}
# integrator operations (service/web/validate.py, downloads.py): $validate on every type and at the system level,
# ValueSet/$bundle, system $package; ValueSet/$expand.csv is a download, not an operation
INTEGRATOR_RESOURCE_OPS = {"ValueSet": [("bundle", "http://terminology.rr-all.org/fhir/OperationDefinition/"
                                                   "ValueSet-bundle")]}
INTEGRATOR_SYSTEM_OPS = [
    {"name": "validate", "definition": OPDEF + "Resource-validate",
     "documentation": "POST any resource, Bundle or Parameters(resource, profile): structure, terminology and "
                      "bindings (from loaded FHIR packages); also POST [type]/$validate"},
    {"name": "package", "definition": "http://terminology.rr-all.org/fhir/OperationDefinition/package",
     "documentation": "GET: our CodeSystems, ValueSets and ConceptMaps as a FHIR NPM package (.tgz)"},
]
SEARCH_PARAMS = [("url", "uri"), ("version", "token"), ("name", "string"), ("title", "string"),
                 ("publisher", "string"), ("description", "string"), ("status", "token"), ("_id", "token")]
EXPANSION_PARAMS = ["activeOnly", "check-system-version", "count", "designation", "displayLanguage",
                    "excludeNested", "excludeNotForUI", "filter", "force-system-version", "includeDefinition",
                    "includeDesignations", "offset", "property", "system-version", "tx-resource", "useSupplement",
                    "valueSetVersion"]


def capability_statement(fhir: str, cfg: dict, base: str) -> dict:
    resources = []
    for rtype in ("CodeSystem", "ValueSet", "ConceptMap"):
        resources.append({
            "type": rtype,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [{"name": n, "type": t} for n, t in SEARCH_PARAMS],
            "operation": [{"name": n, "definition": OPDEF + d} for n, d in RESOURCE_OPS[rtype]]
            + [{"name": "validate", "definition": OPDEF + "Resource-validate"}]
            + [{"name": n, "definition": d} for n, d in INTEGRATOR_RESOURCE_OPS.get(rtype, [])],
        })
    return {
        "resourceType": "CapabilityStatement",
        "id": "rrall-terminology",
        "extension": [{
            "url": "http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature",
            "extension": [{"url": "definition",
                           "valueCanonical": "http://hl7.org/fhir/uv/tx-tests/FeatureDefinition/test-version"},
                          {"url": "value", "valueCode": "1.9.0"}]}, {
            "url": "http://hl7.org/fhir/uv/application-feature/StructureDefinition/feature",
            "extension": [{"url": "definition",
                           "valueCanonical": "http://hl7.org/fhir/uv/tx-ecosystem/FeatureDefinition/"
                                             "CodeSystemAsParameter"},
                          {"url": "value", "valueBoolean": True}]}],
        "url": f"{base}/metadata",
        "version": cfg["SOFTWARE_VERSION"],
        "name": "RRALLTerminologyServer",
        "title": "RR-ALL Terminology Server",
        "status": "active",
        "date": RELEASE_DATE,
        "publisher": "RR-ALL Terminology Project",
        "kind": "instance",
        "instantiates": ["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        "software": {"name": SOFTWARE, "version": cfg["SOFTWARE_VERSION"], "releaseDate": RELEASE_DATE},
        "implementation": {"description": "RR-ALL terminology service", "url": base},
        "fhirVersion": FHIR_VERSIONS[fhir],
        "format": ["application/fhir+json", "application/json", "application/fhir+xml"],
        "rest": [{
            "mode": "server",
            "resource": resources,
            "operation": [{"name": "versions", "definition": "http://hl7.org/fhir/OperationDefinition/"
                                                             "CapabilityStatement-versions"}] + INTEGRATOR_SYSTEM_OPS,
            "interaction": [{"code": "batch"}],
        }],
    }


def _content(indexes) -> str:
    """TerminologyCapabilities.codeSystem.content (R5): complete if any loaded version is complete."""
    kinds = {cs.content for cs in indexes}
    for kind in ("complete", "fragment", "example", "not-present"):
        if kind in kinds:
            return kind
    return "not-present"


def terminology_capabilities(fhir: str, cfg: dict, registry, base: str) -> dict:
    systems: dict[str, list] = {}
    for cs in registry.all("CodeSystem"):
        if cs.url and cs.content != "supplement":
            systems.setdefault(cs.url, []).append(cs)
    code_systems = []
    for url in sorted(systems):
        versions = []
        for cs in systems[url]:
            v = {"code": cs.version} if cs.version else {}
            v["isDefault"] = cs is registry.resolve("CodeSystem", url)
            v["filter"] = [{"code": "concept", "op": list(SUPPORTED_OPS)}]
            v["property"] = list(cs.property_defs)
            if not v["property"]:
                del v["property"]
            versions.append(v)
        code_systems.append({"uri": url, "version": versions, "content": _content(systems[url])})
    return {
        "resourceType": "TerminologyCapabilities",
        "id": "rrall-terminology",
        "url": f"{base}/metadata?mode=terminology",
        "version": cfg["SOFTWARE_VERSION"],
        "name": "RRALLTerminologyServer",
        "title": "RR-ALL Terminology Server",
        "status": "active",
        "date": RELEASE_DATE,
        "kind": "instance",
        "software": {"name": SOFTWARE, "version": cfg["SOFTWARE_VERSION"]},
        "codeSystem": code_systems,
        "expansion": {"hierarchical": True, "paging": True, "incomplete": False,
                      "parameter": [{"name": n} for n in EXPANSION_PARAMS],
                      "textFilter": "Word-prefix, case- and accent-insensitive match on displays and designations"},
        "validateCode": {"translations": False},
        "translation": {"needsMap": False},
    }
