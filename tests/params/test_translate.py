"""service.params.translate: $translate parameters of R4 and R5 -> one TranslateCall per coding."""
from __future__ import annotations

import pytest

from service import params as P
from service.errors import Invalid

SRC = "http://example.org/cs/src"
TGT_A = "http://example.org/cs/a"
MAP1 = "http://example.org/cm/one"


def test_params_r4_code_system_targetsystem():
    [call] = P.translate({"code": ["x"], "system": [SRC], "targetsystem": [TGT_A], "url": [f"{MAP1}|1.0"]}).calls
    assert (call.source_code, call.source_system, call.target_system) == ("x", SRC, TGT_A)
    assert (call.map_url, call.map_version, call.reverse) == (MAP1, "1.0", False)


def test_params_r4_reverse_flag():
    [call] = P.translate({"coding": [{"system": TGT_A, "code": "a1"}], "reverse": [True]}).calls
    assert call.reverse is True and call.reverse_shape == "source" and call.source_system == TGT_A


def test_params_r5_target_code_is_reverse_with_source_system_restriction():
    [call] = P.translate({"targetCode": ["a1"], "targetSystem": [TGT_A], "sourceSystem": [SRC]}).calls
    assert call.reverse is True and call.reverse_shape == "target"
    assert (call.source_code, call.source_system, call.target_system) == ("a1", TGT_A, SRC)


@pytest.mark.parametrize("params", [
    {},
    {"sourceCode": ["x"]},                                              # no system
    {"sourceCode": ["x"], "system": [SRC], "targetCode": ["y"]},        # two inputs
    {"targetCode": ["y"]},                                              # no targetSystem
    {"conceptMap": [{"resourceType": "ValueSet"}], "sourceCode": ["x"], "system": [SRC]},
])
def test_params_invalid(params):
    with pytest.raises(Invalid):
        P.translate(params)
