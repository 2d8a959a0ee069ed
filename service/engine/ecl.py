"""SNOMED CT Expression Constraint Language (brief syntax), parsed and evaluated over a provider.

Supported (ECL 2.x brief syntax, the core): concept references with an optional ``|term|``
(ignored), ``*``, the constraint operators ``<`` ``<<`` ``<!`` ``<<!`` ``>`` ``>>`` ``>!`` ``>>!``,
member of ``^``, ``AND`` (or ``,``), ``OR``, ``MINUS``, parentheses and ``/* comments */``. As the
grammar says, AND and OR are not mixed without parentheses and MINUS takes exactly two operands.
Keywords are case-insensitive and followed by white space.

A syntax error raises ``Invalid`` naming the (1-based) character position; refinements (``:``),
dotted attributes, filters (``{{ }}``) and the other ECL 2 operators raise ``NotSupported`` with
the position. A handwritten recursive-descent parser: no ECL library on PyPI fits (issue #15).

Evaluation (``evaluate(text, provider)``) gives a ``RangeSet`` of concept numbers of a provider
with the ``compact.CompactCodeSystem`` scale surface: ``index_of``, ``reach``, ``child_ids``,
``parent_ids``, ``ancestor_ids``, ``refset_members``, ``all_ids``. ``*`` is every *active* concept
(the substrate ECL is evaluated on); an unknown concept or refset id matches nothing and is
reported in ``Result.unknown``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Invalid, NotSupported
from .rangeset import RangeSet

OPERATORS = ("<<!", ">>!", "<<", ">>", "<!", ">!", "<", ">")   # longest first
_WS = " \t\r\n"


@dataclass(frozen=True)
class Concept:
    sctid: str
    pos: int


@dataclass(frozen=True)
class Any_:
    pos: int


@dataclass(frozen=True)
class Sub:
    """[operator] [^] focus: focus is a Concept, Any_ or a nested expression."""
    operator: str | None
    member_of: bool
    focus: object


@dataclass(frozen=True)
class Compound:
    op: str          # "AND" | "OR" | "MINUS"
    parts: tuple


def _syntax(text: str, pos: int, expected: str) -> Invalid:
    found = repr(text[pos:pos + 12]) if pos < len(text) else "the end of the expression"
    return Invalid(f"ECL syntax error at character {pos + 1}: expected {expected}, found {found} in '{text}'",
                   message_id="ECL_SYNTAX_ERROR")


class Parser:
    def __init__(self, text: str):
        if not isinstance(text, str):
            raise Invalid("An ECL expression must be a string")
        self.text = text
        self.pos = 0

    # ---- lexical helpers ---------------------------------------------------------------
    def ws(self) -> bool:
        """Skip white space and comments; True if anything was skipped."""
        start = self.pos
        t = self.text
        while self.pos < len(t):
            if t[self.pos] in _WS:
                self.pos += 1
            elif t.startswith("/*", self.pos):
                end = t.find("*/", self.pos + 2)
                if end < 0:
                    raise _syntax(t, self.pos, "'*/' closing the comment")
                self.pos = end + 2
            else:
                break
        return self.pos > start

    def peek(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def keyword(self) -> str | None:
        """AND / OR / MINUS (case-insensitive, followed by white space) or ',' at the position, not consumed."""
        if self.peek(","):
            return "AND"
        for kw in ("AND", "OR", "MINUS"):
            end = self.pos + len(kw)
            if self.text[self.pos:end].upper() == kw:
                if end < len(self.text) and (self.text[end] in _WS or self.text.startswith("/*", end)):
                    return kw
                raise _syntax(self.text, end, f"white space after {kw}")
        return None

    def _unsupported(self, what: str) -> NotSupported:
        return NotSupported(f"ECL {what} (at character {self.pos + 1}) is not supported by this server; supported: "
                            "concept references, *, < << <! <<! > >> >! >>!, ^, AND, OR, MINUS, parentheses",
                            message_id="ECL_NOT_SUPPORTED")

    # ---- grammar --------------------------------------------------------------------------
    def parse(self):
        self.ws()
        node = self.expression()
        self.ws()
        if self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in ":.{" or self.peek("!!"):
                raise self._unsupported({":": "refinement", ".": "dotted attribute", "{": "filter"}.get(ch, "operator"))
            raise _syntax(self.text, self.pos, "AND, OR, MINUS or the end of the expression")
        return node

    def expression(self):
        first = self.sub()
        parts = [first]
        op = None
        while True:
            save = self.pos
            self.ws()
            kw = self.keyword() if self.pos < len(self.text) else None
            if kw is None:
                self.pos = save
                break
            if op is not None and kw != op:
                raise Invalid(f"ECL syntax error at character {self.pos + 1}: {op} and {kw} cannot be combined "
                              f"without parentheses in '{self.text}'", message_id="ECL_SYNTAX_ERROR")
            if op == "MINUS":
                raise Invalid(f"ECL syntax error at character {self.pos + 1}: MINUS takes exactly two operands; "
                              f"use parentheses in '{self.text}'", message_id="ECL_SYNTAX_ERROR")
            op = kw
            self.pos += 1 if self.peek(",") else len(kw)
            self.ws()
            parts.append(self.sub())
        return first if op is None else Compound(op, tuple(parts))

    def sub(self) -> Sub:
        operator = None
        for o in OPERATORS:
            if self.peek(o):
                operator = o
                self.pos += len(o)
                self.ws()
                break
        if self.peek("!!") or self.peek("^R") or self.peek("^r"):
            raise self._unsupported("operator")
        member_of = False
        if self.peek("^"):
            member_of = True
            self.pos += 1
            self.ws()
            if self.peek("["):
                raise self._unsupported("field selection")
        if self.peek("("):
            self.pos += 1
            self.ws()
            inner = self.expression()
            self.ws()
            if not self.peek(")"):
                raise _syntax(self.text, self.pos, "')'")
            self.pos += 1
            return Sub(operator, member_of, inner)
        if self.peek("*"):
            self.pos += 1
            return Sub(operator, member_of, Any_(self.pos - 1))
        return Sub(operator, member_of, self.concept())

    def concept(self) -> Concept:
        t, start = self.text, self.pos
        end = start
        while end < len(t) and t[end].isdigit() and t[end].isascii():
            end += 1
        if end == start:
            word = t[start:].split(None, 1)[0] if start < len(t) else ""
            if "#" in word:
                raise self._unsupported("alternate identifier")
            raise _syntax(t, start, "a concept id, '*' or '('")
        sctid = t[start:end]
        if sctid[0] == "0" or not 6 <= len(sctid) <= 18:
            raise Invalid(f"ECL syntax error at character {start + 1}: '{sctid}' is not a SNOMED CT identifier "
                          f"(6 to 18 digits, not starting with 0) in '{t}'", message_id="ECL_SYNTAX_ERROR")
        self.pos = end
        save = self.pos
        self.ws()
        if self.peek("|"):
            close = t.find("|", self.pos + 1)
            if close < 0:
                raise _syntax(t, self.pos, "a term closed by '|'")
            if not t[self.pos + 1:close].strip():
                raise _syntax(t, self.pos + 1, "a term between the pipes")
            self.pos = close + 1
        else:
            self.pos = save
        return Concept(sctid, start)


def parse(text: str):
    return Parser(text).parse()


@dataclass
class Result:
    ids: RangeSet
    unknown: list[str] = field(default_factory=list)


class Evaluator:
    def __init__(self, provider):
        self.p = provider
        self.unknown: list[str] = []

    def eval(self, node) -> RangeSet:
        if isinstance(node, Compound):
            sets = [self.eval(x) for x in node.parts]
            out = sets[0]
            for s in sets[1:]:
                out = out & s if node.op == "AND" else out | s if node.op == "OR" else out - s
            return out
        focus = self._focus(node)
        if node.member_of:
            focus = self._members(focus, single=isinstance(node.focus, Concept))
        return self._apply(node.operator, focus, node) if node.operator else focus

    def _focus(self, node: Sub) -> RangeSet:
        f = node.focus
        if isinstance(f, Any_):
            return self.p.all_ids(active_only=True)
        if isinstance(f, Concept):
            i = self.p.index_of(f.sctid)
            if i is None:
                self._unknown(f.sctid)
                return RangeSet()
            return RangeSet.span(i, i + 1)
        return self.eval(f)

    def _unknown(self, sctid: str) -> None:
        if sctid not in self.unknown:
            self.unknown.append(sctid)

    def _members(self, refsets: RangeSet, *, single: bool) -> RangeSet:
        """Members of the refsets in refsets; a single concept that is not a refset is reported unknown,
        an expression (``^ (<< X)``, ``^ *``) simply selects the refsets it contains."""
        out = RangeSet()
        if single:
            for r in refsets:
                code = self.p.code_at(r)
                members = self.p.refset_members(code)
                if members is None:
                    self._unknown(code)
                else:
                    out = out | members
            return out
        for code in self.p.refset_codes:
            i = self.p.index_of(code)
            if i is not None and i in refsets:
                out = out | self.p.refset_members(code)
        return out

    def _apply(self, op: str, focus: RangeSet, node=None) -> RangeSet:
        p = self.p
        if isinstance(getattr(node, "focus", None), Any_) and not node.member_of:
            # every concept is its own descendant/ancestor: only the strict forms differ from '*'
            if op in ("<", "<!"):
                return focus & p.linked_ids("par")
            if op in (">", ">!"):
                return focus & p.linked_ids("chi")
            return focus
        if op in ("<<", "<"):
            intervals: list[tuple[int, int]] = []
            for i in focus:
                flat = p.reach(i).intervals()
                if op == "<":   # minus the concept itself, which may lie inside a merged interval
                    flat = [part for lo, hi in flat
                            for part in (((lo, i), (i + 1, hi)) if lo <= i < hi else ((lo, hi),))]
                intervals.extend(flat)
            return RangeSet(intervals)
        ids: set[int] = set()
        for i in focus:
            if op in ("<!", "<<!"):
                ids.update(p.child_ids(i))
            elif op in (">!", ">>!"):
                ids.update(p.parent_ids(i))
            else:   # > >>
                ids.update(p.ancestor_ids(i))
        out = RangeSet.from_ids(ids)
        return out | focus if op in ("<<!", ">>!", ">>") else out


def evaluate(text: str, provider) -> Result:
    ev = Evaluator(provider)
    ids = ev.eval(parse(text))
    return Result(ids, ev.unknown)
