"""A small deterministic synthetic LOINC release (Loinc.csv + ComponentHierarchyBySystem.csv) for tests.

    python -m bench.synth_loinc --terms 300 --out build/synth-loinc

Made up throughout: term codes are 7-digit numbers from 9990001 (beyond any LOINC number issued)
with a mod-10 check digit, part codes LP9990001-x and up; names are pseudo-words. The column names
are those of the LOINC table and hierarchy files.
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

COLUMNS = ["LOINC_NUM", "COMPONENT", "PROPERTY", "TIME_ASPCT", "SYSTEM", "SCALE_TYP", "METHOD_TYP", "CLASS",
           "VersionLastChanged", "CHNG_TYPE", "DefinitionDescription", "STATUS", "CONSUMER_NAME", "CLASSTYPE",
           "FORMULA", "EXMPL_ANSWERS", "SURVEY_QUEST_TEXT", "SURVEY_QUEST_SRC", "UNITSREQUIRED", "RELATEDNAMES2",
           "SHORTNAME", "ORDER_OBS", "HL7_FIELD_SUBFIELD_ID", "EXTERNAL_COPYRIGHT_NOTICE", "EXAMPLE_UNITS",
           "LONG_COMMON_NAME", "EXAMPLE_UCUM_UNITS", "STATUS_REASON", "STATUS_TEXT", "CHANGE_REASON_PUBLIC",
           "COMMON_TEST_RANK", "COMMON_ORDER_RANK", "HL7_ATTACHMENT_STRUCTURE", "EXTERNAL_COPYRIGHT_LINK",
           "PanelType", "AskAtOrderEntry", "AssociatedObservations", "VersionFirstReleased",
           "ValidHL7AttachmentRequest", "DisplayName"]
HIERARCHY = ["PATH_TO_ROOT", "SEQUENCE", "IMMEDIATE_PARENT", "CODE", "CODE_TEXT"]
PROPERTIES = ["MCnc", "NCnc", "Prid", "Find", "ACnc"]
TIMES = ["Pt", "24H"]
SYSTEMS = ["Bld", "BldMar", "Ser/Plas", "CSF", "Urine"]
SCALES = ["Qn", "Ord", "Nom"]
METHODS = ["", "", "FC", "Molgen"]
STATUSES = ["ACTIVE"] * 12 + ["TRIAL", "DISCOURAGED", "DEPRECATED"]


def check_digit(number: str) -> str:
    """A mod-10 (Luhn) check digit."""
    total = 0
    for k, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if k % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def code(n: int, prefix: str = "") -> str:
    return f"{prefix}{n}-{check_digit(str(n))}"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(rng.choice((2, 3)))).capitalize()


def generate(out: str | Path, terms: int = 300, seed: int = 15) -> dict:
    rng = random.Random(seed)
    out = Path(out)
    (out / "LoincTable").mkdir(parents=True, exist_ok=True)
    hier_dir = out / "AccessoryFiles" / "ComponentHierarchyBySystem"
    hier_dir.mkdir(parents=True, exist_ok=True)
    part_n = iter(range(9990001, 9999999))
    root = code(next(part_n), "LP")
    classes = [(code(next(part_n), "LP"), f"SYNCLASS{k}") for k in range(4)]
    components = [(code(next(part_n), "LP"), _word(rng), rng.randrange(len(classes))) for _ in range(max(3, terms // 8))]
    hrows = [["", "1", "", root, "Synthetic laboratory"]]
    for k, (c, name) in enumerate(classes):
        hrows.append([root, str(k + 1), root, c, name])
    for k, (c, name, cl) in enumerate(components):
        hrows.append([f"{root}.{classes[cl][0]}", str(k + 1), classes[cl][0], c, name])
    rows = []
    for t in range(terms):
        num = code(9990001 + t)
        comp = components[rng.randrange(len(components))]
        prop, time_, system, scale = (rng.choice(PROPERTIES), rng.choice(TIMES), rng.choice(SYSTEMS),
                                      rng.choice(SCALES))
        method = rng.choice(METHODS)
        status = rng.choice(STATUSES)
        long_name = f"{comp[1]} [{prop}] in {system}" + (f" by {method}" if method else "")
        short = f"{comp[1][:6]} {system} {scale}"
        row = dict.fromkeys(COLUMNS, "")
        row.update(LOINC_NUM=num, COMPONENT=comp[1], PROPERTY=prop, TIME_ASPCT=time_, SYSTEM=system,
                   SCALE_TYP=scale, METHOD_TYP=method, CLASS=classes[comp[2]][1],
                   VersionLastChanged=rng.choice(["9.01", "9.02", "9.10"]), STATUS=status, CLASSTYPE="1",
                   SHORTNAME=short, LONG_COMMON_NAME=long_name, VersionFirstReleased="9.01",
                   DisplayName=f"{comp[1]} {system}")
        rows.append(row)
        parents = [comp] + ([components[rng.randrange(len(components))]] if rng.random() < 0.2 else [])
        for p in dict.fromkeys(x[0] for x in parents):
            cl = next(x for x in components if x[0] == p)[2]
            hrows.append([f"{root}.{classes[cl][0]}.{p}", str(t + 1), p, num, long_name])
    with open(out / "LoincTable" / "Loinc.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, COLUMNS, quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(rows)
    with open(hier_dir / "ComponentHierarchyBySystem.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(HIERARCHY)
        w.writerows(hrows)
    return {"terms": terms, "parts": 1 + len(classes) + len(components), "root": root,
            "statuses": {s: sum(r["STATUS"] == s for r in rows) for s in set(STATUSES)}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terms", type=int, default=300)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    print(generate(args.out, args.terms, args.seed), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
