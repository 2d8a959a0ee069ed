"""Shared by the tests of service/web/openapi: the generated document (in memory) and small readers of it."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def spec() -> dict:
    from service.web.openapi import build

    return build()


def resolve(node: dict, document: dict | None = None) -> dict:
    document = document or spec()
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def op(path: str, method: str = "get") -> dict:
    return spec()["paths"][path][method]


def params(operation: dict) -> list[dict]:
    return [resolve(p) for p in operation.get("parameters", [])]


def param(path: str, name: str, method: str = "get") -> dict:
    return next(p for p in params(op(path, method)) if p["name"] == name)
