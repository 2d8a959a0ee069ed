"""The consistency check's harness: the operations as an integrator calls them, and the report.

``Server`` calls the same operation handlers the HTTP API calls (``service.operations``), with the same
parameter typing and R5 -> R4 conversion, but without HTTP: every answer of the check is an answer the API
would give. ``Report`` counts what was checked per invariant and keeps the disagreements (and what could not
be checked, with the reason) for printing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .. import operations
from .. import params as P
from ..convert import r5_to_r4, translate_result_r5_to_r4
from ..engine.expansion_memo import ExpansionMemo
from ..errors import TerminologyError

SHOWN_PER_INVARIANT = 25   # disagreements listed in full per invariant; all are counted


@dataclass
class Invariant:
    name: str
    checked: int = 0
    disagreements: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)    # reason -> how many

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


class Report:
    """Counts per invariant; ``ok`` when nothing disagreed."""

    def __init__(self):
        self.invariants: dict[str, Invariant] = {}
        self.resources: dict[str, int] = {}

    def invariant(self, name: str) -> Invariant:
        return self.invariants.setdefault(name, Invariant(name))

    def check(self, name: str, ok: bool, what: str) -> bool:
        inv = self.invariant(name)
        inv.checked += 1
        if not ok:
            inv.disagreements.append(what)
        return ok

    @property
    def disagreements(self) -> int:
        return sum(len(i.disagreements) for i in self.invariants.values())

    @property
    def ok(self) -> bool:
        return self.disagreements == 0

    def lines(self) -> list[str]:
        out = ["content: " + ", ".join(f"{n} {k}s" for k, n in self.resources.items())]
        for inv in self.invariants.values():
            out.append(f"{inv.name}: {inv.checked} checked, {len(inv.disagreements)} disagreements")
            for reason, n in sorted(inv.skipped.items(), key=lambda kv: -kv[1]):
                out.append(f"    not checkable ({n}): {reason}")
            for what in inv.disagreements[:SHOWN_PER_INVARIANT]:
                out.append(f"    DISAGREES: {what}")
            if len(inv.disagreements) > SHOWN_PER_INVARIANT:
                out.append(f"    ... and {len(inv.disagreements) - SHOWN_PER_INVARIANT} more")
        total = sum(i.checked for i in self.invariants.values())
        out.append(f"total: {total} invariants checked, {self.disagreements} disagreements")
        return out


class Server:
    """The operations over one registry, answered as /r5 or /r4 would answer them."""

    def __init__(self, registry, cfg: dict):
        self.registry = registry
        self.cfg = cfg
        self.memo = ExpansionMemo()

    def call(self, operation: str, params: dict, *, version: str = "R5") -> tuple[int, dict]:
        """(HTTP status, answer) of one operation; params as {name: [values]} (typed like the API types them)."""
        try:
            typed = P.coerce(params)
            build, run = OPERATIONS[operation]
            request = build(typed)
            ctx = operations.make_context(self.registry, request, None, self.cfg, memo=self.memo)
            out = run(ctx, request)
        except TerminologyError as exc:
            return exc.status, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": exc.message}]}
        if version == "R4":
            out = translate_result_r5_to_r4(out) if operation == "translate" else r5_to_r4(out)
        return 200, out


# operation -> (typed parameters -> request, (context, request) -> answer), as the web handlers pair them
OPERATIONS = {
    "expand": (P.expand, operations.expand),
    "validate-vs": (lambda t: P.validate_code(t, on_codesystem=False),
                    lambda c, r: operations.validate_code(c, r, on_codesystem=False)),
    "lookup": (P.lookup, operations.lookup),
    "subsumes": (P.subsumes, operations.subsumes),
    "translate": (P.translate, operations.translate),
}


def sample(items: list, limit: int | None, rng: random.Random) -> list:
    """All items, or a reproducible random sample of limit of them (order kept)."""
    if limit is None or len(items) <= limit:
        return list(items)
    keep = set(rng.sample(range(len(items)), limit))
    return [x for i, x in enumerate(items) if i in keep]


def flatten(contains: list) -> list[dict]:
    out = []
    for c in contains or []:
        out.append(c)
        out.extend(flatten(c.get("contains", [])))
    return out
