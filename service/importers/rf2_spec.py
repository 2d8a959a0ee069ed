"""Facts of the SNOMED CT RF2 release format that the importer and the synthetic generator share.

Column layouts are those of the RF2 release file specification (Snapshot files: tab-separated,
UTF-8, one header row). The metadata concept ids below are the format's enumeration values
(description types, language refsets, acceptability, characteristic type, is-a), named in issue
#15 and in the specification's appendix of concept enumerations; they are not clinical content.
"""
from __future__ import annotations

SYSTEM = "http://snomed.info/sct"

IS_A = "116680003"
INFERRED = "900000000000011006"
FSN = "900000000000003001"
SYNONYM = "900000000000013009"
DEFINITION = "900000000000550004"
EN_US = "900000000000509007"
EN_GB = "900000000000508004"
PREFERRED = "900000000000548007"
ACCEPTABLE = "900000000000549004"
PRIMITIVE = "900000000000074008"
DEFINED = "900000000000073002"
CASE_INSENSITIVE = "900000000000448009"
EXISTENTIAL = "900000000000451002"

DIALECTS = {EN_US: "en-US", EN_GB: "en-GB"}   # language refset -> BCP-47 tag

COLUMNS = {
    "concept": ["id", "effectiveTime", "active", "moduleId", "definitionStatusId"],
    "description": ["id", "effectiveTime", "active", "moduleId", "conceptId", "languageCode", "typeId", "term",
                    "caseSignificanceId"],
    "relationship": ["id", "effectiveTime", "active", "moduleId", "sourceId", "destinationId", "relationshipGroup",
                     "typeId", "characteristicTypeId", "modifierId"],
    "language": ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId",
                 "acceptabilityId"],
    "simple": ["id", "effectiveTime", "active", "moduleId", "refsetId", "referencedComponentId"],
}

# where each file lives under the Snapshot folder, and how its name starts
FILES = {
    "concept": ("Terminology", "sct2_Concept_"),
    "description": ("Terminology", "sct2_Description_"),
    "definition": ("Terminology", "sct2_TextDefinition_"),
    "relationship": ("Terminology", "sct2_Relationship_"),
    "language": ("Refset/Language", "der2_cRefset_Language"),
    "simple": ("Refset/Content", "der2_Refset_Simple"),
}

_D = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 2, 3, 4, 0, 6, 7, 8, 9, 5), (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
      (3, 4, 0, 1, 2, 8, 9, 5, 6, 7), (4, 0, 1, 2, 3, 9, 5, 6, 7, 8), (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
      (6, 5, 9, 8, 7, 1, 0, 4, 3, 2), (7, 6, 5, 9, 8, 2, 1, 0, 4, 3), (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
      (9, 8, 7, 6, 5, 4, 3, 2, 1, 0))
_P = ((0, 1, 2, 3, 4, 5, 6, 7, 8, 9), (1, 5, 7, 6, 2, 8, 3, 0, 9, 4), (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
      (8, 9, 1, 6, 0, 4, 3, 5, 2, 7), (9, 4, 5, 3, 1, 2, 6, 8, 7, 0), (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
      (2, 7, 9, 3, 8, 0, 6, 4, 1, 5), (7, 0, 4, 6, 9, 1, 3, 2, 5, 8))
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)


def verhoeff_digit(digits: str) -> str:
    """The Verhoeff check digit to append to a string of digits (the SCTID check digit)."""
    c = 0
    for k, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(k + 1) % 8][int(ch)]]
    return str(_INV[c])


def verhoeff_ok(sctid: str) -> bool:
    c = 0
    for k, ch in enumerate(reversed(sctid)):
        c = _D[c][_P[k % 8][int(ch)]]
    return c == 0


def is_sctid(text: str) -> bool:
    """6-18 digits, no leading zero, a known partition, and a valid check digit."""
    return (isinstance(text, str) and 6 <= len(text) <= 18 and text.isdigit() and text[0] != "0"
            and text[-3:-1] in ("00", "01", "02", "10", "11", "12") and verhoeff_ok(text))
