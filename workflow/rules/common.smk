# The song table, the settings every stage shares, the path patterns and wildcard constraints.
# No heavy imports. The input functions are in inputs.smk; the decisions behind them live in
# the library (sepconv.plan, sepconv.blocks).

import json
import math
import re
from pathlib import Path

import pandas as pd
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

from sepconv import config as sepconv_config, plan
from sepconv.blocks import PER_SONG, SongBlocks, block_count, seed_blocks
from sepconv.imports import library_digest
from sepconv.corpus.songs import LABEL_COLUMNS, labels_unchanged, table_source
from sepconv.errors import InputError
from sepconv.learning.runs import RECORD_PATH as RUN_RECORD
from sepconv.names import FIGURES, MIXTURE, NO_SEPARATOR, ORACLE, SELECTIONS, STEMS
from sepconv.separators.demucs import Settings as DemucsSettings
from sepconv.separators.demucs import model_folder as demucs_model_folder
from sepconv.separators.spleeter import model_root
from sepconv.signal.collection import check_collection, problems_message
from sepconv.signal.features import MelParams

# This file's folder, so that every path below holds wherever the workflow runs from and when
# it is used as a Snakemake module.
WORKFLOW_DIR = Path(str(workflow.current_basedir)).parent
SCRIPTS_DIR = WORKFLOW_DIR / "scripts"
REPORT_DIR = WORKFLOW_DIR / "report"
ENVS_DIR = WORKFLOW_DIR.parent / "envs"

# Software: `uv run snakemake` runs every rule in the locked uv environment; the same pins as a
# conda environment serve `--software-deployment-method conda`.
MAIN_ENV = "../../envs/main.yaml"

# Where a synthetic song's mixture and stems ({name}) are written; the song table points at it.
CORPUS_FILE = "results/corpus/{song}/{name}.wav"
# Where a song's segments and their record, every separator's stems of it, and its
# spectrograms under a separator are written. The per-song steps run blocks of songs: a block
# job's declared output is its block record (sepconv.blocks), which lists these files.
SEGMENT_FILE = "results/segments/{song}.wav"
SEGMENT_INFO = "results/segments/{song}.json"
STEM_FILE = "results/stems/{separator}/{song}/{stem}.wav"
MEL_FILE = "results/mels/{separator}/{song}.npz"
STEM_RECORD = "results/stems/{separator}/blocks/{block}.tsv"

SOURCE = table_source(config["dataset"])
try:
    SONGS = plan.load_songs(config, CORPUS_FILE, log=logger.info)
except InputError as err:
    raise WorkflowError(str(err)) from None

# `oracle` needs every song's reference stems: left out, with one line, where the data has none
SEPARATORS, ORACLE_LEFT_OUT = sepconv_config.usable_separators(
    config["separators"], SONGS, SOURCE
)
QUALITY_SEPARATORS, QUALITY_SONGS, QUALITY_NOT_MEASURED = plan.quality_plan(
    SEPARATORS, SONGS, SOURCE
)
for line in (ORACLE_LEFT_OUT, QUALITY_NOT_MEASURED):
    if line:
        logger.info(line)

REPRESENTATIONS = dict(config["representations"])
MODELS = sepconv_config.enabled_models(config)
# The genre-pair experiment: its enabled models and its seeds of the shared splits
PAIR_MODELS = [name for name in config["pairs"]["models"] if name in MODELS]
PAIR_SEEDS = list(range(1, config["pairs"]["trials"] + 1))
# Blocks of work (sepconv.blocks): training runs `seeds_per_job` seeds per job; the per-song
# steps (segments, hpss, oracle, spectrograms) run about `songs_per_job` songs per job (1: one
# job per song); Spleeter and Demucs separate their songs in `spleeter.blocks` and
# `demucs.blocks` jobs. A song's block is fixed by its id.
SEED_BLOCKS = seed_blocks(config["trials"], config["seeds_per_job"])
SONG_BLOCKS = SongBlocks(
    SONGS.index,
    {
        PER_SONG: block_count(
            len(SONGS), config["songs_per_job"], config["max_jobs_per_step"]
        ),
        "spleeter": config["spleeter"]["blocks"],
        "demucs": config["demucs"]["blocks"],
    },
)
MEL_PARAMS = MelParams.from_config(config["features"])
SEGMENT_RATE = config["segment"]["sample_rate"]
SEGMENT_SAMPLES = MEL_PARAMS.segment_samples(SEGMENT_RATE)

# Every song file of a sheet or folder is checked from its header when the workflow loads;
# the run stops before its first job with one error listing every file that cannot be used
# (`onstart` below). With --keep-going it is a warning instead, and each bad song's own job
# fails while every other song goes on.
if config["dataset"]["source"] == "synthetic":
    SONG_HEADERS, COLLECTION_PROBLEMS = None, []
else:
    SONG_HEADERS, COLLECTION_PROBLEMS = check_collection(
        SONGS,
        SEGMENT_SAMPLES / SEGMENT_RATE,
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
    # a block of the per-song steps: a number, or a song's id with one job per song
    block=r"[^/]+",
    stem="|".join(STEMS),
    representation="|".join(map(re.escape, REPRESENTATIONS)),
    model="|".join(map(re.escape, MODELS)),
    separator="|".join([NO_SEPARATOR, *SEPARATORS]),
    seed=r"[1-9]\d*",
    seeds=r"[1-9]\d*-[1-9]\d*",


def step_script(script):
    """The path of a step script: a rule's `code` input."""
    return str(SCRIPTS_DIR / script)


def library_code(script):
    """One digest of the library files a step script imports: a rule's `library` parameter,
    so that a changed library module re-runs the jobs whose steps import it."""
    return library_digest(SCRIPTS_DIR / script, SCRIPTS_DIR)


def separators_for(representation):
    """`none` for a mixture-only representation, else every configured separator."""
    return sepconv_config.representation_separators(
        REPRESENTATIONS[representation], SEPARATORS
    )
