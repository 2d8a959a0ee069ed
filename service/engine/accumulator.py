"""The only place that filters by text, counts, limits and pages an expansion, and renders it."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from ..errors import TooCostly
from .codesystem import EXTENSION_PROPERTY_URIS, extension_properties
from .languages import choose_display
from .supplements import for_system
from . import status_checks, text_index

# Parameters echoed in expansion.parameter when the request gave them, in this order.
STD_URI = "http://hl7.org/fhir/concept-properties#"
STATUS_URI = STD_URI + "status"


_WORD = text_index._WORD


def text_matcher(text: str | None):
    """Word-prefix, case- and accent-insensitive matcher for the $expand `filter` parameter."""
    terms = text_index.terms_of(text)
    if terms is None:
        return None

    def match(candidates: list[str]) -> bool:
        for cand in candidates:
            words = [text_index.fold(w) for w in _WORD.findall(cand)]
            if all(any(w.startswith(t) for w in words) for t in terms):
                return True
        return False
    return match


def entry_texts(e) -> list[str]:
    out = []
    if e.display:
        out.append(e.display)
    if e.concept is not None:
        if e.concept.display and e.concept.display != e.display:
            out.append(e.concept.display)
        out.extend(d.get("value", "") for d in e.concept.designations)
    out.append(e.code)
    return out


def select_entries(entries: list, *, active_only: bool, text: str | None, exclude_not_for_ui: bool):
    match = text_matcher(text)
    if match is not None and text_index.applies(entries):   # token index: the same matches, no scan
        entries, match = text_index.filter_entries(entries, text, match, entry_texts), None
        if not active_only and not exclude_not_for_ui:
            return entries
    out = []
    for e in entries:
        if active_only and e.inactive:
            continue
        if exclude_not_for_ui and e.abstract:
            continue
        if match is not None and not match(entry_texts(e)):
            continue
        out.append(e)
    return out


def page(entries: list, *, offset: int, count: int | None, max_size: int, canonical: str) -> list:
    """Slice after filtering. Refuse to render more than max_size codes (total is still known)."""
    end = len(entries) if count is None else min(len(entries), offset + count)
    if count is None and len(entries) - offset > max_size:
        raise TooCostly(f"The value set '{canonical}' expansion has too many codes to produce (>{max_size})",
                        message_id="VALUESET_TOO_COSTLY")
    return entries[offset:end]


RENDERING_EXTENSIONS = {"http://hl7.org/fhir/StructureDefinition/rendering-style",
                        "http://hl7.org/fhir/StructureDefinition/rendering-xhtml"}
VS_ITEM_EXTENSIONS = {"http://hl7.org/fhir/StructureDefinition/valueset-deprecated",
                      "http://hl7.org/fhir/StructureDefinition/valueset-concept-definition",
                      "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"}


def _contains_item(e, *, prefs, show_version, designations, properties, cs_props, designation_filter=None,
                   supplements=()):
    item: dict = {}
    sup_concepts = [c for c in (sup.locate(e.code) for sup in supplements) if c is not None]
    exts = []
    for c in ([e.concept] if e.concept is not None else []) + sup_concepts:
        exts.extend(x for x in c.extensions if x.get("url") in RENDERING_EXTENSIONS)
    if e.src is not None:
        exts.extend(x for x in e.src.get("extension", []) if x.get("url") in VS_ITEM_EXTENSIONS)
    if exts:
        item["extension"] = exts
    item["system"] = e.system
    if show_version and e.version:
        item["version"] = e.version
    if e.abstract:
        item["abstract"] = True
    if e.inactive:
        item["inactive"] = True
    item["code"] = e.code
    sup_designations = [d for c in sup_concepts for d in c.designations]
    display = e.display
    swapped = None
    if e.concept is not None:
        extra = ((e.src or {}).get("designation", []) if e.src is not None else []) + sup_designations
        if prefs:
            display = choose_display(e.concept, e.cs.language if e.cs else None, prefs, extra,
                                     hard=prefs.source == "param")
            if display != e.concept.display:
                swapped = display if display is not None else ""
        elif e.src is not None and e.src.get("display"):
            display = e.src["display"]
    if display:
        item["display"] = display
    if designations:
        des = []
        if e.concept is not None:
            if swapped is not None and e.concept.display:
                des.append({"language": (e.cs.language if e.cs else None) or "en", "use": PREFERRED,
                            "value": e.concept.display})
            des.extend(_designation(d) for d in e.concept.designations if d.get("value") != swapped)
        if e.src is not None:
            des.extend(_designation(d) for d in e.src.get("designation", []) if d.get("value") != swapped)
        des.extend(_designation(d) for d in sup_designations if d.get("value") != swapped)
        des = list({repr(sorted(d.items(), key=str)): d for d in des}.values())
        if designation_filter:
            des = [d for d in des if _designation_wanted(d, designation_filter)]
        if des:
            item["designation"] = des
    props = _properties(e, properties, sup_concepts, cs_props, supplements)
    if props:
        item["property"] = props
    return item


def _derived(c, code: str) -> list[dict] | None:
    """parent / child / inactive from the hierarchy and status (None: not a derived property)."""
    if code == "parent":
        return [{"code": "parent", "valueCode": p} for p in c.parents]
    if code == "child":
        return [{"code": "child", "valueCode": k} for k in c.children]
    if code == "inactive":
        return [{"code": "inactive", "valueBoolean": c.inactive}]
    return None


def _properties(e, requested: list, sup_concepts: list, cs_props: dict, supplements=()) -> list[dict]:
    """Requested properties, plus the extension-borne ones (order, label, weight) and a non-active status."""
    if e.concept is None:
        return []
    sup_concepts_with_owner = [(sc, sup) for sup in supplements for sc in [sup.locate(e.code)] if sc is not None]
    c = e.concept
    props: list[dict] = []
    if "*" in requested:   # every property the concept has, the derived ones included
        requested = list(dict.fromkeys([p for p, _k, _v in c.properties] + ["parent", "child", "inactive"]
                                       + [x for x in requested if x != "*"]))
    for code in requested:
        if code == "definition" and c.definition:
            props.append({"code": "definition", "valueString": c.definition})
            cs_props.setdefault("definition", STD_URI + "definition")
        derived = _derived(c, code)
        if derived is not None and not any(p == code for p, _k, _v in c.properties):
            props.extend(derived)
            if derived:
                cs_props.setdefault(code, STD_URI + code)
            continue
        sources = [(c.properties, e.cs)] + [(sc.properties, sup) for sc, sup in sup_concepts_with_owner]
        for plist, owner in sources:
            for pcode, key, value in plist:
                if pcode == code:
                    props.append({"code": pcode, key: value})
                    uri = None
                    if owner is not None:
                        uri = owner.property_defs.get(pcode, {}).get("uri")
                    cs_props.setdefault(pcode, uri)
    ext: dict = {}
    for pcode, key, value in list(c.ext_props) + [p for sc in sup_concepts for p in sc.ext_props] + \
            extension_properties((e.src or {}).get("extension", []) if e.src is not None else []):
        ext[pcode] = {"code": pcode, key: value}
    for pcode, prop in ext.items():
        if pcode not in requested:
            props.append(prop)
            cs_props.setdefault(pcode, EXTENSION_PROPERTY_URIS.get(pcode))
    if c.status and c.status != "active" and "status" not in requested:
        props.append({"code": "status", "valueCode": c.status})
        cs_props.setdefault("status", STATUS_URI)
    return props


PREFERRED = {"system": "http://terminology.hl7.org/CodeSystem/hl7TermMaintInfra", "code": "preferredForLanguage",
             "display": "Preferred For Language"}
LANG_SYSTEM = "urn:ietf:bcp:47"


def _designation_wanted(d: dict, wanted: list[str]) -> bool:
    """The `designation` parameter: 'urn:ietf:bcp:47|lang' picks a language, 'system|code' a use."""
    for spec in wanted:
        system, _, code = spec.rpartition("|")
        if system == LANG_SYSTEM:
            if (d.get("language") or "").lower() == code.lower():
                return True
        else:
            use = d.get("use") or {}
            if use.get("code") == code and (not system or use.get("system") == system):
                return True
    return False


def _designation(d: dict) -> dict:
    out = {}
    for key in ("extension", "language", "use", "value"):
        if key in d:
            out[key] = d[key]
    return out


def render(vs: dict, expander, selected: list, paged: list, *, request, prefs, offset: int,
           count: int | None, nested: bool) -> dict:
    """Build the output ValueSet (R5 shape) as a plain dict."""
    out = {"resourceType": "ValueSet"}
    # the expansion is a new resource, not the stored one: it carries the value set's identity (url,
    # version) and metadata, but not the stored resource's id. The definition (the value set's own
    # extensions, e.g. valueset-supplement, and its compose) is echoed only with includeDefinition.
    definition = request.include_definition is True
    if definition and "extension" in vs:
        out["extension"] = vs["extension"]
    for key in ("language", "url", "version", "name", "title", "status", "experimental", "date",
                "publisher"):
        if key in vs:
            out[key] = vs[key]
    if definition and "compose" in vs:
        out["compose"] = vs["compose"]
    exp_params = []
    for name, vtype, value in request.echo:
        if value is not None:
            exp_params.append({"name": name, vtype: value})
        elif name == "displayLanguage" and prefs and prefs.source == "header":
            exp_params.append({"name": name, vtype: prefs.raw})
    for name, value in expander.used_params:
        exp_params.append({"name": name, "valueUri": value})
    if expander.versions_match or (expander.versions_match_used and not expander.versions_match_set):
        exp_params.append({"name": "versionsMatch", "valueBoolean": True})
    for canon in expander.used_cs:
        exp_params.append({"name": "used-codesystem", "valueUri": canon})
    for canon in expander.used_vs:
        exp_params.append({"name": "used-valueset", "valueUri": canon})
    used_systems = {e.system for e in selected}
    for sup in expander.ctx.supplements:
        if any(sup is s for url in used_systems for s in for_system([sup], url)):
            exp_params.append({"name": "used-supplement", "valueUri": sup.canonical})
    for name, canon in expander.warnings:
        exp_params.append({"name": name, "valueUri": canon})
    exp_params.extend(status_checks.expansion_parameters(
        vs, [cs.metadata for cs in expander.used_cs_indexes] + expander.used_vs_resources))
    expansion: dict = {}
    fragments = [canon for name, canon in expander.warnings if name == "used-fragment"]
    if fragments:
        expansion["extension"] = [
            {"url": "http://hl7.org/fhir/StructureDefinition/valueset-unclosed", "valueBoolean": True},
            {"url": "http://hl7.org/fhir/StructureDefinition/valueset-unclosed-reason",
             "valueString": _unclosed_reason(fragments, expander.unconfirmed)}]
    expansion.update({
        "identifier": f"urn:uuid:{uuid.uuid4()}",
        "timestamp": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "total": len(selected),
    })
    if offset or count is not None:
        expansion["offset"] = offset
    if exp_params:
        expansion["parameter"] = exp_params
    properties = list(request.properties)
    # a designation filter asks for designations as much as includeDesignations does
    designations = request.include_designations is True or bool(request.designations)
    cs_props: dict = {}
    show_version = bool(expander.multi_version_systems)
    if show_version:
        from .versions import version_key
        order = {k: i for i, k in enumerate(dict.fromkeys((e.system, e.code) for e in paged))}
        paged = sorted(paged, key=lambda e: (order[(e.system, e.code)], not e.pinned, _neg(version_key(e.version))))
    items = [(_contains_item(e, prefs=prefs, show_version=show_version and e.system in expander.multi_version_systems,
                             designations=designations, properties=properties, cs_props=cs_props,
                             designation_filter=list(request.designations) or None,
                             supplements=for_system(expander.ctx.supplements, e.system)), e)
             for e in paged]
    if cs_props:
        expansion["property"] = [{"code": c, **({"uri": u} if u else {})} for c, u in cs_props.items()]
    if items:
        expansion["contains"] = _nest(items) if nested else [i for i, _e in items]
    out["expansion"] = expansion
    return out


def _unclosed_reason(fragments: list[str], unconfirmed: list[str]) -> str:
    text = "This extension is based on a fragment of the code system " + ", ".join(
        dict.fromkeys(f.split("|")[0] for f in fragments))
    if unconfirmed:
        text += (". Included as the value set lists them, but not in the fragment this server holds, so not "
                 "confirmed to exist: " + ", ".join(unconfirmed))
    return text


class _neg:
    """Reverse ordering wrapper for sort keys."""
    __slots__ = ("k",)

    def __init__(self, k):
        self.k = k

    def __lt__(self, other):
        return self.k > other.k


def _nest(items: list) -> list:
    """Place each entry under its nearest ancestor present in the expansion."""
    by_key = {(e.system, e.code): item for item, e in items}
    roots = []
    for item, e in items:
        parent_item = None
        if e.concept is not None and e.cs is not None:
            frontier = list(e.concept.parents)
            seen = set()
            while frontier and parent_item is None:
                nxt = []
                for p in frontier:
                    if p in seen:
                        continue
                    seen.add(p)
                    if (e.system, p) in by_key:
                        parent_item = by_key[(e.system, p)]
                        break
                    nxt.extend(e.cs.concept(p).parents if e.cs.has(p) else [])
                frontier = nxt
        if parent_item is None:
            roots.append(item)
        else:
            parent_item.setdefault("contains", []).append(item)
    return roots
