"""Build a compact code-system file (``service/engine/compact_format.py``) from an importer's draft.

An importer fills a ``Draft`` (codes, flags, displays, designations, is-a parents, single-valued
properties, refsets) in any order; ``write`` numbers the concepts in hierarchy pre-order,
computes the descendant intervals and the word index, and writes one file atomically.
"""
from __future__ import annotations

import os
import sys
import time
from array import array
from pathlib import Path

from ..engine.compact_format import (EXTENSION, FORMAT_VERSION, MAGIC, NONE, PREAMBLE, encode_header, pad8)
from ..engine.text_index import _WORD, fold


class Draft:
    """Concepts of one code system version, as an importer collects them."""

    def __init__(self, resource: dict, *, case_sensitive: bool = True):
        self.resource = resource
        self.case_sensitive = case_sensitive
        self.codes: list[str] = []
        self.index: dict[str, int] = {}
        self.flags = array("B")
        self.status: list[str | None] = []
        self.display: list[str | None] = []
        self.definition: list[str | None] = []
        self.designations: list[list[tuple[str, str | None, int]]] = []   # (value, lang, use index)
        self.parents: list[list[int]] = []
        self.props: dict[str, dict[int, str]] = {}
        self.refsets: dict[str, list[int]] = {}
        self.uses: list[dict | None] = [None]    # designation use codings; index 0 = no use
        self.roles: dict[str, int] = {}           # "fsn" / "preferred" -> index in uses

    def add(self, code: str, *, display: str | None = None, flags: int = 0, status: str | None = None) -> int:
        i = self.index.get(code)
        if i is not None:
            return i
        i = len(self.codes)
        self.index[code] = i
        self.codes.append(code)
        self.flags.append(flags)
        self.status.append(status)
        self.display.append(display)
        self.definition.append(None)
        self.designations.append([])
        self.parents.append([])
        return i

    def use(self, coding: dict) -> int:
        """The index of a designation use coding (added once)."""
        for k, u in enumerate(self.uses):
            if u == coding:
                return k
        self.uses.append(coding)
        return len(self.uses) - 1

    def set_prop(self, name: str, i: int, value: str | None) -> None:
        if value:
            self.props.setdefault(name, {})[i] = value

    def __len__(self) -> int:
        return len(self.codes)


# ---- numbering ------------------------------------------------------------------------
def _sort_key(d: Draft, i: int):
    text = d.display[i] or ""
    return (text.casefold(), d.codes[i])


def code_system_order(d: Draft) -> tuple[list[int], list[list[int]]]:
    """(order: old index per new number, children per old index sorted by display)."""
    n = len(d)
    children: list[list[int]] = [[] for _ in range(n)]
    for c, ps in enumerate(d.parents):
        for p in ps:
            children[p].append(c)
    for ch in children:
        if len(ch) > 1:
            ch.sort(key=lambda i: _sort_key(d, i))
    roots = [i for i in range(n) if not d.parents[i]]
    active_roots = sorted((i for i in roots if not d.flags[i] & 1 and children[i]), key=lambda i: _sort_key(d, i))
    seen = bytearray(n)
    order: list[int] = []
    for root in active_roots:
        stack = [root]
        while stack:
            cur = stack.pop()
            if seen[cur]:
                continue
            seen[cur] = 1
            order.append(cur)
            stack.extend(reversed([c for c in children[cur] if not seen[c]]))
    rest = [i for i in range(n) if not seen[i]]
    rest.sort(key=lambda i: (bool(d.flags[i] & 1), d.codes[i]))   # leftovers (incl. cycles): active, then by code
    order.extend(rest)
    return order, children


def descendant_intervals(n: int, children: list[list[int]]) -> list[list[int]]:
    """Per new number: descendants-or-self as flattened, merged [lo, hi) pairs (children in new numbers)."""
    reach: list[list[int] | None] = [None] * n
    state = bytearray(n)    # 0 new, 1 on stack, 2 done
    for start in range(n):
        if state[start]:
            continue
        stack = [start]
        while stack:
            v = stack[-1]
            if state[v] == 0:
                state[v] = 1
                stack.extend(c for c in children[v] if state[c] == 0)
                continue
            stack.pop()
            if state[v] == 2:
                continue
            state[v] = 2
            parts = [(v, v + 1)]
            for c in children[v]:
                r = reach[c]
                if r is not None:       # None only on a cycle: that edge adds nothing more
                    parts.extend(zip(r[0::2], r[1::2]))
            if len(parts) > 1:
                parts.sort()
            merged: list[int] = []
            for lo, hi in parts:
                if merged and lo <= merged[-1]:
                    if hi > merged[-1]:
                        merged[-1] = hi
                else:
                    merged.extend((lo, hi))
            reach[v] = merged
    return reach   # type: ignore[return-value]


# ---- writing --------------------------------------------------------------------------
class _Strings:
    def __init__(self):
        self.ids: dict[str, int] = {}
        self.off = array("I", [0])
        self.blob = bytearray()

    def id(self, s: str | None) -> int:
        if s is None:
            return NONE
        k = self.ids.get(s)
        if k is None:
            k = self.ids[s] = len(self.off) - 1
            self.blob += s.encode("utf-8")
            self.off.append(len(self.blob))
        return k


def _csr(rows) -> tuple[array, array]:
    off = array("I", [0])
    flat = array("I")
    for row in rows:
        flat.extend(row)
        off.append(len(flat))
    return off, flat


def _text_index(n: int, texts_of) -> dict[str, object]:
    by_tok_c: dict[str, list[int]] = {}
    by_tok_p: dict[str, list[int]] = {}
    pair_c = array("I")
    pair = 0
    for c in range(n):
        for text in texts_of(c):
            toks = {fold(w) for w in _WORD.findall(text)}
            for t in toks:
                lp = by_tok_p.get(t)
                if lp is None:
                    by_tok_p[t] = [pair]
                    by_tok_c[t] = [c]
                else:
                    lp.append(pair)
                    lc = by_tok_c[t]
                    if lc[-1] != c:
                        lc.append(c)
            pair_c.append(c)
            pair += 1
    tokens = sorted(by_tok_c)
    tok_off = array("I", [0])
    tok = bytearray()
    for t in tokens:
        tok += t.encode("utf-8")
        tok_off.append(len(tok))
    conc = [by_tok_c[t] for t in tokens]
    pairs = [by_tok_p[t] for t in tokens]
    tokc_off, tokc = _csr(conc)
    tokp_off, tokp = _csr(pairs)
    out = {"tok_off": tok_off, "tok": bytes(tok), "tokc_off": tokc_off, "tokc": tokc,
           "tokp_off": tokp_off, "tokp": tokp, "pair_c": pair_c}
    out.update(_heavy_prefixes(tokens, conc, pairs))
    return out


HEAVY = 1000   # a prefix matching several words with at least this many postings gets its union stored


def _heavy_prefixes(tokens: list[str], conc: list[list[int]], pairs: list[list[int]]) -> dict[str, array]:
    """Merged postings of every token range that a prefix selects, spans 2+ tokens and is heavy.

    A text-filter term is a prefix, i.e. a range of the sorted tokens; for a short or common
    prefix the union of many postings is the whole cost of a query, so it is computed here once.
    Ranges are keyed by ``lo << 32 | hi`` (sorted); sub-ranges are only explored under heavy ones.
    """
    found: dict[tuple[int, int], None] = {}
    todo = [(0, len(tokens), 1)]          # (lo, hi, prefix length to split by)
    while todo:
        lo, hi, depth = todo.pop()
        k = lo
        while k < hi:
            t = tokens[k]
            if len(t) < depth:
                k += 1
                continue
            prefix = t[:depth]
            end = k + 1
            while end < hi and tokens[end].startswith(prefix):
                end += 1
            if end - k >= 2 and sum(len(conc[x]) for x in range(k, end)) >= HEAVY:
                found[(k, end)] = None
                todo.append((k, end, depth + 1))
            k = end
    keys = sorted(found)
    hv_key = array("Q", ((lo << 32) | hi for lo, hi in keys))
    hvc_off, hvc = _csr(sorted({c for x in range(lo, hi) for c in conc[x]}) for lo, hi in keys)
    hvp_off, hvp = _csr(sorted({p for x in range(lo, hi) for p in pairs[x]}) for lo, hi in keys)
    return {"hv_key": hv_key, "hvc_off": hvc_off, "hvc": hvc, "hvp_off": hvp_off, "hvp": hvp}


def build_sections(d: Draft, log=None) -> tuple[dict, dict[str, object]]:
    """(header tables, sections) for a draft."""
    log = log or (lambda msg: None)
    n = len(d)
    t0 = time.monotonic()
    order, children_old = code_system_order(d)
    new_of = array("I", bytes(4 * n))
    for new, old in enumerate(order):
        new_of[old] = new
    children = [sorted(new_of[c] for c in children_old[old]) for old in order]
    parents = [[new_of[p] for p in d.parents[old]] for old in order]
    log(f"ordered {n} concepts ({time.monotonic() - t0:.1f} s)")
    reach = descendant_intervals(n, children)
    n_intervals = sum(len(r) for r in reach) // 2
    log(f"descendant intervals: {n_intervals} ({n_intervals / max(n, 1):.2f} per concept, "
        f"{time.monotonic() - t0:.1f} s)")
    strings = _Strings()
    langs: list[str | None] = [None]
    lang_ix: dict[str | None, int] = {None: 0}
    statuses: list[str | None] = [None]
    status_ix: dict[str | None, int] = {None: 0}
    sec: dict[str, object] = {}
    code = array("I")
    display = array("I")
    definition = array("I")
    flags = array("B")
    status = array("B")
    des_off = array("I", [0])
    des_str, des_lang, des_use = array("I"), array("B"), array("B")
    too_many = "too many distinct languages, statuses or designation uses (at most 255 each)"
    if len(d.uses) > 255:
        raise ValueError(too_many)
    try:
        for old in order:
            code.append(strings.id(d.codes[old]))
            display.append(strings.id(d.display[old]))
            definition.append(strings.id(d.definition[old]))
            flags.append(d.flags[old])
            st = d.status[old]
            if st not in status_ix:
                status_ix[st] = len(statuses)
                statuses.append(st)
            status.append(status_ix[st])
            for value, lang, use in d.designations[old]:
                if lang not in lang_ix:
                    lang_ix[lang] = len(langs)
                    langs.append(lang)
                des_str.append(strings.id(value))
                des_lang.append(lang_ix[lang])
                des_use.append(use)
            des_off.append(len(des_str))
    except OverflowError:   # an index past 255 in a byte array: the languages or statuses
        raise ValueError(too_many) from None
    if len(langs) > 255 or len(statuses) > 255:
        raise ValueError(too_many)
    fold_code = (lambda b: b) if d.case_sensitive else bytes.lower   # ASCII folding, as the reader does
    sec["code_sorted"] = array("I", sorted(range(n), key=lambda i: fold_code(d.codes[order[i]].encode("utf-8"))))
    sec.update(code=code, display=display, definition=definition, flags=flags, status=status,
               des_off=des_off, des_str=des_str, des_lang=des_lang, des_use=des_use)
    sec["par_off"], sec["par"] = _csr(parents)
    sec["chi_off"], sec["chi"] = _csr(children)
    sec["reach_off"], sec["reach"] = _csr(reach)
    sec["reach_n"] = array("I", (sum(r[k + 1] - r[k] for k in range(0, len(r), 2)) for r in reach))
    refset_codes = sorted(d.refsets)
    sec["ref_off"], sec["ref"] = _csr(sorted({new_of[m] for m in d.refsets[r]}) for r in refset_codes)
    props = sorted(d.props)
    for p in props:
        values = d.props[p]
        col = array("I", bytes(4 * n))
        by_value: dict[str, list[int]] = {}
        for old, v in values.items():
            col[new_of[old]] = strings.id(v) + 1
            by_value.setdefault(v, []).append(new_of[old])
        distinct = sorted(by_value)
        sec[f"prop.{p}"] = col
        sec[f"pv.{p}"] = array("I", (strings.id(v) for v in distinct))
        sec[f"pv_off.{p}"], sec[f"pv_ids.{p}"] = _csr(sorted(by_value[v]) for v in distinct)

    def texts_of(c: int) -> list[str]:
        old = order[c]
        out = [d.display[old]] if d.display[old] else []
        out.extend(v for v, _l, _u in d.designations[old])
        out.append(d.codes[old])
        return list(dict.fromkeys(out))
    sec.update(_text_index(n, texts_of))
    log(f"word index: {len(sec['tok_off']) - 1} tokens, {len(sec['pair_c'])} texts ({time.monotonic() - t0:.1f} s)")
    sec["str_off"], sec["str"] = strings.off, bytes(strings.blob)
    tables = {"langs": langs, "uses": d.uses, "roles": d.roles, "statuses": statuses, "refsets": refset_codes, "props": props,
              "count": n, "intervals": n_intervals}
    return tables, sec


def write(d: Draft, path: str | Path, *, log=None) -> Path:
    """Write the draft as one compact file (atomically: a temporary file renamed into place)."""
    path = Path(path)
    if path.suffix != EXTENSION:
        path = path.with_name(path.name + EXTENSION)   # not with_suffix: "loinc-2.77" has a dot
    tables, sec = build_sections(d, log)
    header = {"format": FORMAT_VERSION, "resource": d.resource, "case_sensitive": d.case_sensitive, **tables}
    layout: dict[str, list] = {}
    blobs: list[tuple[str, bytes]] = []
    for name, data in sec.items():
        if isinstance(data, array):
            blobs.append((name, data.tobytes()))
            layout[name] = [0, len(data) * data.itemsize, data.typecode]
        else:
            blobs.append((name, bytes(data)))
            layout[name] = [0, len(data), "s"]
    # two passes: the header's length depends on the offsets it lists
    hbytes = b""
    for _ in range(8):
        offset = pad8(PREAMBLE.size + len(hbytes))
        for name, raw in blobs:
            layout[name][0] = offset
            offset = pad8(offset + len(raw))
        new = encode_header({**header, "sections": layout})
        stable = len(new) == len(hbytes)
        hbytes = new
        if stable:
            break
    else:  # pragma: no cover - the length settles after two or three rounds
        raise RuntimeError("header length did not settle")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(PREAMBLE.pack(MAGIC, FORMAT_VERSION, len(hbytes)))
        fh.write(hbytes)
        for name, raw in blobs:
            fh.seek(layout[name][0])
            fh.write(raw)
    os.replace(tmp, path)
    return path


def stderr_log(enabled: bool):
    def log(msg: str) -> None:
        if enabled:
            print(msg, file=sys.stderr, flush=True)
    return log
