"""One-line messages for configuration errors.

Snakemake's ``validate`` checks the config against ``workflow/schemas/config.schema.yaml``
and fills in defaults; when it fails, its message prints the whole schema and the whole
config. :func:`config_error` names the offending key instead, for example
``config key models.mix-conv: unknown key 'filterz' (known: activation, batch_size, ...)``.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def _key(path) -> str:
    """``models.mix-conv.filters[0]`` for the path ``("models", "mix-conv", "filters", 0)``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def _describe(error) -> str:
    """A one-line description of a ``jsonschema.ValidationError``."""
    where = _key(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in known)
        listed = ", ".join(repr(k) for k in unknown)
        plural = "s" if len(unknown) > 1 else ""
        return (
            f"config key {where}: unknown key{plural} {listed} "
            f"(known: {', '.join(known) or 'none'})"
        )
    if error.validator == "enum":
        choices = ", ".join(repr(c) for c in error.validator_value)
        return f"config key {where}: {error.instance!r} is not one of {choices}"
    return f"config key {where}: {error.message}"


def config_error(config: dict, schema_path: str | Path) -> str | None:
    """The first problem of ``config`` against the schema, as one line; None when valid."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import relevance

    schema = yaml.safe_load(Path(schema_path).read_text())
    errors = list(Draft202012Validator(schema).iter_errors(config))
    if not errors:
        return None
    # the deepest, most specific error first, as jsonschema's best_match ranks them
    error = min(errors, key=relevance)
    if len(errors) > 1:
        return f"{_describe(error)} (and {len(errors) - 1} more problem(s))"
    return _describe(error)
