# The song table, the plan of every job (sepconv.plan), and the helpers that wire block folders
# into rules. No heavy imports. The input functions are in inputs.smk.

import re
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

from sepconv import layout, plan as sepconv_plan
from sepconv.blocks import listing_path
from sepconv.corpus.songs import table_source
from sepconv.errors import SepconvError
from sepconv.imports import library_digest
from sepconv.names import FIGURES, NO_SEPARATOR, ORACLE, SELECTIONS, STEMS
from sepconv.signal.collection import check_collection, problems_message
from sepconv.signal.features import MelParams
from sepconv.signal.tensors import rows_path

# This file's folder, so that every path below holds wherever the workflow runs from and when
# it is used as a Snakemake module.
WORKFLOW_DIR = Path(str(workflow.current_basedir)).parent
SCRIPTS_DIR = WORKFLOW_DIR / "scripts"
REPORT_DIR = WORKFLOW_DIR / "report"
ENVS_DIR = WORKFLOW_DIR.parent / "envs"

# Software: `uv run snakemake` runs every rule in the locked uv environment; the same pins as a
# conda environment serve `--software-deployment-method conda`.
MAIN_ENV = "../../envs/main.yaml"

try:
    SONGS = sepconv_plan.load_songs(config, log=logger.info)
except SepconvError as err:
    raise WorkflowError(str(err)) from None
SOURCE = config["dataset"]["source"]

MEL_PARAMS = MelParams.from_config(config["features"])
SEGMENT_RATE = config["segment"]["sample_rate"]
SEGMENT_SAMPLES = MEL_PARAMS.segment_samples(SEGMENT_RATE)

# Every song file of a sheet or folder is checked from its header when the workflow loads;
# the run stops before its first job with one error listing every file that cannot be used
# (`onstart` below). With --keep-going it is a warning instead, and each bad song's own block
# fails while every other block goes on.
if SOURCE == "synthetic":
    SONG_HEADERS, COLLECTION_PROBLEMS = None, []
else:
    SONG_HEADERS, COLLECTION_PROBLEMS = check_collection(
        SONGS,
        SEGMENT_SAMPLES / SEGMENT_RATE,
        config["segment"]["pad"],
        cache=".snakemake/sepconv/headers.json",
    )
# dataset.bad_files: skip leaves those songs out (listed in results/excluded.tsv) instead
EXCLUDED = []
if COLLECTION_PROBLEMS and config["dataset"]["bad_files"] == "skip":
    try:
        SONGS, EXCLUDED = sepconv_plan.leave_out(
            SONGS, COLLECTION_PROBLEMS, config, table_source(config["dataset"])
        )
    except SepconvError as err:
        raise WorkflowError(str(err)) from None
    logger.warning(
        f"dataset.bad_files: skip: {len(EXCLUDED)} song(s) left out, listed with their "
        "reasons in results/excluded.tsv:\n"
        + "\n".join(f"  {line}" for _, line in COLLECTION_PROBLEMS)
    )
    COLLECTION_PROBLEMS = []

# Every job's blocks, songs, inputs and settings (sepconv.plan.Plan)
PLAN = sepconv_plan.Plan(
    config,
    SONGS,
    table_source(config["dataset"]),
    SEGMENT_SAMPLES,
    SONG_HEADERS,
    EXCLUDED,
)
SEPARATORS = PLAN.separators
# `oracle` needs every song's reference stems: left out, with one line, where the data has none
for line in (PLAN.oracle_left_out, PLAN.quality_not_measured):
    if line:
        logger.info(line)


onstart:
    # runs before the first job; --keep-going is known only here, not when the file loads
    if COLLECTION_PROBLEMS:
        if workflow.execution_settings.keep_going:
            logger.warning(problems_message(COLLECTION_PROBLEMS))
        else:
            raise WorkflowError(problems_message(COLLECTION_PROBLEMS))


wildcard_constraints:
    # a block of songs is a number; a block of seeds or genre pairs, its first and last number
    block=r"\d+",
    seeds=r"[1-9]\d*-[1-9]\d*",
    pairs=r"[1-9]\d*-[1-9]\d*",
    seed=r"[1-9]\d*",
    stem="|".join(STEMS),
    representation="|".join(map(re.escape, PLAN.representations)),
    model="|".join(map(re.escape, PLAN.models)),
    separator="|".join(map(re.escape, [NO_SEPARATOR, *SEPARATORS])),


def step_script(script):
    """The path of a step script: a rule's `code` input."""
    return str(SCRIPTS_DIR / script)


def library_code(script):
    """One digest of the code of the library modules a step script imports: a rule's
    `library` parameter, so that a changed module re-runs the jobs whose steps import it
    (docstrings, comments and formatting left out: sepconv.imports)."""
    return library_digest(SCRIPTS_DIR / script, SCRIPTS_DIR)


# Block folders (sepconv.blocks). A block job's outputs are its folder and the folder's
# listing of SHA-256 digests; a step that reads block folders takes each folder as `ancient`
# and its listing as it is, so that what decides a re-run is the listing's content: a block
# made again with the same bytes re-runs nothing after it.

# config `intermediates`: `drop` removes the corpus, segments and stems (Snakemake's temp())
# once every job that reads them is done
DROP_INTERMEDIATES = config["intermediates"] == "drop"


def block_folder(pattern, intermediate=False):
    """A block job's folder output; temp() where intermediates are dropped."""
    folder = directory(pattern)
    return temp(folder) if intermediate and DROP_INTERMEDIATES else folder


def block_listing(pattern):
    """A block job's listing output, beside its folder."""
    return listing_path(pattern)


def folders_read(folders):
    """Block folders as a step's input: each folder, marked ancient."""
    return [ancient(folder) for folder in folders]


def listings_read(folders):
    """The listings of block folders, as a step's input."""
    return [listing_path(folder) for folder in folders]
