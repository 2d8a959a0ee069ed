"""Example values for openapi.yaml, taken from the built-in content (codesystems/, valuesets/, conceptmaps/).

Every example must work against a server on the built-in content: tests/web/test_openapi_examples.py sends
each operation's examples and expects the documented success. The request bodies (FHIR JSON, FHIR XML, form)
are built here from the same values, so the query, the body and the form say the same thing.
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

RR = "http://terminology.rr-all.org/fhir"
# no version examples: the content's version changes with each release, the examples must not
SYMPTOM_CS = f"{RR}/CodeSystem/rr-all-symptom"          # hierarchy: symptom-or-sign > general-symptom > fatigue
SYMPTOM_VS = f"{RR}/ValueSet/rr-all-symptom"            # every code of rr-all-symptom
STATUS_CS = f"{RR}/CodeSystem/rr-all-disease-status"    # relapse -> ICD-10-CM C91.02 (equivalent)
TO_ICD10CM = f"{RR}/ConceptMap/rr-all-to-icd10cm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CODE = "anaemia"                                        # display "Anemia", en-GB designation "Anaemia"
DISPLAY = "Anemia"
IDS = {"CodeSystem": "rr-all-symptom", "ValueSet": "rr-all-symptom", "ConceptMap": "rr-all-to-icd10cm"}

# the FHIR type of each operation parameter, for the value[x] of a Parameters example
FHIR_TYPES = {
    "url": "Uri", "system": "Uri", "context": "Uri", "targetSystem": "Uri", "targetsystem": "Uri",
    "sourceSystem": "Uri", "source": "Uri", "target": "Uri", "sourceScope": "Uri", "targetScope": "Uri",
    "code": "Code", "codeA": "Code", "codeB": "Code", "sourceCode": "Code", "targetCode": "Code",
    "displayLanguage": "Code", "property": "Code", "mode": "Code",
    "useSupplement": "Canonical", "system-version": "Canonical", "check-system-version": "Canonical",
    "force-system-version": "Canonical", "default-valueset-version": "Canonical", "date": "DateTime",
}


def value_key(name: str, value) -> str:
    """The value[x] key of a Parameters parameter carrying this value."""
    if isinstance(value, bool):
        return "valueBoolean"
    if isinstance(value, int):
        return "valueInteger"
    return "value" + FHIR_TYPES.get(name, "String")


def as_parameters(values: dict) -> dict:
    """A Parameters resource with one parameter per value (repeating parameters: one per item)."""
    params = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                params.append({"name": name, "resource": item})
            else:
                params.append({"name": name, value_key(name, item): item})
    return {"resourceType": "Parameters", "parameter": params}


def as_form(values: dict) -> dict:
    """Form fields: the query string's names and text values (booleans as true/false)."""
    out = {}
    for name, value in values.items():
        if isinstance(value, dict):
            continue
        items = value if isinstance(value, list) else [value]
        texts = [str(v).lower() if isinstance(v, bool) else str(v) for v in items]
        out[name] = texts if isinstance(value, list) else texts[0]
    return out


def as_xml(parameters: dict) -> str:
    """A Parameters resource with primitive values as FHIR XML."""
    parts = ['<Parameters xmlns="http://hl7.org/fhir">']
    for p in parameters["parameter"]:
        key = next(k for k in p if k.startswith("value"))
        value = p[key]
        text = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f"<parameter><name value={quoteattr(p['name'])}/><{key} value={quoteattr(text)}/></parameter>")
    parts.append("</Parameters>")
    return "".join(parts)


# ---- request bodies that are not Parameters ---------------------------------------------------------------
CONDITION = {
    "resourceType": "Condition",
    "subject": {"reference": "Patient/example"},
    "code": {"coding": [{"system": SYMPTOM_CS, "code": CODE, "display": DISPLAY}]},
}

BATCH = {
    "resourceType": "Bundle", "type": "batch",
    "entry": [
        {"request": {"method": "GET", "url": f"CodeSystem/$lookup?system={SYMPTOM_CS}&code={CODE}"}},
        {"request": {"method": "POST", "url": "ValueSet/$validate-code"},
         "resource": as_parameters({"url": SYMPTOM_VS, "system": SYMPTOM_CS, "code": CODE})},
    ],
}

BATCH_VALIDATE = as_parameters({
    "url": SYMPTOM_VS,
    "validation": [as_parameters({"system": SYMPTOM_CS, "code": CODE}),
                   as_parameters({"system": SYMPTOM_CS, "code": "fatigue"})],
})
