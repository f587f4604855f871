"""Every check made when the workflow loads, before any job: the config against its schema
(one line naming the key), across keys and against the song table.

Snakemake's ``validate`` checks the config against the schema and fills in the defaults; when
it fails, its message prints the whole schema and the whole config. :func:`config_error`
names the offending key instead, for example ``config key models.mix-conv: unknown key
'filterz' (known: activation, batch_size, ...)``. :func:`check_config` holds the checks across
keys and of the config against the song table. No step imports this module: the workflow and
the plan do (:mod:`sepconv.plan`), so an edit here re-runs no job.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .config import CONFIG, SCHEMA, channel_stems, enabled_models
from .errors import ConfigError, SplitError
from .names import ORACLE, STEMS


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
    if error.validator == "anyOf":  # choices, or a pattern that its description names
        choices = [repr(c) for branch in error.validator_value for c in branch.get("enum", [])]
        others = [b["description"] for b in error.validator_value if "description" in b]
        return (
            f"config key {where}: {error.instance!r} is not one of {', '.join(choices)}"
            + "".join(f", nor {other}" for other in others)
        )
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


def merge(base: dict, overlay: dict) -> dict:
    """``overlay`` over ``base`` as Snakemake merges ``--configfile``: mappings key by key,
    everything else (lists too) replaced."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(*overlays: str | Path) -> dict:
    """The workflow's config outside Snakemake (for tools): ``config/config.yaml``, the
    ``overlays`` merged over it, checked against the schema with its defaults filled in (the
    checks across keys and against the songs: :func:`check_config`, which
    :func:`sepconv.plan.load_songs` runs)."""
    config = yaml.safe_load(CONFIG.read_text())
    for overlay in overlays:
        config = merge(config, yaml.safe_load(Path(overlay).read_text()) or {})
    validate_config(config)
    return config


def validate_config(config: dict, schema_path: str | Path = SCHEMA) -> None:
    """Check ``config`` against the schema and fill in its defaults, as Snakemake's
    ``validate`` does; a problem is one :class:`ConfigError` naming the key (Snakemake's own
    message prints the whole schema and config)."""
    from snakemake.utils import validate

    try:
        validate(config, schema_path)
    except Exception:
        raise ConfigError(config_error(config, schema_path) or "invalid config") from None


def needs_references(separator: str) -> bool:
    """Whether a separator is made from the reference stems: the oracle, and the rungs of
    the ladder (``ladder-S``)."""
    from .separators.ladder import is_rung

    return separator == ORACLE or is_rung(separator)


def usable_separators(separators, songs, source: str) -> tuple[list[str], str | None]:
    """The configured ``separators`` that the song table ``songs`` can use, and why some
    were left out (None when none was): the oracle and the ladder's rungs need every song's
    reference stems, so a data set without them runs the other separators, with this one
    line in the log."""
    separators = list(separators)
    left_out = [s for s in separators if needs_references(s)]
    if not left_out or songs["has_stems"].all():
        return separators, None
    missing = int((~songs["has_stems"]).sum())
    names = ", ".join(left_out)
    plural = "s" if len(left_out) > 1 else ""
    return [s for s in separators if s not in left_out], (
        f"separator{plural} {names} left out: {missing} of {len(songs)} songs of {source} have "
        f"no reference stems (sheet columns {', '.join(STEMS)}), and the {names} need"
        f"{'' if plural else 's'} every song's"
    )


def check_config(config: dict, songs=None, source: str = "the song table") -> None:
    """Every check across keys of a validated ``config``, and of it against the song table (a
    DataFrame with ``song``, ``genre``, ``artist`` and ``has_stems``, read from ``source``);
    raises one :class:`~sepconv.errors.ConfigError` naming the key, or
    :class:`~sepconv.errors.SplitError` naming the source and the genres. Run when the
    workflow loads (:func:`sepconv.plan.load_songs`)."""
    for name, channels in config["representations"].items():
        for channel in channels:
            try:
                channel_stems(channel)
            except ConfigError as err:
                raise ConfigError(f"representations.{name}: {err}") from None
    for name, entry in config["models"].items():
        if entry["representation"] not in config["representations"]:
            raise ConfigError(
                f"models.{name}.representation: {entry['representation']!r} is not one of "
                f"`representations` ({', '.join(config['representations'])})"
            )
    models = enabled_models(config)
    if not models:
        raise ConfigError("models: every model has `enabled: false`; enable at least one")
    baseline = config["baseline"]
    if baseline not in config["models"]:
        raise ConfigError(
            f"baseline: {baseline!r} is not one of `models` ({', '.join(config['models'])})"
        )
    if baseline not in models:
        raise ConfigError(
            f"baseline: {baseline!r} has `enabled: false`; the significance tests compare "
            "every model with it, so enable it or name another baseline"
        )
    pair_models = config.get("pairs", {}).get("models", [])
    unknown = [name for name in pair_models if name not in config["models"]]
    if unknown:
        raise ConfigError(
            f"pairs.models: {', '.join(map(repr, unknown))} not in `models` "
            f"({', '.join(config['models'])})"
        )
    from .separators.ladder import is_rung, strength

    rungs: dict[float, str] = {}
    for separator in config["separators"]:
        if is_rung(separator):
            same = rungs.setdefault(strength(separator), separator)
            if same != separator:
                raise ConfigError(
                    f"separators: {separator!r} and {same!r} are the same rung of the ladder "
                    "(the same strength); list it once"
                )
    for learned in ("spleeter", "demucs"):
        blocks = config[learned]["blocks"]
        if learned in config["separators"] and blocks > config["song_blocks"]:
            raise ConfigError(
                f"{learned}.blocks: {blocks} is more than song_blocks ({config['song_blocks']}): "
                f"a {learned} block runs whole per-song blocks, so at most song_blocks of them "
                f"hold songs; raise song_blocks to {blocks} or more (4 times as many spreads "
                "the songs more evenly)"
            )
    if songs is None:
        return
    if not usable_separators(config["separators"], songs, source)[0]:
        listed = ", ".join(repr(s) for s in config["separators"])
        one = len(config["separators"]) == 1
        raise ConfigError(
            f"separators: only {listed} {'is' if one else 'are'} listed, and "
            f"{'it needs' if one else 'they need'} every song's reference stems, "
            f"which {source} does not give (sheet columns {', '.join(STEMS)}); "
            "list hpss, spleeter or demucs"
        )
    import pandas as pd

    from .learning.splits import check_splittable, split_groups

    try:
        check_splittable(songs.reset_index(drop=True))
    except SplitError as err:
        raise SplitError(f"{source}: {err}") from None
    if config.get("validation"):
        table = songs.reset_index(drop=True)
        groups = pd.Series(split_groups(table), index=table.index).groupby(table["genre"])
        small = groups.nunique().sort_index()
        small = small[small < 3]
        if len(small):
            listed = ", ".join(f"{genre} ({n})" for genre, n in small.items())
            raise SplitError(
                f"{source}: validation: {config['validation']} holds training songs out of every "
                "genre, so every genre needs songs of at least 3 artists (songs without an "
                f"artist count one each), for training, validation and test; too few: {listed}"
            )
