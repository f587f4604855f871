from pathlib import Path

import yaml

from sepconv.checks import config_error
from sepconv.config import defaults
from sepconv.learning.models import ModelSpec
from sepconv.separators.hpss import HpssParams
from sepconv.signal.features import MelParams

SCHEMA = Path(__file__).resolve().parents[1] / "workflow/schemas/config.schema.yaml"
CONFIG = yaml.safe_load((SCHEMA.parents[2] / "config/config.yaml").read_text())


def test_the_shipped_config_is_valid():
    assert config_error(CONFIG, SCHEMA) is None


def test_one_line_naming_the_deepest_key_and_counting_the_rest():
    bad = {**CONFIG, "trials": 0, "models": {"m": {"representation": "mix", "kernel": [3, -1]}}}
    message = config_error(bad, SCHEMA)
    assert "\n" not in message
    assert message.startswith("config key ")
    assert "models.m.kernel[1]: -1 is less than the minimum of 1" in message
    assert message.endswith("(and 1 more problem(s))")


def _leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    else:
        yield path, node


def test_config_yaml_restates_no_schema_default():
    """Every default has one home, the schema: the shipped config names only what has none."""
    model_defaults = defaults("model")
    for path, value in _leaves(CONFIG):
        if path[0] == "models":
            assert model_defaults.get(path[-1], object()) != value, path
            continue
        node = defaults()
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        assert node is None, f"{'.'.join(path)} restates the schema's default {node!r}"


def test_library_defaults_are_the_schema_defaults():
    assert defaults("features")["n_frames"] == MelParams.from_config().n_frames == 458
    assert HpssParams.from_config().vocal_band == (150.0, 8000.0)
    spec = ModelSpec.from_config({"representation": "stems3"})
    assert (spec.filters, spec.l1, spec.l2, spec.dropout, spec.epochs) == (
        (8, 16),
        1e-5,
        1e-4,
        0.5,
        defaults()["epochs"],
    )
    assert defaults()["trials"] == 50 and defaults()["separators"] == ["oracle", "hpss"]


def test_config_readme_states_the_schema_defaults(repo):
    """config/README.md explains every key with its default; each default it states as one
    literal must be the schema's, so the page cannot drift from the one home of defaults."""
    import re

    text = (repo / "config" / "README.md").read_text()
    compared = 0
    for section, body in re.findall(r"^## `([a-z_]+)`.*?\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        expected = defaults("model") if section == "models" else defaults().get(section)
        if not isinstance(expected, dict):  # a section of top-level keys (trials, epochs, ...)
            expected = defaults()
        for key, cell in re.findall(r"^\| `([a-z_.]+)` \| ([^|]*) \|", body, re.M):
            literal = re.fullmatch(r"`([^`]*)`", cell.strip())
            if not literal:
                continue
            value = expected
            for part in key.split("."):
                value = value[part]
            assert yaml.safe_load(literal[1]) == value, f"{section}.{key}: {cell.strip()}"
            compared += 1
    assert compared >= 44
