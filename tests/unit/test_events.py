"""service/events.py: listeners get every expansion's sizes, once each however often they register."""
from __future__ import annotations

from service import events


def test_listeners_are_called_once_per_expansion_and_registered_once():
    seen = []

    def listener(total, returned):
        seen.append((total, returned))

    events.on_expansion(listener)
    events.on_expansion(listener)
    events.expansion(12, 5)
    assert seen == [(12, 5)]
    events._expansion_listeners.remove(listener)


def test_an_expansion_through_the_handler_reports_total_and_page(make_ctx):
    from helpers import vs_url
    seen = []
    events.on_expansion(lambda t, r: seen.append((t, r)))
    try:
        from service.operations import expand
        from service.params import requests as R
        req = R.expand({"url": [vs_url("animals-all")], "count": [2]})
        body = expand(make_ctx(), req)
    finally:
        events._expansion_listeners.pop()
    assert seen == [(body["expansion"]["total"], 2)]
