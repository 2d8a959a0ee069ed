"""service/web/openapi/model.py: values by version or resource type; instance-level twins of operations."""
from __future__ import annotations


def test_per_picks_the_resource_type_first_then_the_version_then_a_default():
    from service.web.openapi.model import Per

    per = Per(r4="four", ValueSet="vs", default="any")
    assert per.pick("r4", "ValueSet") == "vs"
    assert per.pick("r4", "CodeSystem") == "four"
    assert per.pick("r5", None) == "any"
    assert Per(r5="five").pick("r4", None) is None


def test_an_instance_operation_drops_what_the_instance_names_and_can_be_a_404():
    from service.web.openapi.model import Body, Ok, Op, on_instance

    op = Op("t", "s", Ok("ok", "Parameters"), params=("url", "code", "version"), required=("url", "code"),
            examples={"url": "http://x", "code": "a"}, body=Body("operation"), errors=(422,))
    inst = on_instance(op, drop=("url", "version"))
    assert inst.params == ("code",) and inst.required == ("code",) and inst.examples == {"code": "a"}
    assert inst.errors == (404, 422) and inst.body == op.body
    assert op.params == ("url", "code", "version")   # the type-level operation is unchanged
