"""service.serving: how the production servers are set up around an app built in the parent, without starting one
(the server classes are replaced; gc.freeze and the start method are watched)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from service import config, serving

APP = SimpleNamespace(extensions={"rrall": {"config": config.load()}})   # an app as create_app leaves it
READERS = config.DEFAULTS["BODY_READERS"]


@pytest.fixture
def frozen(monkeypatch):
    calls = []
    monkeypatch.setattr(serving.gc, "freeze", lambda: calls.append("freeze"))
    return calls


def start_method(monkeypatch, current):
    state = {"method": current, "set": []}

    def set_start_method(m):
        state["set"].append(m)
        state["method"] = m
    monkeypatch.setattr(serving, "multiprocessing", SimpleNamespace(
        get_start_method=lambda allow_none=False: state["method"], set_start_method=set_start_method))
    return state


@pytest.fixture
def granian(monkeypatch):
    """Granian replaced by a recorder: its constructor arguments and the app its loader gives."""
    import granian as real

    made = []

    class FakeGranian:
        def __init__(self, target, **kw):
            self.target, self.kw = target, kw
            made.append(self)

        def serve(self, target_loader):
            self.loaded = target_loader(self.target)
    monkeypatch.setattr(real, "Granian", FakeGranian)
    return made


@pytest.mark.parametrize("current", [None, "fork"])
def test_granian_gets_the_built_app_in_forked_workers(monkeypatch, frozen, granian, current):
    state = start_method(monkeypatch, current)
    serving.run(APP, server="granian", host="127.0.0.1", port=18711, workers=3, threads=2, worker_class="gthread")
    [server] = granian
    assert frozen == ["freeze"]                            # before the workers fork
    assert server.loaded is APP
    assert state["method"] == "fork" and state["set"] == ([] if current else ["fork"])
    kw = server.kw
    # threads for requests plus one serving thread per body reader (service/web/layers/intake.py)
    assert (kw["address"], kw["port"], kw["workers"], kw["blocking_threads"]) == ("127.0.0.1", 18711, 3, 2 + READERS)
    assert kw["http1_settings"].header_read_timeout == 10_000 and kw["workers_kill_timeout"] == 20
    assert str(kw["interface"]).lower().endswith("wsgi") and kw["respawn_failed_workers"] is True


def test_granian_refuses_workers_that_would_not_inherit_the_app(monkeypatch, frozen, granian):
    start_method(monkeypatch, "spawn")
    with pytest.raises(RuntimeError, match="'spawn'.*--server gunicorn"):
        serving.run(APP, server="granian", host="127.0.0.1", port=18712, workers=1, threads=1,
                    worker_class="gthread")
    assert granian == []


def test_gunicorn_preloads_the_app_with_the_options_given(monkeypatch, frozen):
    from gunicorn.app.base import BaseApplication

    ran = []
    monkeypatch.setattr(BaseApplication, "run", lambda self: ran.append(self))
    serving.run(APP, server="gunicorn", host="127.0.0.1", port=18713, workers=4, threads=8, worker_class="sync")
    [server] = ran
    cfg = server.cfg
    assert cfg.bind == ["127.0.0.1:18713"] and cfg.workers == 4 and cfg.threads == 8
    assert cfg.preload_app is True and cfg.accesslog is None and cfg.timeout == 60
    assert cfg.settings["worker_class"].value == "sync"
    assert cfg.worker_class_str == "gthread"          # gunicorn's rule: sync with threads > 1 runs gthread
    assert server.load() is APP and frozen == ["freeze"]
    serving.run(APP, server="gunicorn", host="127.0.0.1", port=18713, workers=1, threads=1, worker_class="sync")
    assert ran[-1].cfg.worker_class_str == "sync"
