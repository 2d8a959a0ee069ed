"""A deterministic synthetic SNOMED CT RF2 Snapshot release, for scale tests (issue #15).

    python -m bench.synth_rf2 --concepts 350000 --out build/synth-rf2-350k [--seed 15]

Everything in it is made up: the identifiers are long-format SCTIDs (valid partition and
Verhoeff check digit) in namespace 9999999, which SNOMED International has not allocated, so no
id can be a real concept; the terms are pseudo-words. Only the format's own metadata ids (is-a,
description types, language refsets, acceptability; ``service/importers/rf2_spec.py``) are real.

Shape: one root, 18 top-level hierarchies, 10-20 levels, ~1.45 is-a parents per concept
(inferred, non-redundant: an extra parent is never a parent of another), FSN + preferred term
+ ~0.5 other synonyms (~2.5 descriptions per concept), a US/GB spelling pair for ~10 % of
concepts (the GB form preferred only in the en-GB language refset), text definitions for 3 %,
~1 % inactive concepts (with their is-a rows inactive), two simple refsets, some attribute
relationships the importer must skip, and inactive member rows it must ignore.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

from service.importers.rf2_spec import (ACCEPTABLE, CASE_INSENSITIVE, COLUMNS, DEFINED, DEFINITION, EN_GB, EN_US,
                                        EXISTENTIAL, FSN, INFERRED, IS_A, PREFERRED, PRIMITIVE, SYNONYM,
                                        verhoeff_digit)

NAMESPACE = "9999999"
EFFECTIVE = "20240301"
TAG = "ZZ" + NAMESPACE
TOP_LEVELS = 18
_ONSETS = ["b", "c", "d", "f", "g", "l", "m", "n", "p", "r", "s", "t", "v", "br", "cl", "dr", "gr", "pl", "st", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "ae", "io", "ou"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "x", "th"]
_DIALECT = [("or", "our"), ("ization", "isation"), ("emia", "aemia"), ("ter", "tre"), ("edema", "oedema"),
            ("ize", "ise")]


def sctid(item: int, partition: str) -> str:
    """A long-format SCTID: item + namespace + partition (10 concept, 11 description, 12 relationship) + check."""
    body = f"{item}{NAMESPACE}{partition}"
    return body + verhoeff_digit(body)


class Vocabulary:
    def __init__(self, rng: random.Random, size: int):
        words: list[str] = []
        seen: set[str] = set()
        self.gb: dict[str, str] = {}
        while len(words) < size:
            w = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
            if rng.random() < 0.04:
                us, gb = rng.choice(_DIALECT)
                w, w_gb = w + us, w + gb
            else:
                w_gb = None
            if len(w) > 2 and w not in seen:
                seen.add(w)
                words.append(w)
                if w_gb:
                    self.gb[w] = w_gb
        self.words = words
        self.rng = rng

    def phrase(self, k: int) -> list[str]:
        n = len(self.words)
        return [self.words[int(n * self.rng.random() ** 2.2)] for _ in range(k)]


def _term(words: list[str]) -> str:
    text = " ".join(words)
    return text[0].upper() + text[1:]


class Release:
    """The generated content, in memory (a few hundred bytes per concept)."""

    def __init__(self, concepts: int, seed: int):
        rng = self.rng = random.Random(seed)
        self.vocab = Vocabulary(rng, max(2000, min(60000, concepts // 4)))
        self.next_item = {"10": 100, "11": 100, "12": 100}
        self.ids: list[str] = []
        self.level: list[int] = []
        self.top: list[int] = []
        self.parents: list[list[int]] = []
        self.children: list[list[int]] = []
        self.pt: list[list[str]] = []
        self.tag: list[str] = []
        self.active: list[bool] = []
        self.module = self._new(0, -1, ["synthetic", "module"], "metadata")   # first id; placed under the root below
        self.root = self._new(0, -1, ["synthetic", "root"], "metadata")
        self.parents[self.module] = [self.root]
        self.children[self.root].append(self.module)
        self.level[self.module] = 1
        self.tags = [w for w in self.vocab.phrase(TOP_LEVELS * 3) if w not in self.vocab.gb][:TOP_LEVELS]
        tops = [self._new(1, self.root, self.vocab.phrase(2), self.tags[k]) for k in range(len(self.tags))]
        for k, t in enumerate(tops):
            self.top[t] = k
        self.refsets = [self._new(2, self.module, ["synthetic", "simple", "refset", w], "metadata")
                        for w in ("one", "two")]
        self.attribute = self._new(2, self.module, ["synthetic", "attribute"], "metadata")
        self._grow(concepts - len(self.ids), tops)
        self._inactivate()

    def _new(self, level: int, parent: int, words: list[str], tag: str) -> int:
        i = len(self.ids)
        self.ids.append(sctid(self._item("10"), "10"))
        self.level.append(level)
        self.top.append(self.top[parent] if parent >= 0 else -1)
        self.parents.append([parent] if parent >= 0 else [])
        self.children.append([])
        if parent >= 0:
            self.children[parent].append(i)
        self.pt.append(words)
        self.tag.append(tag)
        self.active.append(True)
        return i

    def _item(self, partition: str) -> int:
        self.next_item[partition] += 1
        return self.next_item[partition]

    def _grow(self, remaining: int, tops: list[int]) -> None:
        rng = self.rng
        depth_max = 12 + min(6, max(0, remaining.bit_length() - 12))     # 12 levels at 4k, 18 at 350k
        levels = sorted(2 + sum(rng.random() < 0.42 for _ in range(depth_max - 2)) for _ in range(remaining))
        by_level: dict[int, list[int]] = {1: list(tops)}
        by_top_level: dict[tuple[int, int], list[int]] = {(self.top[t], 1): [t] for t in tops}
        for lv in levels:
            pool = by_level.get(lv - 1) or by_level[max(k for k in by_level if k < lv)]
            parent = pool[int(len(pool) * rng.random() ** 1.6)]
            node = self._new(lv, parent, self.vocab.phrase(rng.choice((1, 2, 2, 3, 3, 3, 4, 5))), self.tag[parent])
            self.level[node] = self.level[parent] + 1
            self._extra_parents(node, parent, by_top_level)
            by_level.setdefault(self.level[node], []).append(node)
            by_top_level.setdefault((self.top[node], self.level[node]), []).append(node)

    def _extra_parents(self, node: int, primary: int, by_top_level) -> None:
        rng = self.rng
        r = rng.random()
        extra = 2 if r < 0.1 else 1 if r < 0.55 else 0
        if self.level[primary] < 2:
            return
        for _ in range(extra):
            if rng.random() < 0.7:
                grand = self.parents[primary][0]
                cands = self.children[grand]
            else:
                cands = by_top_level.get((self.top[node], self.level[primary] - rng.choice((0, 1))), [])
            if not cands:
                continue
            c = cands[rng.randrange(len(cands))]
            chosen = self.parents[node]
            if (c in chosen or c == node or any(c in self.parents[p] or p in self.parents[c] for p in chosen)
                    or self.level[c] >= self.level[node]):
                continue
            chosen.append(c)
            self.children[c].append(node)

    def _inactivate(self) -> None:
        leaves = [i for i in range(len(self.ids)) if not self.children[i] and self.level[i] >= 3]
        for i in self.rng.sample(leaves, max(1, len(self.ids) // 100)):
            self.active[i] = False


class Writer:
    def __init__(self, out: Path, release: Release):
        self.out, self.r = out, release
        self.snap = out / "Snapshot"
        self.module = release.ids[release.module]

    def _file(self, folder: str, name: str, kind: str):
        path = self.snap / folder / f"{name}_{TAG}_{EFFECTIVE}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "w", encoding="utf-8", newline="")
        fh.write("\t".join(COLUMNS[kind]) + "\r\n")
        return fh

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.r.rng.getrandbits(128), version=4))

    def write(self) -> dict:
        r = self.r
        counts = {"concepts": 0, "descriptions": 0, "definitions": 0, "relationships": 0, "language": 0,
                  "refset members": 0}
        with self._file("Terminology", "sct2_Concept_Snapshot", "concept") as fh:
            for i, sid in enumerate(r.ids):
                status = DEFINED if r.rng.random() < 0.3 else PRIMITIVE
                fh.write(f"{sid}\t{EFFECTIVE}\t{int(r.active[i])}\t{self.module}\t{status}\r\n")
                counts["concepts"] += 1
        with self._file("Terminology", "sct2_Description_Snapshot-en", "description") as fd, \
                self._file("Terminology", "sct2_TextDefinition_Snapshot-en", "description") as ft, \
                self._file("Refset/Language", "der2_cRefset_LanguageSnapshot-en", "language") as fl:
            for i, sid in enumerate(r.ids):
                lang_rows: list[tuple[str, str, str]] = []
                counts["descriptions"] += self._descriptions(fd, i, sid, lang_rows)
                if r.rng.random() < 0.03:
                    did = sctid(r._item("11"), "11")
                    text = f"Synthetic definition: a kind of {' '.join(r.pt[r.parents[i][0]] if r.parents[i] else ['thing'])}."
                    ft.write(f"{did}\t{EFFECTIVE}\t1\t{self.module}\t{sid}\ten\t{DEFINITION}\t{text}\t"
                             f"{CASE_INSENSITIVE}\r\n")
                    lang_rows.append((did, EN_US, PREFERRED))
                    lang_rows.append((did, EN_GB, PREFERRED))
                    counts["definitions"] += 1
                for did, refset, acc in lang_rows:
                    fl.write(f"{self._uuid()}\t{EFFECTIVE}\t1\t{self.module}\t{refset}\t{did}\t{acc}\r\n")
                counts["language"] += len(lang_rows)
        counts["relationships"] = self._relationships()
        counts["refset members"] = self._refsets()
        return counts

    def _descriptions(self, fh, i: int, sid: str, lang_rows: list) -> int:
        r = self.r
        words = r.pt[i]
        gb_words = [r.vocab.gb.get(w, w) for w in words]
        rows = [(FSN, f"{_term(words)} ({r.tag[i]})", {EN_US: PREFERRED, EN_GB: PREFERRED})]
        if gb_words != words:
            rows.append((SYNONYM, _term(words), {EN_US: PREFERRED}))
            rows.append((SYNONYM, _term(gb_words), {EN_GB: PREFERRED}))
        else:
            rows.append((SYNONYM, _term(words), {EN_US: PREFERRED, EN_GB: PREFERRED}))
        x = r.rng.random()
        for _ in range(2 if x < 0.05 else 1 if x < 0.45 else 0):
            extra = words[:1] + r.vocab.phrase(r.rng.choice((1, 2, 3)))
            rows.append((SYNONYM, _term(extra), {EN_US: ACCEPTABLE, EN_GB: ACCEPTABLE}))
        for type_id, term, acceptability in rows:
            did = sctid(r._item("11"), "11")
            fh.write(f"{did}\t{EFFECTIVE}\t1\t{self.module}\t{sid}\ten\t{type_id}\t{term}\t{CASE_INSENSITIVE}\r\n")
            lang_rows.extend((did, refset, acc) for refset, acc in acceptability.items())
        return len(rows)

    def _relationships(self) -> int:
        r = self.r
        n = 0
        with self._file("Terminology", "sct2_Relationship_Snapshot", "relationship") as fh:
            for i, sid in enumerate(r.ids):
                for p in r.parents[i]:
                    rid = sctid(r._item("12"), "12")
                    fh.write(f"{rid}\t{EFFECTIVE}\t{int(r.active[i])}\t{self.module}\t{sid}\t{r.ids[p]}\t0\t{IS_A}\t"
                             f"{INFERRED}\t{EXISTENTIAL}\r\n")
                    n += 1
                if r.active[i] and r.level[i] >= 2 and r.rng.random() < 0.1:
                    rid = sctid(r._item("12"), "12")
                    dest = r.ids[r.rng.randrange(len(r.ids))]
                    fh.write(f"{rid}\t{EFFECTIVE}\t1\t{self.module}\t{sid}\t{dest}\t1\t{r.ids[r.attribute]}\t"
                             f"{INFERRED}\t{EXISTENTIAL}\r\n")
                    n += 1
        return n

    def _refsets(self) -> int:
        r = self.r
        n = 0
        with self._file("Refset/Content", "der2_Refset_SimpleSnapshot", "simple") as fh:
            for refset in r.refsets:
                members = sorted(r.rng.sample(range(len(r.ids)), max(3, len(r.ids) // 50)))
                for k, m in enumerate(members):
                    active = 0 if k % 97 == 5 else 1      # a few retired memberships
                    fh.write(f"{self._uuid()}\t{EFFECTIVE}\t{active}\t{self.module}\t{r.ids[refset]}\t{r.ids[m]}\r\n")
                    n += 1
        return n


def generate(out: str | Path, concepts: int, seed: int = 15) -> dict:
    """Write the release under out/Snapshot; returns counts and the ids worth knowing."""
    release = Release(concepts, seed)
    counts = Writer(Path(out), release).write()
    r = release
    parents = sum(len(p) for i, p in enumerate(r.parents) if r.active[i] and r.level[i] >= 2)
    with_parents = sum(1 for i in range(len(r.ids)) if r.active[i] and r.level[i] >= 2)
    return {**counts, "root": r.ids[r.root], "module": r.ids[r.module], "effectiveTime": EFFECTIVE,
            "refsets": [r.ids[x] for x in r.refsets], "max_level": max(r.level),
            "parents_per_concept": round(parents / max(with_parents, 1), 2),
            "inactive": r.active.count(False)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--concepts", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    info = generate(args.out, args.concepts, args.seed)
    print(f"wrote {args.out} in {time.monotonic() - t0:.1f} s: {info}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
