"""service.spelling: British displays are derived, British forms in US text are found, proper names kept."""
from __future__ import annotations

import pytest

from service.spelling import british_forms, to_en_gb


@pytest.mark.parametrize("us, gb", [
    ("Acute lymphoblastic leukemia", "Acute lymphoblastic leukaemia"),
    ("Leukemia cells in cerebrospinal fluid", "Leukaemia cells in cerebrospinal fluid"),
    ("Sign of anemia", "Sign of anaemia"),
    ("Dyspnea", "Dyspnoea"),
    ("Hematology team", "Haematology team"),
    ("Change in behavior", "Change in behaviour"),
    ("Characterized by hospitalization", "Characterised by hospitalisation"),
    ("Pediatric ALL", "Paediatric ALL"),
    ("Fluorescence in situ hybridization", "Fluorescence in situ hybridisation"),
    ("Fever", "Fever"),
])
def test_to_en_gb(us, gb):
    assert to_en_gb(us) == gb
    assert british_forms(us) == []
    assert to_en_gb(gb) == gb


@pytest.mark.parametrize("text, found", [
    ("residual leukaemia cells", ["leukaemia"]),
    ("we recognise and characterise it", ["characterise", "recognise"]),
    ("the body's defences", ["defence"]),
    ("Anaemia", ["Anaemia"]),
])
def test_british_forms_found(text, found):
    assert british_forms(text) == found


@pytest.mark.parametrize("text", [
    "figures attributed to Leukaemia Care",      # a proper name
    "analysis by a specialist of the organism",  # US words that share a British stem
    "the characteristics of the disease",
    "patients fit enough to exercise",
])
def test_no_false_alarms(text):
    assert british_forms(text) == []
