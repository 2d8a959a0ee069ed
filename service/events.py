"""Observation points: handlers report what only they know, without knowing who listens.

``operations.expand`` is the single place where an expansion's total (codes matching after the text filter and
activeOnly) and the number of codes returned (after paging) are both known. It calls :func:`expansion`; the
metrics layer (``service/web/layers/metrics.py``) subscribes with :func:`on_expansion`. This module imports nothing,
so handlers and the engine side stay free of web and metrics libraries.
"""
from __future__ import annotations

from typing import Callable

_expansion_listeners: list[Callable[[int, int], None]] = []


def on_expansion(listener: Callable[[int, int], None]) -> None:
    """Call ``listener(total, returned)`` after every expansion (registered once per listener)."""
    if listener not in _expansion_listeners:
        _expansion_listeners.append(listener)


def expansion(total: int, returned: int) -> None:
    """An expansion was computed: ``total`` codes matched, ``returned`` codes are in the answer."""
    for listener in _expansion_listeners:
        listener(total, returned)
