"""How a layer reads its settings: the app configuration (create_app / `serve` flags), else RRALL_<NAME>."""
from __future__ import annotations

import os

_FALSE = ("0", "false", "off", "no")


def setting(cfg: dict, name: str, default):
    """A layer's setting: the app configuration (create_app / `serve` flags), else RRALL_<name>, else default."""
    value = cfg.get(name)
    if value is None:
        env = os.environ.get("RRALL_" + name)
        value = env.strip() if env is not None and env.strip() else default
    return value


def enabled(value) -> bool:
    """A boolean setting given as a bool or as text (0/false/off/no are false)."""
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE
    return bool(value)
