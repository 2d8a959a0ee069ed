"""service.importers.rf2_spec: the SCTID check (Verhoeff check digit, partition) and the RF2 file layouts."""
from __future__ import annotations

import pytest

from rf2_fixture import IDS
from service.importers import rf2_spec as S

METADATA = [S.IS_A, S.INFERRED, S.FSN, S.SYNONYM, S.DEFINITION, S.EN_US, S.EN_GB, S.PREFERRED, S.ACCEPTABLE,
            S.PRIMITIVE, S.DEFINED, S.CASE_INSENSITIVE, S.EXISTENTIAL]


@pytest.mark.parametrize("sctid", METADATA + list(IDS.values()))
def test_published_and_fixture_ids_are_valid(sctid):
    assert S.is_sctid(sctid) and S.verhoeff_ok(sctid)
    assert S.verhoeff_digit(sctid[:-1]) == sctid[-1]


@pytest.mark.parametrize("sctid", METADATA + list(IDS.values()))
def test_every_wrong_check_digit_is_caught(sctid):
    for d in "0123456789":
        if d != sctid[-1]:
            assert not S.verhoeff_ok(sctid[:-1] + d)


def test_adjacent_transpositions_are_caught():
    """What a Verhoeff digit is for: swapping two neighbouring digits changes the check."""
    for sctid in METADATA + list(IDS.values()):
        for k in range(len(sctid) - 2):
            if sctid[k] != sctid[k + 1]:
                swapped = sctid[:k] + sctid[k + 1] + sctid[k] + sctid[k + 2:]
                assert not S.verhoeff_ok(swapped), (sctid, swapped)


@pytest.mark.parametrize("text", [
    "", "12345", "1" * 19,                       # 6-18 digits
    "0" + S.IS_A[1:],                           # no leading zero
    S.IS_A[:-1] + "x", " " + S.IS_A,            # digits only
    None, 116680003])
def test_malformed_ids_are_not_sctids(text):
    assert not S.is_sctid(text)


def test_the_partition_must_be_a_known_one():
    body = "1234567" + "99"                     # partition 99 does not exist
    assert not S.is_sctid(body + S.verhoeff_digit(body))
    body = "1234567" + "00"
    assert S.is_sctid(body + S.verhoeff_digit(body))


def test_file_layouts():
    assert set(S.FILES) == set(S.COLUMNS) | {"definition"}    # text definitions have the description layout
    assert S.COLUMNS["concept"][0] == "id" and S.COLUMNS["description"][7] == "term"
    assert all(cols[:4] == ["id", "effectiveTime", "active", "moduleId"] for cols in S.COLUMNS.values())
    assert S.DIALECTS == {S.EN_US: "en-US", S.EN_GB: "en-GB"}
