"""The consistency check's harness: the operations as an integrator calls them, and the report.

``Server`` calls the same operation handlers the HTTP API calls (``service.operations``), with the same
parameter typing and R5 -> R4 conversion, but without HTTP: every answer of the check is an answer the API
would give. ``Report`` counts what was checked per invariant and keeps the disagreements (and what could not
be checked, with the reason) for printing.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from .. import operations, translate_params
from ..convert import r5_to_r4, translate_result_r5_to_r4
from ..errors import TerminologyError
from ..params import coerce

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

    def _ctx(self, params: dict):
        return operations.make_context(self.registry, params, None, self.cfg)

    def call(self, operation: str, params: dict, *, version: str = "R5") -> tuple[int, dict]:
        """(HTTP status, answer) of one operation; params as {name: [values]} (typed like the API types them)."""
        try:
            params = coerce(params)
            ctx = self._ctx(params)
            if operation == "expand":
                out = operations.expand(ctx, params)
            elif operation == "validate-vs":
                out = operations.validate_code(ctx, params, on_codesystem=False)
            elif operation == "validate-cs":
                out = operations.validate_code(ctx, params, on_codesystem=True)
            elif operation == "lookup":
                out = operations.lookup(ctx, params)
            elif operation == "subsumes":
                out = operations.subsumes(ctx, params)
            elif operation == "translate":
                out = translate_params.run(ctx, params)
                return 200, translate_result_r5_to_r4(out) if version == "R4" else out
            else:
                raise ValueError(f"unknown operation {operation}")
        except TerminologyError as exc:
            return exc.status, {"resourceType": "OperationOutcome", "issue": [{"diagnostics": exc.message}]}
        return 200, (r5_to_r4(out) if version == "R4" else out)


def sample(items: list, limit: int | None, rng: random.Random) -> list:
    """All items, or a reproducible random sample of limit of them (order kept)."""
    if limit is None or len(items) <= limit:
        return list(items)
    keep = set(rng.sample(range(len(items)), limit))
    return [x for i, x in enumerate(items) if i in keep]


def param(body: dict, name: str):
    for p in body.get("parameter", []) or []:
        if p.get("name") == name:
            return next((v for k, v in p.items() if k.startswith("value")), None)
    return None


def flatten(contains: list) -> list[dict]:
    out = []
    for c in contains or []:
        out.append(c)
        out.extend(flatten(c.get("contains", [])))
    return out
