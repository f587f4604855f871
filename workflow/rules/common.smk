# The song table, wildcard constraints and input functions. No heavy imports here.

import json
import re
from pathlib import Path

import pandas as pd
from snakemake.exceptions import WorkflowError

from sepconv import STEMS
from sepconv.features import MIXTURE, channel_stems, needs_separator
from sepconv.songs import SheetError, load_song_table
from sepconv.spleeter import model_root
from sepconv.splits import SplitError, check_splittable

# Software: `uv run snakemake` runs every rule in the locked uv environment; the same pins as a
# conda environment serve `--software-deployment-method conda`.
MAIN_ENV = "../../envs/main.yaml"

try:
    SONGS = load_song_table(config["dataset"])
except SheetError as err:
    raise WorkflowError(str(err)) from None

validate(SONGS, Path(workflow.basedir) / "workflow" / "schemas" / "songs.schema.yaml")

SEPARATORS = list(config["separators"])
REPRESENTATIONS = dict(config["representations"])
for _name, _channels in REPRESENTATIONS.items():
    for _channel in _channels:
        channel_stems(_channel)  # raises on an unknown stem

if "oracle" in SEPARATORS and not SONGS["has_stems"].all():
    raise WorkflowError(
        "separator 'oracle' needs ground-truth stems, and this dataset has none "
        f"(dataset.source: {config['dataset']['source']}); remove it from `separators`"
    )


wildcard_constraints:
    song="|".join(map(re.escape, SONGS.index)),
    stem="|".join(STEMS),
    representation="|".join(map(re.escape, REPRESENTATIONS)),


def separators_for(representation):
    """`none` for a mixture-only representation, else every configured separator."""
    return SEPARATORS if needs_separator(REPRESENTATIONS[representation]) else ["none"]


def stem_channels():
    """Every stem channel a mel file of a separator holds: each stem, then each sum used."""
    channels = list(STEMS)
    for representation_channels in REPRESENTATIONS.values():
        for channel in representation_channels:
            if channel != MIXTURE and channel not in channels:
                channels.append(channel)
    return channels


def get_song_genre(wildcards):
    return SONGS.loc[wildcards.song, "genre"]


def get_song_artist(wildcards):
    return SONGS.loc[wildcards.song, "artist"]


def get_song_audio(wildcards):
    """The song's full-length audio: the generated corpus file or the sheet's path."""
    return SONGS.loc[wildcards.song, "path"]


def get_segment_start(wildcards):
    """Segment start in seconds from the song table, or 'auto'."""
    start = SONGS.loc[wildcards.song, "start"]
    return "auto" if pd.isna(start) else float(start)


def get_representation_channels(wildcards):
    return REPRESENTATIONS[wildcards.representation]


def get_mel_audio(wildcards):
    """The segment, and the stems of every configured separator, of one song."""
    inputs = {"segment": rules.segment_song.output.segment.format(song=wildcards.song)}
    for separator in SEPARATORS:
        inputs[separator] = expand(
            "results/stems/{separator}/{song}/{stem}.wav",
            separator=separator,
            song=wildcards.song,
            stem=STEMS,
        )
    return inputs


def get_tensor_paths():
    return [
        f"results/tensors/{separator}/{representation}.npz"
        for representation in REPRESENTATIONS
        for separator in separators_for(representation)
    ]


def get_final_output():
    return get_result_paths()


MODELS = {
    name: dict(entry) for name, entry in config["models"].items() if entry["enabled"]
}
SEEDS = list(range(1, config["trials"] + 1))
for _name, _entry in config["models"].items():
    if _entry["representation"] not in REPRESENTATIONS:
        raise WorkflowError(
            f"models.{_name}.representation: {_entry['representation']!r} is not one of "
            f"`representations` ({', '.join(REPRESENTATIONS)})"
        )
if not MODELS:
    raise WorkflowError("models: every model has `enabled: false`; enable at least one")
if config["trials"] < 2:
    raise WorkflowError(
        f"trials: {config['trials']}; the significance tests compare models over at least 2 trials"
    )
if config["baseline"] not in config["models"]:
    raise WorkflowError(
        f"baseline: {config['baseline']!r} is not one of `models` ({', '.join(config['models'])})"
    )
try:
    check_splittable(SONGS.reset_index(drop=True))
except SplitError as err:
    raise WorkflowError(f"dataset: {err}") from None


wildcard_constraints:
    model="|".join(map(re.escape, MODELS)),
    seed=r"[1-9]\d*",


def get_model_params(wildcards):
    """A model's entry as training needs it: `epochs` resolved, `enabled` left out (so that
    switching a model off and on again does not retrain it)."""
    entry = {k: v for k, v in MODELS[wildcards.model].items() if k != "enabled"}
    if entry.get("epochs") is None:
        entry["epochs"] = config["epochs"]
    return entry


def get_model_tensor(wildcards):
    representation = MODELS[wildcards.model]["representation"]
    if wildcards.separator not in separators_for(representation):
        raise WorkflowError(
            f"model {wildcards.model} ({representation}) is trained on separator(s) "
            f"{', '.join(separators_for(representation))}, not {wildcards.separator}"
        )
    return f"results/tensors/{wildcards.separator}/{representation}.npz"


def get_run_paths():
    return [
        f"results/runs/{separator}/{model}/seed{seed}.json"
        for model, entry in MODELS.items()
        for separator in separators_for(entry["representation"])
        for seed in SEEDS
    ]


SELECTIONS = ["min_test_loss", "last_epoch"]
REPORT_DIR = Path(workflow.basedir) / "workflow" / "report"
FIGURES = {
    "f1": "F1 distributions",
    "accuracy": "accuracy distributions",
    "paired_differences": "paired differences",
    "confusion": "mean confusion matrices",
}


def get_figure_outputs():
    """Named outputs of the figures rule, per `{selection}`: `{figure}_png` (in the report) and
    `{figure}_pdf`."""
    outputs = {}
    for number, figure in enumerate(FIGURES, start=3):
        stem = f"results/figures/{figure}_{{selection}}"
        outputs[f"{figure}_png"] = report(
            f"{stem}.png",
            caption=str(REPORT_DIR / f"{figure}.rst"),
            category=f"{number}. {FIGURES[figure].capitalize()}",
            subcategory="{selection}",
            labels={"figure": FIGURES[figure], "selection": "{selection}"},
        )
        outputs[f"{figure}_pdf"] = f"{stem}.pdf"
    return outputs


def get_figure_paths():
    return expand(
        "results/figures/{figure}_{selection}.{ext}",
        figure=FIGURES,
        selection=SELECTIONS,
        ext=["png", "pdf"],
    )


def get_result_paths():
    return [
        "results/metrics.tsv",
        "results/table1.tsv",
        "results/table1.md",
        "results/significance.tsv",
        *get_figure_paths(),
    ]
