"""service/web/openapi/document.py: shared parameters become components, the YAML reads back as built."""
from __future__ import annotations

import yaml


def test_parameters_written_alike_everywhere_become_components_and_the_others_stay_inline():
    from service.web.openapi.document import factor_parameters

    same = {"name": "date", "in": "query", "required": False, "schema": {"type": "string"}}
    a = {"name": "code", "in": "query", "required": True, "schema": {"type": "string"}}
    b = {**a, "required": False}
    paths = {"/x": {"get": {"parameters": [dict(same), dict(a)]}, "post": {"parameters": [dict(same), dict(b)]}},
             "/y": {"get": {"parameters": [{"$ref": "#/components/parameters/_format"}]}}}
    shared = factor_parameters(paths, taken={"_format"})
    assert shared == {"date": same}
    assert paths["/x"]["get"]["parameters"] == [{"$ref": "#/components/parameters/date"}, a]
    assert paths["/x"]["post"]["parameters"] == [{"$ref": "#/components/parameters/date"}, b]
    assert paths["/y"]["get"]["parameters"] == [{"$ref": "#/components/parameters/_format"}]


def test_the_yaml_has_no_aliases_and_reads_back_as_the_document():
    from service.web.openapi import build, to_yaml

    spec = build()
    text = to_yaml(spec)
    assert text.startswith("# OpenAPI 3.0") and "GENERATED" in text.splitlines()[0]
    assert "&id0" not in text and "*id0" not in text
    assert yaml.safe_load(text) == spec
