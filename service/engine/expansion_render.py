"""The only place that renders an expansion: ValueSet.expansion with its parameters (echoed request
parameters, used code systems / value sets / supplements, warnings), the contains items (displays by
language, designations, properties) and their nesting along the hierarchy."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from . import status_checks
from .codesystem import EXTENSION_PROPERTY_URIS, extension_properties
from .entry_spans import systems_of
from .languages import choose_display
from .supplements import for_system
from .versions import version_key
from .uris import PREFERRED_FOR_LANGUAGE, STD_PROPERTY_URI

STD_URI = STD_PROPERTY_URI
STATUS_URI = STD_URI + "status"
RENDERING_EXTENSIONS = {"http://hl7.org/fhir/StructureDefinition/rendering-style",
                        "http://hl7.org/fhir/StructureDefinition/rendering-xhtml"}
VS_ITEM_EXTENSIONS = {"http://hl7.org/fhir/StructureDefinition/valueset-deprecated",
                      "http://hl7.org/fhir/StructureDefinition/valueset-concept-definition",
                      "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status"}
PREFERRED = PREFERRED_FOR_LANGUAGE
LANG_SYSTEM = "urn:ietf:bcp:47"
IDENTITY_KEYS = ("language", "url", "version", "name", "title", "status", "experimental", "date", "publisher")


def render(vs: dict, expander, selected: list, paged: list, *, request, prefs, offset: int,
           count: int | None, nested: bool) -> dict:
    """The output ValueSet (R5 shape) as a plain dict.

    The expansion is a new resource, not the stored one: it carries the value set's identity (url, version)
    and metadata, but not the stored resource's id. The definition (the value set's own extensions, e.g.
    valueset-supplement, and its compose) is echoed only with includeDefinition."""
    out = {"resourceType": "ValueSet"}
    definition = request.include_definition is True
    if definition and "extension" in vs:
        out["extension"] = vs["extension"]
    out.update({k: vs[k] for k in IDENTITY_KEYS if k in vs})
    if definition and "compose" in vs:
        out["compose"] = vs["compose"]
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
    exp_params = expansion_parameters(vs, expander, request, prefs, selected)
    if exp_params:
        expansion["parameter"] = exp_params
    cs_props: dict = {}
    items = _items(expander, paged, request, prefs, cs_props)
    if cs_props:
        expansion["property"] = [{"code": c, **({"uri": u} if u else {})} for c, u in cs_props.items()]
    if items:
        expansion["contains"] = _nest(items) if nested else [i for i, _e in items]
    out["expansion"] = expansion
    return out


def expansion_parameters(vs: dict, expander, request, prefs, selected: list) -> list[dict]:
    """ValueSet.expansion.parameter: the request's echoed parameters, then what the expansion used."""
    out = []
    for name, vtype, value in request.echo:
        if value is not None:
            out.append({"name": name, vtype: value})
        elif name == "displayLanguage" and prefs and prefs.source == "header":
            # the language the Accept-Language header chose (its first choice), not the whole header
            tags = [t for t in prefs.tags if t != "*"]
            if tags:
                out.append({"name": name, vtype: tags[0]})
    out.extend({"name": name, "valueUri": value} for name, value in expander.used_params)
    if expander.versions_match or (expander.versions_match_used and not expander.versions_match_set):
        out.append({"name": "versionsMatch", "valueBoolean": True})
    out.extend({"name": "used-codesystem", "valueUri": canon} for canon in expander.used_cs)
    out.extend({"name": "used-valueset", "valueUri": canon} for canon in expander.used_vs)
    used_systems = systems_of(selected)
    for sup in expander.ctx.supplements:
        if any(sup is s for url in used_systems for s in for_system([sup], url)):
            out.append({"name": "used-supplement", "valueUri": sup.canonical})
    out.extend({"name": name, "valueUri": canon} for name, canon in expander.warnings)
    out.extend(status_checks.expansion_parameters(
        vs, [cs.metadata for cs in expander.used_cs_indexes] + expander.used_vs_resources))
    return out


def _items(expander, paged: list, request, prefs, cs_props: dict) -> list[tuple[dict, object]]:
    show_version = bool(expander.multi_version_systems)
    if show_version:
        order = {k: i for i, k in enumerate(dict.fromkeys((e.system, e.code) for e in paged))}
        paged = sorted(paged, key=lambda e: (order[(e.system, e.code)], not e.pinned, _neg(version_key(e.version))))
    opts = {"prefs": prefs, "properties": list(request.properties), "cs_props": cs_props,
            # a designation filter asks for designations as much as includeDesignations does
            "designations": request.include_designations is True or bool(request.designations),
            "designation_filter": list(request.designations) or None}
    return [(contains_item(e, show_version=show_version and e.system in expander.multi_version_systems,
                           supplements=for_system(expander.ctx.supplements, e.system), **opts), e)
            for e in paged]


def contains_item(e, *, prefs, show_version, designations, properties, cs_props, designation_filter=None,
                  supplements=()) -> dict:
    """One expansion.contains item for an entry."""
    item: dict = {}
    sup_concepts = [c for c in (sup.locate(e.code) for sup in supplements) if c is not None]
    exts = _item_extensions(e, sup_concepts)
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
    display, swapped = _item_display(e, prefs, sup_designations)
    if display:
        item["display"] = display
    if designations:
        des = _item_designations(e, swapped, sup_designations, designation_filter)
        if des:
            item["designation"] = des
    props = _properties(e, properties, sup_concepts, cs_props, supplements)
    if props:
        item["property"] = props
    return item


def _item_extensions(e, sup_concepts: list) -> list[dict]:
    exts = []
    for c in ([e.concept] if e.concept is not None else []) + sup_concepts:
        exts.extend(x for x in c.extensions if x.get("url") in RENDERING_EXTENSIONS)
    if e.src is not None:
        exts.extend(x for x in e.src.get("extension", []) if x.get("url") in VS_ITEM_EXTENSIONS)
    return exts


def _item_display(e, prefs, sup_designations: list) -> tuple[str | None, str | None]:
    """(the display to show, the language-chosen text when it differs from the concept's display)."""
    display, swapped = e.display, None
    if e.concept is None:
        return display, None
    extra = (e.src.get("designation", []) if e.src is not None else []) + sup_designations
    if prefs:
        display = choose_display(e.concept, e.cs.language if e.cs else None, prefs, extra,
                                 hard=prefs.source == "param")
        if display != e.concept.display:
            swapped = display if display is not None else ""
    elif e.src is not None and e.src.get("display"):
        display = e.src["display"]
    return display, swapped


def _item_designations(e, swapped, sup_designations: list, designation_filter) -> list[dict]:
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
    return des


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
    c = e.concept
    if "*" in requested:   # every property the concept has, the derived ones included
        requested = list(dict.fromkeys([p for p, _k, _v in c.properties] + ["parent", "child", "inactive"]
                                       + [x for x in requested if x != "*"]))
    owned = [(sc, sup) for sup in supplements for sc in [sup.locate(e.code)] if sc is not None]
    props: list[dict] = []
    for code in requested:
        props.extend(_requested_property(e, code, owned, cs_props))
    props.extend(_extension_properties(e, sup_concepts, requested, cs_props))
    if c.status and c.status != "active" and "status" not in requested:
        props.append({"code": "status", "valueCode": c.status})
        cs_props.setdefault("status", STATUS_URI)
    return props


def _requested_property(e, code: str, owned: list, cs_props: dict) -> list[dict]:
    c, out = e.concept, []
    if code == "definition" and c.definition:
        out.append({"code": "definition", "valueString": c.definition})
        cs_props.setdefault("definition", STD_URI + "definition")
    derived = _derived(c, code)
    if derived is not None and not any(p == code for p, _k, _v in c.properties):
        if derived:
            cs_props.setdefault(code, STD_URI + code)
        return out + derived
    for plist, owner in [(c.properties, e.cs)] + [(sc.properties, sup) for sc, sup in owned]:
        for pcode, key, value in plist:
            if pcode == code:
                out.append({"code": pcode, key: value})
                uri = owner.property_defs.get(pcode, {}).get("uri") if owner is not None else None
                cs_props.setdefault(pcode, uri)
    return out


def _extension_properties(e, sup_concepts: list, requested: list, cs_props: dict) -> list[dict]:
    ext: dict = {}
    for pcode, key, value in list(e.concept.ext_props) + [p for sc in sup_concepts for p in sc.ext_props] + \
            extension_properties(e.src.get("extension", []) if e.src is not None else []):
        ext[pcode] = {"code": pcode, key: value}
    out = []
    for pcode, prop in ext.items():
        if pcode not in requested:
            out.append(prop)
            cs_props.setdefault(pcode, EXTENSION_PROPERTY_URIS.get(pcode))
    return out


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
    return {key: d[key] for key in ("extension", "language", "use", "value") if key in d}


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
        parent_item = _nearest_ancestor_item(e, by_key) if e.concept is not None and e.cs is not None else None
        if parent_item is None:
            roots.append(item)
        else:
            parent_item.setdefault("contains", []).append(item)
    return roots


def _nearest_ancestor_item(e, by_key: dict):
    frontier, seen = list(e.concept.parents), set()
    while frontier:
        nxt = []
        for p in frontier:
            if p in seen:
                continue
            seen.add(p)
            if (e.system, p) in by_key:
                return by_key[(e.system, p)]
            nxt.extend(e.cs.concept(p).parents if e.cs.has(p) else [])
        frontier = nxt
    return None
