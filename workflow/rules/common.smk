# The song table, wildcard constraints, path patterns and input functions. No heavy imports.

import json
import re
from pathlib import Path

import pandas as pd
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

from sepconv import config as sepconv_config
from sepconv.code import step_modules
from sepconv.corpus.songs import LABEL_COLUMNS, load_song_table, table_source
from sepconv.errors import InputError
from sepconv.learning.runs import RECORD as RUN_RECORD, seed_blocks
from sepconv.names import MIXTURE, NO_SEPARATOR, ORACLE, SELECTIONS, STEMS
from sepconv.separators.spleeter import model_root
from sepconv.signal.collection import check_collection, problems_message
from sepconv.signal.features import MelParams

# This file's folder, so that every path below holds wherever the workflow runs from and when
# it is used as a Snakemake module.
RULES_DIR = Path(str(workflow.current_basedir))
WORKFLOW_DIR = RULES_DIR.parent
SCRIPTS_DIR = WORKFLOW_DIR / "scripts"
REPORT_DIR = WORKFLOW_DIR / "report"
ENVS_DIR = WORKFLOW_DIR.parent / "envs"

# Software: `uv run snakemake` runs every rule in the locked uv environment; the same pins as a
# conda environment serve `--software-deployment-method conda`.
MAIN_ENV = "../../envs/main.yaml"

# Where a synthetic song's mixture and stems ({name}) are written; the song table points at it.
CORPUS_FILE = "results/corpus/{song}/{name}.wav"

try:
    SONGS = load_song_table(config["dataset"], CORPUS_FILE, log=logger.info)
    validate(SONGS, WORKFLOW_DIR / "schemas" / "songs.schema.yaml")
    sepconv_config.check(config, SONGS, table_source(config["dataset"]))
except InputError as err:
    raise WorkflowError(str(err)) from None

# `oracle` needs every song's reference stems: left out, with one line, where the data has none
SEPARATORS, LEFT_OUT = sepconv_config.usable_separators(
    config["separators"], SONGS, table_source(config["dataset"])
)
if LEFT_OUT:
    logger.info(LEFT_OUT)

# Separation quality: every separator but the oracle against the reference stems (the oracle's
# stems, cut like the segment) of the songs that have them.
QUALITY_SONGS = list(SONGS.index[SONGS["has_stems"]])
QUALITY_SEPARATORS = [s for s in SEPARATORS if s != ORACLE] if QUALITY_SONGS else []
if not QUALITY_SONGS:
    logger.info(
        f"separation quality not measured: no song of {table_source(config['dataset'])} has "
        f"reference stems (sheet columns {', '.join(STEMS)}); results/separation/quality.tsv "
        "is not made"
    )
elif not QUALITY_SEPARATORS:
    logger.info(
        "separation quality not measured: `separators` lists only the oracle, whose stems are "
        "the references; results/separation/quality.tsv is not made"
    )
REPRESENTATIONS = dict(config["representations"])
MODELS = sepconv_config.enabled_models(config)
SEEDS = list(range(1, config["trials"] + 1))
# The genre-pair experiment: its enabled models and its seeds of the shared splits
PAIR_MODELS = [name for name in config["pairs"]["models"] if name in MODELS]
PAIR_SEEDS = list(range(1, config["pairs"]["trials"] + 1))
SEED_BLOCKS = seed_blocks(config["trials"], config["seeds_per_job"])
MEL_PARAMS = MelParams.from_config(config["features"])
SEGMENT_RATE = config["segment"]["sample_rate"]
SEGMENT_S = MEL_PARAMS.segment_samples(SEGMENT_RATE) / SEGMENT_RATE

# Every song file of a sheet or folder is checked from its header when the workflow loads;
# the run stops before its first job with one error listing every file that cannot be used
# (`onstart` below). With --keep-going it is a warning instead, and each bad song's own job
# fails while every other song goes on.
if config["dataset"]["source"] == "synthetic":
    AUDIO, COLLECTION_PROBLEMS = None, []
else:
    AUDIO, COLLECTION_PROBLEMS = check_collection(
        SONGS,
        SEGMENT_S,
        config["segment"]["pad"],
        cache=".snakemake/sepconv/headers.json",
    )


onstart:
    # runs before the first job; --keep-going is known only here, not when the file loads
    if COLLECTION_PROBLEMS:
        if workflow.execution_settings.keep_going:
            logger.warning(problems_message(COLLECTION_PROBLEMS))
        else:
            raise WorkflowError(problems_message(COLLECTION_PROBLEMS))


wildcard_constraints:
    song="|".join(map(re.escape, SONGS.index)),
    stem="|".join(STEMS),
    representation="|".join(map(re.escape, REPRESENTATIONS)),
    model="|".join(map(re.escape, MODELS)),
    separator="|".join([NO_SEPARATOR, *SEPARATORS]),
    seed=r"[1-9]\d*",


def code(script):
    """A step script and the library files it imports: a rule's `code` input, so that a
    changed library module re-runs the jobs whose steps import it."""
    path = SCRIPTS_DIR / script
    return [str(path), *step_modules(path, SCRIPTS_DIR)]


def separators_for(representation):
    """`none` for a mixture-only representation, else every configured separator."""
    return sepconv_config.representation_separators(
        REPRESENTATIONS[representation], SEPARATORS
    )


def mel_channels(separator):
    """The channels of a separator's spectrogram file: the mixture under `none`; else each
    stem, then each sum of stems that a representation uses."""
    if separator == NO_SEPARATOR:
        return [MIXTURE]
    channels = list(STEMS)
    for representation_channels in REPRESENTATIONS.values():
        for channel in representation_channels:
            if channel != MIXTURE and channel not in channels:
                channels.append(channel)
    return channels


def song_labels():
    """The rows of results/songs.tsv: what the splits and the tensors read of each song."""
    return SONGS[LABEL_COLUMNS].fillna("").values.tolist()


def synthesis_settings():
    """What synthesising one song uses of `dataset.synthetic` (not the song counts: a new
    song of a genre leaves the others as they are)."""
    synthetic = config["dataset"]["synthetic"]
    keys = ("seed", "sample_rate", "duration", "difficulty", "vocals_share")
    return {key: synthetic[key] for key in keys}


def get_song_genre(wildcards):
    return SONGS.loc[wildcards.song, "genre"]


def get_song_artist(wildcards):
    return SONGS.loc[wildcards.song, "artist"]


def get_song_audio(wildcards):
    """The song's full-length audio: the generated corpus file or the sheet's path."""
    return SONGS.loc[wildcards.song, "path"]


def get_reference_stems(wildcards):
    """The song's reference stems, in STEMS order: the corpus's or the sheet's files."""
    return SONGS.loc[wildcards.song, list(STEMS)].tolist()


def song_may_be_short(song):
    """Whether a song may end before its segment does (then `segment.pad` matters to it)."""
    start = SONGS.loc[song, "start"]
    need = SEGMENT_S + (0.0 if pd.isna(start) else float(start))
    if AUDIO is None:  # synthetic: no shorter than the configured minimum length
        return config["dataset"]["synthetic"]["duration"][0] < need
    return bool(AUDIO.loc[song, "short"] or AUDIO.loc[song, "problem"])


def get_segment_settings(wildcards):
    """What cutting one song's segments depends on: the rate; the number of segments where it
    is more than one; the search grid only for a song without a `start` cut into one
    segment; `pad` only for a song that may be shorter than its segment. So a changed setting
    re-runs only the songs it concerns."""
    settings = {"sample_rate": SEGMENT_RATE}
    per_song = config["segment"]["per_song"]
    if per_song > 1:  # absent at 1: the paper's protocol keeps the segments' parameters
        settings["per_song"] = per_song
    if per_song == 1 and pd.isna(SONGS.loc[wildcards.song, "start"]):
        settings["search_step"] = config["segment"]["search_step"]
    if song_may_be_short(wildcards.song):
        settings["pad"] = config["segment"]["pad"]
    return settings


def get_segment_start(wildcards):
    """Segment start in seconds from the song table, or 'auto'."""
    start = SONGS.loc[wildcards.song, "start"]
    return "auto" if pd.isna(start) else float(start)


def get_mel_input(wildcards):
    """The segment (separator `none`), or the separator's four stems of one song."""
    if wildcards.separator == NO_SEPARATOR:
        return {
            "segment": rules.segment_song.output.segment.format(song=wildcards.song)
        }
    separate = getattr(rules, f"separate_{wildcards.separator}")
    return {
        "stems": [path.format(song=wildcards.song) for path in separate.output.stems]
    }


def get_mel_channels(wildcards):
    return mel_channels(wildcards.separator)


def get_separator_mels(wildcards):
    """The spectrogram files of every song under the tensor's separator."""
    if wildcards.separator not in separators_for(wildcards.representation):
        raise WorkflowError(
            f"representation {wildcards.representation} is computed for separator(s) "
            f"{', '.join(separators_for(wildcards.representation))}, "
            f"not {wildcards.separator}"
        )
    return expand(
        rules.compute_mel.output.npz, separator=wildcards.separator, song=SONGS.index
    )


def get_representation_channels(wildcards):
    return REPRESENTATIONS[wildcards.representation]


def get_tensor_paths():
    return [
        rules.stack_tensor.output.npz.format(
            separator=separator, representation=representation
        )
        for representation in REPRESENTATIONS
        for separator in separators_for(representation)
    ]


def get_model_params(wildcards):
    """A model's entry as training needs it (see sepconv.config.enabled_models)."""
    return MODELS[wildcards.model]


def get_model_tensor(wildcards):
    representation = MODELS[wildcards.model]["representation"]
    if wildcards.separator not in separators_for(representation):
        raise WorkflowError(
            f"model {wildcards.model} ({representation}) is trained on separator(s) "
            f"{', '.join(separators_for(representation))}, not {wildcards.separator}"
        )
    return rules.stack_tensor.output.npz.format(
        separator=wildcards.separator, representation=representation
    )


def get_run_paths():
    return [
        RUN_RECORD.format(separator=separator, model=model, seed=seed)
        for model, entry in MODELS.items()
        for separator in separators_for(entry["representation"])
        for seed in SEEDS
    ]


def training_rule_name(seeds):
    """The rule that trains a block of seeds (see train.smk)."""
    return f"train_model_seeds{seeds[0]}_{seeds[-1]}"


def inherit_training_settings(names, template="train_model"):
    """Give the training rules `names` the threads and resources that the command line or a
    profile sets for `template` (`--set-threads`, `--set-resources`), where they are not set
    for the rule itself. Under `module ... as prefix_*` the template is
    `prefix_train_model`. (Snakemake knows these settings when the workflow loads; not
    `--groups`, which it learns later: name a training rule itself to group it.)"""
    resources = workflow.resource_settings
    for name in names:
        training = getattr(rules, name).rule
        prefix = training.name[: len(training.name) - len(name)]
        own, common = training.name, prefix + template
        threads = resources._parsed_overwrite_threads.get(common)
        if threads is not None and own not in resources.overwrite_threads:
            training.resources["_cores"] = threads
        training.resources.update(resources._parsed_overwrite_resources.get(common, {}))
        training.resources.update(resources._parsed_overwrite_resources.get(own, {}))


FIGURES = {
    "f1": "F1 distributions",
    "accuracy": "accuracy distributions",
    "paired_differences": "paired differences",
    "confusion": "mean confusion matrices",
    "genres": "per-genre F1 differences",
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
    return [
        path.format(selection=selection)
        for selection in SELECTIONS
        for path in rules.plot_figures.output
    ]


def quality_files():
    """What the separation quality reads, per (separator, song): the segment (the mixture),
    the reference stems and the separator's stems."""
    files = []
    for separator in QUALITY_SEPARATORS:
        separate = getattr(rules, f"separate_{separator}")
        for song in QUALITY_SONGS:
            files.append(
                {
                    "separator": separator,
                    "song": song,
                    "genre": SONGS.loc[song, "genre"],
                    "mixture": rules.segment_song.output.segment.format(song=song),
                    "references": [
                        path.format(song=song)
                        for path in rules.separate_oracle.output.stems
                    ],
                    "estimates": [
                        path.format(song=song) for path in separate.output.stems
                    ],
                }
            )
    return files


def quality_inputs():
    return sorted(
        {
            path
            for entry in quality_files()
            for path in [entry["mixture"], *entry["references"], *entry["estimates"]]
        }
    )


def get_quality_outputs():
    """The quality table, its summary and figure, where the data has reference stems."""
    if not QUALITY_SEPARATORS:
        return []
    return [
        rules.measure_separation.output.tsv,
        rules.measure_separation.output.summary,
        *rules.plot_quality.output,
    ]


def get_pair_paths():
    """Every (separator, model) file of the genre-pair experiment."""
    return [
        rules.train_pairs.output.tsv.format(separator=separator, model=model)
        for model in PAIR_MODELS
        for separator in separators_for(MODELS[model]["representation"])
    ]


def get_pairs_outputs():
    if not PAIR_MODELS:
        raise WorkflowError(
            "pairs.models: none of "
            f"{', '.join(config['pairs']['models'])} is an enabled model; nothing to train"
        )
    return [*rules.collect_pairs.output]


def get_final_output():
    return [
        rules.collect_metrics.output.tsv,
        rules.make_table1.output.tsv,
        rules.make_table1.output.md,
        rules.test_significance.output.tsv,
        rules.test_significance.output.genres,
        *get_figure_paths(),
        *get_quality_outputs(),
        *(get_pairs_outputs() if config["pairs"]["in_all"] else []),
    ]
