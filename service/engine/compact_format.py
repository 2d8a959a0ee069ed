"""The compact code-system file (``*.rrcs``): layout, shared by the writer and the reader.

One file per code system version, designed to be memory-mapped: plain little-endian arrays and a
UTF-8 string heap, never executable data (no pickle). Every worker that maps the same file shares
its pages through the OS page cache, so a 350,000-concept terminology costs each process only the
few Python objects made for the concepts a request touches.

Layout::

    b"RRCS" + u32 format version + u64 header length      (16 bytes)
    header: UTF-8 JSON (see below), padded with spaces to a multiple of 8
    sections: raw arrays, each starting at a multiple of 8 (offsets are from the file start)

The header holds the CodeSystem metadata (``resource``: the R5-shaped resource without concepts),
the tables the arrays index into (``langs``, ``uses``, ``statuses``, ``refsets``, ``props``) and
``sections``: name -> [offset, byte length, typecode] where typecode is ``I`` (u32), ``B`` (u8)
or ``s`` (bytes).

Concepts are numbered 0..n-1 in *code-system order*: a depth-first pre-order of the hierarchy
(children by display), concepts outside it (e.g. inactive SNOMED concepts) last. So the
descendants of a concept are few contiguous runs of numbers (``reach``).

Sections (n concepts, S strings, D designations, T tokens, P text pairs, R refsets):

=================  =========  ===========================================================
name               type       meaning
=================  =========  ===========================================================
str_off, str       I[S+1], s  the string heap: string k is str[str_off[k]:str_off[k+1]]
code               I[n]       string id of the code
code_sorted        I[n]       concept numbers sorted by code bytes (folded if not case sensitive)
display            I[n]       string id of the display, NONE if none
definition         I[n]       string id of the definition, NONE if none
flags              B[n]       1 inactive, 2 abstract (not selectable), 4 deprecated
status             B[n]       index into header ``statuses`` (0 = none)
des_off            I[n+1]     designations of concept i: des_*[des_off[i]:des_off[i+1]]
des_str            I[D]       string id of the designation value
des_lang, des_use  B[D]       index into header ``langs`` / ``uses`` (0 = none)
par_off, par       I[n+1], I  direct parents (is-a) of concept i
chi_off, chi       I[n+1], I  direct children, ascending
reach_off, reach   I[n+1], I  descendants-or-self as flattened [lo, hi) pairs, ascending
reach_n            I[n]       number of descendants-or-self
ref_off, ref       I[R+1], I  members of refset r (ascending concept numbers)
prop.<p>           I[n]       string id + 1 of property p's value (0 = none), one per property
pv.<p>             I[V]       distinct value string ids of p, sorted by value text
pv_off.<p>, pv_ids.<p>  I     concepts having value k of p: pv_ids[pv_off[k]:pv_off[k+1]]
tok_off, tok       I[T+1], s  sorted distinct folded words of the concept texts
tokc_off, tokc     I[T+1], I  concepts having token t (ascending)
tokp_off, tokp     I[T+1], I  text pairs having token t (ascending)
pair_c             I[P]       concept of each text pair (pairs are numbered in concept order)
=================  =========  ===========================================================

A concept's texts (for the text filter) are its display, its designation values and its code,
as in ``text_index.concept_texts``; a "pair" is one distinct text of one concept.
"""
from __future__ import annotations

import json
import struct
import sys

MAGIC = b"RRCS"
FORMAT_VERSION = 1
NONE = 0xFFFFFFFF
PREAMBLE = struct.Struct("<4sIQ")
EXTENSION = ".rrcs"

FLAG_INACTIVE = 1
FLAG_ABSTRACT = 2
FLAG_DEPRECATED = 4

if sys.byteorder != "little":   # pragma: no cover - every platform we run on is little-endian
    raise ImportError("the compact code-system format is read by memory mapping little-endian arrays")


class FormatError(Exception):
    """A file that is not a compact code system of a version this code reads."""


def pad8(n: int) -> int:
    return (n + 7) & ~7


def encode_header(header: dict) -> bytes:
    raw = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return raw + b" " * (pad8(len(raw)) - len(raw))


def decode_preamble(buf) -> int:
    """The header length, after checking magic and version."""
    if len(buf) < PREAMBLE.size:
        raise FormatError("file too short")
    magic, version, hlen = PREAMBLE.unpack_from(buf, 0)
    if magic != MAGIC:
        raise FormatError("not a compact code-system file (bad magic)")
    if version != FORMAT_VERSION:
        raise FormatError(f"compact format version {version}; this code reads version {FORMAT_VERSION}")
    return hlen
