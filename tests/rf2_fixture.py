"""The hand-made RF2 fixture (tests/fixtures/rf2, README there): ids by name and an imported provider."""
from __future__ import annotations

from helpers import FIXTURES

RF2 = FIXTURES / "rf2"
IDS = {"ROOT": "19999999103", "MOD": "29999999105", "RS": "39999999107", "ATTR": "49999999102",
       "P": "59999999104", "T": "69999999101", "RT": "79999999109", "IT": "89999999106", "RIT": "99999999108",
       "Q": "109999999109", "REC": "119999999106", "RHO": "129999999104", "SQ": "139999999102",
       "C": "149999999107", "CI": "159999999105", "EL": "169999999108", "CS": "179999999100",
       "OS": "189999999103"}
NAMES = {v: k for k, v in IDS.items()}


def import_fixture(out_dir):
    from service.engine.compact import CompactCodeSystem
    from service.importers import snomed
    path, summary = snomed.write(RF2, out_dir, progress=False)
    return CompactCodeSystem(path), summary
