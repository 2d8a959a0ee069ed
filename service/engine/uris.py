"""FHIR terminology URIs and codings the engine and the importers share (one definition each)."""
from __future__ import annotations

STD_PROPERTY_URI = "http://hl7.org/fhir/concept-properties#"   # + code: the standard concept properties
# the designation use of a code system's preferred display in its language
PREFERRED_FOR_LANGUAGE = {"system": "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra",
                          "code": "preferredForLanguage", "display": "Preferred For Language"}
