"""service.engine.compact_format: the preamble and header of a compact code-system file."""
from __future__ import annotations

import json

import pytest

from service.engine import compact_format as F


@pytest.mark.parametrize("n,padded", [(0, 0), (1, 8), (7, 8), (8, 8), (9, 16), (17, 24)])
def test_pad8_rounds_up_to_a_multiple_of_eight(n, padded):
    assert F.pad8(n) == padded


def test_the_header_is_json_padded_with_spaces_to_eight_bytes():
    header = {"resource": {"name": "Ünïcode"}, "count": 3}
    raw = F.encode_header(header)
    assert len(raw) % 8 == 0
    assert json.loads(raw.decode("utf-8")) == header
    assert raw.rstrip(b" ") == raw.strip() and set(raw[len(raw.rstrip(b" ")):]) <= {ord(" ")}
    assert "Ünïcode".encode("utf-8") in raw             # UTF-8, not \u escapes


def test_the_preamble_gives_the_header_length_after_checking_magic_and_version():
    good = F.PREAMBLE.pack(F.MAGIC, F.FORMAT_VERSION, 1234)
    assert F.PREAMBLE.size == 16
    assert F.decode_preamble(good + b"rest") == 1234


@pytest.mark.parametrize("buf,message", [
    (b"RRCS", "too short"),
    (F.PREAMBLE.pack(b"XXXX", F.FORMAT_VERSION, 8), "bad magic"),
    (F.PREAMBLE.pack(F.MAGIC, F.FORMAT_VERSION + 1, 8), f"version {F.FORMAT_VERSION + 1}")])
def test_a_file_of_another_kind_or_version_is_refused(buf, message):
    with pytest.raises(F.FormatError, match=message):
        F.decode_preamble(buf)


def test_the_flags_are_distinct_bits():
    flags = [F.FLAG_INACTIVE, F.FLAG_ABSTRACT, F.FLAG_DEPRECATED]
    assert all(f & (f - 1) == 0 for f in flags) and len(set(flags)) == 3
    assert F.NONE == 2**32 - 1 and F.EXTENSION == ".rrcs"
