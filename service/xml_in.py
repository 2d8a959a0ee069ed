"""FHIR XML request bodies into the JSON shape, in one pass, linear in the input and within limits.

The document is read with expat as a stream of events; each element is turned into its JSON form as it
closes, using the element tables that fhir_io derives from the FHIR models and passes in (``tables``: which
elements repeat, which are
primitives of which type, which hold a resource or XHTML). No tree of the whole document is built, and
nothing is looked at twice, so the cost is proportional to the number of bytes.

Refused, with a plain message for the client (XMLError, also known as XMLError; the status is 413 for
the size limits):
a document type declaration (so no entities of any kind), more than ``max_bytes``, elements nested deeper than
``max_depth``, an element with more than ``max_attributes`` attributes, more than ``max_elements`` elements,
text outside the XHTML narrative, unknown elements or attributes, and values that are not of the element's
FHIR type. Every 2,048 elements the request's deadline (service/request_clock.py) is checked.

Limits: config MAX_XML_BYTES, MAX_XML_DEPTH, MAX_XML_ATTRIBUTES, MAX_XML_ELEMENTS (environment RRALL_...),
applied process-wide by ``configure`` (create_app calls it).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from . import request_clock
from .errors import TooCostly

FHIR_NS = "http://hl7.org/fhir"
XHTML_NS = "http://www.w3.org/1999/xhtml"
_INTEGER = re.compile(r"[+-]?[0-9]{1,64}")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_INTEGERS = {"integer", "positiveInt", "unsignedInt"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_attributes: int = 32      # per element
    max_elements: int = 250_000


_CONFIG_KEYS = {"MAX_XML_BYTES": "max_bytes", "MAX_XML_DEPTH": "max_depth",
                "MAX_XML_ATTRIBUTES": "max_attributes", "MAX_XML_ELEMENTS": "max_elements"}
_limits = Limits()


def configure(cfg: dict) -> Limits:
    """Apply the MAX_XML_* settings of a configuration (process-wide); returns the limits in force."""
    global _limits
    _limits = replace(Limits(), **{field: int(cfg[key]) for key, field in _CONFIG_KEYS.items() if key in cfg})
    return _limits


class XMLError(ValueError):
    """XML that is not a safe, well-formed FHIR resource (the message is meant for the client).

    status: the HTTP status to answer with (400, or 413 when a size limit was exceeded)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def parse(data: bytes, fhir_version: str, tables, limits: Limits | None = None) -> dict:
    """The resource in data (FHIR XML) as a JSON-shaped dict; XMLError when it is not acceptable.
    tables(fhir_version, type name) gives fhir_io.element_table's answer (passed in: this module imports no
    models, and fhir_io imports it)."""
    limits = limits or _limits
    if len(data) > limits.max_bytes:
        raise XMLError(f"the XML body is larger than {limits.max_bytes:,} bytes", status=413)
    conv = _Converter(fhir_version, limits, tables)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.ExternalEntityRefHandler = _no_dtd
    parser.StartElementHandler = conv.start
    parser.EndElementHandler = conv.end
    parser.CharacterDataHandler = conv.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.errors.messages.get(exc.code, "not well-formed")
        raise XMLError(f"the XML is not well-formed: {reason} (line {exc.lineno}, column {exc.offset + 1})") \
            from None
    except (LookupError, UnicodeError):   # an encoding declared in the XML declaration that Python does not know
        raise XMLError("the XML declares an encoding that is not supported: use UTF-8") from None
    if conv.root is None:
        raise XMLError("the XML contains no resource")
    return conv.root


def _no_dtd(*_args):
    raise XMLError("the XML contains a document type declaration (DTD) or an entity, which are not allowed")


class _Frame:
    """One open element: what it may contain (table), what it has produced so far (obj)."""

    __slots__ = ("kind", "name", "repeats", "ftype", "table", "obj", "value", "path")

    def __init__(self, kind, name, repeats, ftype, table, obj, path, value=None):
        self.kind, self.name, self.repeats, self.ftype = kind, name, repeats, ftype
        self.table, self.obj, self.path, self.value = table, obj, path, value


_EXTENSION_ONLY = {"extension": (True, "complex", "Extension")}


class _Converter:
    def __init__(self, fhir_version: str, limits: Limits, tables):
        self.version = fhir_version
        self.limits = limits
        self.tables = tables
        self.stack: list[_Frame] = []
        self.elements = 0
        self.root: dict | None = None
        self.xhtml: list[str] | None = None   # the narrative being copied, and how deep inside it we are
        self.xhtml_depth = 0

    # ---- events ---------------------------------------------------------------------------------
    def start(self, name: str, attrs: list) -> None:
        self._count(attrs, name)
        ns, _, local = name.rpartition(" ")
        if self.xhtml is not None:
            self._xhtml_start(ns, local, attrs)
            return
        if not self.stack:
            self._open_resource(ns, local, attrs, None)
            return
        top = self.stack[-1]
        if top.kind == "holder":
            if top.value is not None:
                raise self._error(f"{top.path} holds more than one resource")
            self._open_resource(ns, local, attrs, top)
            return
        spec = top.table.get(local)
        if spec is None or ns != (XHTML_NS if spec[1] == "xhtml" else FHIR_NS):
            where = f"'{local}'" if ns in (FHIR_NS, XHTML_NS) else f"'{local}' in namespace '{ns or '(none)'}'"
            raise self._error(f"unknown element {where} in {top.path}")
        repeats, kind, ftype = spec
        if not repeats and (local in top.obj or "_" + local in top.obj):
            raise self._error(f"the element {top.path}.{local} occurs more than once")
        path = f"{top.path}.{local}" + (f"[{len(top.obj.get(local, ()))}]" if repeats else "")
        if kind == "xhtml":
            self.xhtml, self.xhtml_depth = [], 0
            self.stack.append(_Frame("xhtml", local, repeats, ftype, None, None, path))
            self._xhtml_start(ns, local, attrs)
            return
        if kind == "resource":
            self._attributes(attrs, (), path)
            self.stack.append(_Frame("holder", local, repeats, ftype, None, None, path))
            return
        if kind == "primitive":
            found = self._attributes(attrs, ("value", "id"), path)
            ext = {"id": found["id"]} if "id" in found else {}
            self.stack.append(_Frame("primitive", local, repeats, ftype, _EXTENSION_ONLY, ext, path,
                                     found.get("value")))
            return
        entry = self.tables(self.version, ftype)
        if entry is None:
            raise self._error(f"the type {ftype} of {path} is not known")
        obj = self._attributes(attrs, ("id", "url") if ftype == "Extension" else ("id",), path)
        self.stack.append(_Frame("complex", local, repeats, ftype, entry[1], obj, path))

    def end(self, name: str) -> None:
        if self.xhtml is not None:
            if self.xhtml[-1] == ">":        # nothing inside: <br/>, as the element was written
                self.xhtml[-1] = "/>"
            else:
                self.xhtml.append(f"</{name.rpartition(' ')[2]}>")
            self.xhtml_depth -= 1
            if self.xhtml_depth:
                return
            frame = self.stack.pop()
            html, self.xhtml = "".join(self.xhtml), None
            self._attach(frame, html)
            return
        frame = self.stack.pop()
        if frame.kind == "primitive":
            self._attach_primitive(frame)
        elif frame.kind == "holder":
            if frame.value is None:
                raise self._error(f"{frame.path} must contain a resource")
            self._attach(frame, frame.value)
        elif frame.kind == "resource":
            if self.stack:
                self.stack[-1].value = frame.obj
            else:
                self.root = frame.obj
        elif frame.obj:
            self._attach(frame, frame.obj)

    def text(self, data: str) -> None:
        if self.xhtml is not None:
            if data:
                self.xhtml.append(escape(data))
        elif data.strip():
            where = self.stack[-1].path if self.stack else "the document"
            raise self._error(f"text is not allowed in {where}: FHIR XML carries values in 'value' attributes")

    # ---- helpers --------------------------------------------------------------------------------
    def _count(self, attrs: list, name: str) -> None:
        limits = self.limits
        self.elements += 1
        if self.elements > limits.max_elements:
            raise XMLError(f"the XML has more than {limits.max_elements:,} elements", status=413)
        if len(self.stack) + self.xhtml_depth >= limits.max_depth:
            raise self._error(f"the XML nests elements more than {limits.max_depth} deep")
        if len(attrs) > 2 * limits.max_attributes:
            raise self._error(f"the XML element '{name.rpartition(' ')[2]}' has more than "
                              f"{limits.max_attributes} attributes")
        if not self.elements & 2047 and request_clock.expired():
            raise TooCostly("The operation took too long to complete and was stopped (reading the XML body)")

    def _open_resource(self, ns: str, local: str, attrs: list, holder: _Frame | None) -> None:
        where = holder.path if holder else "the XML root element"
        if ns != FHIR_NS:
            raise self._error(f"{where} is not in the FHIR namespace {FHIR_NS}"
                              if holder is None else f"the resource in {where} is not in the FHIR namespace")
        entry = self.tables(self.version, local)
        if entry is None or not entry[0]:
            raise self._error(f"unknown resourceType '{local}' for FHIR {self.version}")
        self._attributes(attrs, (), local)
        self.stack.append(_Frame("resource", local, False, local, entry[1], {"resourceType": local}, local))

    def _attributes(self, attrs: list, allowed: tuple, path: str) -> dict:
        found = {}
        for i in range(0, len(attrs), 2):
            key = attrs[i]
            if key not in allowed:
                raise self._error(f"unexpected attribute '{key.rpartition(' ')[2]}' on {path}")
            found[key] = attrs[i + 1]
        return found

    def _xhtml_start(self, ns: str, local: str, attrs: list) -> None:
        if self.xhtml_depth == 0:
            self.xhtml.append(f'<{local} xmlns="{XHTML_NS}"')
        else:
            self.xhtml.append(f"<{local}")
        for i in range(0, len(attrs), 2):
            self.xhtml.append(f" {attrs[i].rpartition(' ')[2]}={quoteattr(attrs[i + 1])}")
        self.xhtml.append(">")
        self.xhtml_depth += 1

    def _attach(self, frame: _Frame, value) -> None:
        obj = self.stack[-1].obj
        if frame.repeats:
            obj.setdefault(frame.name, []).append(value)
            if "_" + frame.name in obj:
                obj["_" + frame.name].append(None)
        else:
            obj[frame.name] = value

    def _attach_primitive(self, frame: _Frame) -> None:
        value = None if frame.value is None else self._typed(frame.ftype, frame.value, frame.path)
        ext = frame.obj or None
        if value is None and ext is None:
            return
        obj, name = self.stack[-1].obj, frame.name
        if not frame.repeats:
            if value is not None:
                obj[name] = value
            if ext is not None:
                obj["_" + name] = ext
            return
        values = obj.setdefault(name, [])
        values.append(value)
        exts = obj.get("_" + name)
        if ext is not None and exts is None:
            exts = obj["_" + name] = [None] * (len(values) - 1)
        if exts is not None:
            exts.append(ext)

    def _typed(self, ftype: str, text: str, path: str):
        if ftype == "boolean":
            if text in ("true", "false"):
                return text == "true"
        elif ftype in _INTEGERS:
            if _INTEGER.fullmatch(text):
                return int(text)
        elif ftype == "decimal":
            if _DECIMAL.fullmatch(text):
                number = int(text) if text.lstrip("-").isdigit() else float(text)
                if not isinstance(number, float) or math.isfinite(number):
                    return number
        else:
            return text
        raise self._error(f"the value '{text[:64]}' of {path} is not a valid {ftype}")

    @staticmethod
    def _error(message: str) -> XMLError:
        return XMLError(message)
