"""The configuration's schema, the one home of every default, and what the steps derive from
a config: a channel's stems, the separators of a representation, the enabled models.

``workflow/schemas/config.schema.yaml`` documents and constrains every key and holds its
default; :func:`defaults` reads them from there, so library code and tests use the same values
as the workflow. Checking a config (against the schema, across keys, against the song table)
happens when the workflow loads, in :mod:`sepconv.checks`, so that an edit to a check re-runs
no step.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from .errors import ConfigError
from .names import MIXTURE, NO_SEPARATOR, STEMS

#: The config schema and the default config (the package lives in workflow/scripts/sepconv).
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"
CONFIG = Path(__file__).resolve().parents[3] / "config" / "config.yaml"


@functools.cache
def schema() -> dict:
    return yaml.safe_load(SCHEMA.read_text())


def _defaults(node: dict):
    """The default of a schema node: its ``default``, merged with its properties' defaults."""
    value = node.get("default")
    props = node.get("properties")
    if props is None:
        return value
    out = dict(value or {})
    for key, child in props.items():
        child_default = _defaults(child)
        if child_default is not None or "default" in child:
            out.setdefault(key, child_default)
    return out


def defaults(section: str | None = None) -> dict:
    """Default values from the schema: of the whole config, or of one top-level ``section``
    (``features``, ``hpss``, ``segment``, ...); ``"model"`` gives the defaults of a
    ``models:`` entry."""
    root = schema()
    if section == "model":
        return _defaults(root["properties"]["models"]["additionalProperties"])
    if section is not None:
        return _defaults(root["properties"][section])
    return _defaults(root)


def channel_stems(channel: str) -> list[str]:
    """The stems a channel sums (``[]`` for ``mixture``); raises :class:`ConfigError`."""
    if channel == MIXTURE:
        return []
    parts = channel.split("+")
    unknown = [p for p in parts if p not in STEMS]
    if unknown or len(set(parts)) != len(parts):
        raise ConfigError(
            f"channel {channel!r}: expected 'mixture' or stems joined by '+' ({', '.join(STEMS)})"
        )
    return parts


def representation_separators(channels: list[str], separators: list[str]) -> list[str]:
    """The separators a representation is computed for: ``none`` for the mixture alone."""
    return list(separators) if any(c != MIXTURE for c in channels) else [NO_SEPARATOR]


def enabled_models(config: dict) -> dict[str, dict]:
    """The enabled entries of ``models``, as training needs them: ``epochs`` resolved,
    ``enabled`` left out (switching a model off and on again does not retrain it)."""
    models = {}
    for name, entry in config["models"].items():
        if not entry.get("enabled", True):
            continue
        entry = {k: v for k, v in entry.items() if k != "enabled"}
        entry["epochs"] = model_epochs(entry, config["epochs"])
        models[name] = entry
    return models


def model_epochs(entry: dict, epochs: int | None = None) -> int:
    """A model's epochs: its own, else (``epochs: null``) the top-level ``epochs`` given,
    else the schema's default."""
    if entry.get("epochs") is not None:
        return int(entry["epochs"])
    return int(epochs if epochs is not None else defaults()["epochs"])
