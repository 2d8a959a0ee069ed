"""service.engine.supplements: resolving and applying CodeSystem supplements."""
from __future__ import annotations

import pytest

from helpers import ANIMALS, BASE
from service.engine.supplements import (extra_designations, for_system, requested_supplements,
                                        resolve_supplements)
from service.errors import TerminologyError

SUPPLEMENT = f"{BASE}/CodeSystem/animals-supplement"


def test_requested_from_parameter_and_valueset_extension():
    vs = {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/valueset-supplement",
                         "valueCanonical": "http://x/sup2"}]}
    got = requested_supplements(("http://x/sup1", "http://x/sup1"), vs)
    assert got == ["http://x/sup1", "http://x/sup2"]


def test_resolve_and_apply(registry):
    sups = resolve_supplements(registry, None, [SUPPLEMENT])
    assert [s.url for s in sups] == [SUPPLEMENT]
    assert for_system(sups, ANIMALS) == sups and for_system(sups, "http://other") == []
    des = extra_designations(sups, "dog")
    assert {"language": "fr", "value": "Chien"}.items() <= des[0].items()
    assert des[0]["_source"].startswith(SUPPLEMENT)


def test_missing_supplement_is_an_error(registry):
    with pytest.raises(TerminologyError) as info:
        resolve_supplements(registry, None, ["http://nowhere.org/cs"])
    assert "Required supplement not found" in info.value.message
    assert info.value.status == 422


def test_a_code_system_that_is_not_a_supplement_is_refused(registry):
    with pytest.raises(TerminologyError):
        resolve_supplements(registry, None, [ANIMALS])
