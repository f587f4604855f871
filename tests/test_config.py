from pathlib import Path

import yaml

from sepconv.config import config_error

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
