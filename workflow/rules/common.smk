# The wiring of every rule, in one place: the song table and the plan of every job
# (sepconv.plan.Plan, which makes every decision and is unit-tested without Snakemake), then
# the functions the rules call, stage by stage, each asking the plan one question and giving
# its answer the shape Snakemake wants (block folders marked ancient beside their listings,
# report entries, resources). No heavy imports.

import re
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

from sepconv import layout, plan as sepconv_plan
from sepconv.plan import LEARNED
from sepconv.blocks import listing_path
from sepconv.corpus.songs import table_source
from sepconv.errors import SepconvError
from sepconv.imports import code_digest
from sepconv.names import (
    FIGURES,
    NO_SEPARATOR,
    ORACLE,
    SELECTIONS,
    STEMS,
    report_category,
)
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


def planned(answer):
    """Ask the plan a question (a callable); its SepconvError, which names the key, file or
    block, becomes Snakemake's WorkflowError."""
    try:
        return answer()
    except SepconvError as err:
        raise WorkflowError(str(err)) from None


# The songs, checked when the workflow loads: the config against the song table, then (a sheet
# or a folder) every song file from its header; the run stops before its first job with one
# error listing every file that cannot be used (`onstart` below), or, with
# dataset.bad_files: skip, leaves them out (results/excluded.tsv). With --keep-going the error
# is a warning instead, and each bad song's own block fails while every other block goes on.
SONGS = planned(lambda: sepconv_plan.load_songs(config, log=logger.info))
SOURCE = table_source(config["dataset"])
SEGMENT_SAMPLES = MelParams.from_config(config["features"]).segment_samples(
    config["segment"]["sample_rate"]
)
SONG_HEADERS, COLLECTION_PROBLEMS, EXCLUDED = None, [], []
if config["dataset"]["source"] != "synthetic":
    SONG_HEADERS, COLLECTION_PROBLEMS = check_collection(
        SONGS,
        SEGMENT_SAMPLES / config["segment"]["sample_rate"],
        config["segment"]["pad"],
        cache=".snakemake/sepconv/headers.json",
    )
if COLLECTION_PROBLEMS and config["dataset"]["bad_files"] == "skip":
    SONGS, EXCLUDED = planned(
        lambda: sepconv_plan.leave_out(SONGS, COLLECTION_PROBLEMS, config, SOURCE)
    )
    logger.warning(
        f"dataset.bad_files: skip: {len(EXCLUDED)} song(s) left out, listed with their "
        "reasons in results/excluded.tsv:\n"
        + "\n".join(f"  {line}" for _, line in COLLECTION_PROBLEMS)
    )
    COLLECTION_PROBLEMS = []

PLAN = sepconv_plan.Plan(config, SONGS, SOURCE, SEGMENT_SAMPLES, SONG_HEADERS, EXCLUDED)
for line in PLAN.notes():
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
    separator="|".join(map(re.escape, [NO_SEPARATOR, *PLAN.separators])),


# What every rule shares


def step_code(script):
    """A digest of the code a step runs: its script and the library modules it imports,
    docstrings, comments and formatting left out (sepconv.imports). A rule's `code`
    parameter, so that an edit to what a step runs re-runs its jobs, and nothing else.
    """
    return code_digest(SCRIPTS_DIR / script, SCRIPTS_DIR)


def get_resources(rule):
    """`mem_mb` and `runtime` (minutes) of a job of `rule`, from the work it is given
    (Plan.resources): a rule's `resources`."""

    def request(key):
        def value(wildcards):
            return planned(lambda: PLAN.resources(rule, **dict(wildcards.items())))[key]

        return value

    return {"mem_mb": request("mem_mb"), "runtime": request("runtime")}


def in_report(path, section, caption, **labels):
    """An output in the report's `section` (sepconv.names.REPORT_SECTIONS), captioned by
    workflow/report/`caption`."""
    return report(
        path,
        caption=str(REPORT_DIR / caption),
        category=report_category(section),
        **labels,
    )


# Block folders (sepconv.blocks). A block job's outputs are its folder and the folder's
# listing of SHA-256 digests; a step that reads block folders takes each folder as `ancient`
# and its listing as it is, so that what decides a re-run is the listing's content: a block
# made again with the same bytes re-runs nothing after it.


def block_folder(pattern, intermediate=False):
    """A block job's folder output; temp() for the corpus, segments and stems where config
    `intermediates: drop` (removed once every job that reads them is done)."""
    folder = directory(pattern)
    dropped = intermediate and config["intermediates"] == "drop"
    return temp(folder) if dropped else folder


def block_listing(pattern):
    """A block job's listing output, beside its folder."""
    return listing_path(pattern)


def blocks_read(name, folders):
    """Block folders as a step's named inputs (for `unpack`): `name`, the folders, marked
    ancient, and `{name}_listings`, their listings."""
    return {
        name: [ancient(folder) for folder in folders],
        f"{name}_listings": [listing_path(folder) for folder in folders],
    }


# The songs (dataset.smk)


def get_synthesis_jobs(wildcards):
    return planned(lambda: PLAN.synthesis_jobs(wildcards.block))


def get_synthesis_settings(wildcards):
    return PLAN.synthesis_settings()


def get_segment_jobs(wildcards):
    return planned(lambda: PLAN.segment_jobs(wildcards.block))


def get_song_audio(wildcards):
    """A sheet's or folder's audio files of the block's songs (their content re-runs it)."""
    return planned(lambda: PLAN.song_files(wildcards.block, ["path"]))


def get_corpus(wildcards):
    """The synthetic corpus's folder of the block (nothing for a sheet or folder)."""
    return blocks_read("corpus", planned(lambda: PLAN.corpus_folders(wildcards.block)))


def get_segmented(wildcards):
    """Every block's listing of segments and table of songs left out: the song table is
    written once every song is cut (or left out)."""
    return {
        "segments": [listing_path(folder) for folder in PLAN.segment_folders_all()],
        "excluded": PLAN.segment_exclusions_all(),
    }


def get_song_labels(wildcards):
    return PLAN.labels()


def get_excluded(wildcards):
    return PLAN.excluded


# Separation (separate.smk)


def get_segments(separator):
    """The segment folders a block of `separator`'s jobs reads (Plan.segment_folders)."""

    def inputs(wildcards):
        folders = planned(lambda: PLAN.segment_folders(wildcards.block, separator))
        return blocks_read("segments", folders)

    return inputs


def get_per_song_blocks(separator):
    """A learned separator's parameter: the per-song blocks its block is made of, so that one
    that comes or goes re-runs it (the profile has no `input` trigger)."""

    def blocks(wildcards):
        return planned(lambda: PLAN.per_song_blocks(separator, wildcards.block))

    return blocks


def get_references(wildcards):
    """A block's reference stem files, by song (what the oracle cuts)."""
    return planned(lambda: PLAN.references(wildcards.block))


def get_reference_files(wildcards):
    """A sheet's reference stems of the block's songs (the corpus's are in its folders)."""
    return planned(lambda: PLAN.song_files(wildcards.block, list(STEMS)))


def get_oracle_stems(wildcards):
    """The oracle's stems of the block: the references the ladder's rungs are made from."""
    folder = planned(lambda: PLAN.stem_folder(ORACLE, wildcards.block))
    return blocks_read("references", [folder])


# Spectrograms and tensors (features.smk)


def get_mel_source(wildcards):
    """The folder a spectrogram job reads: its block's segments or stems."""
    folder = planned(lambda: PLAN.mel_source(wildcards.separator, wildcards.block))
    return blocks_read("source", [folder])


def get_mel_channels(wildcards):
    return PLAN.mel_channels(wildcards.separator)


def get_tensor_mels(wildcards):
    """Every spectrogram folder of the separator: what a tensor stacks."""
    folders = planned(
        lambda: PLAN.mel_folders(wildcards.separator, wildcards.representation)
    )
    return blocks_read("mels", folders)


def get_representation_channels(wildcards):
    return PLAN.representations[wildcards.representation]


def tensor_files(separator, representation):
    """A tensor's file of rows and its rows file (the outputs of stack_tensor)."""
    return {
        name: path.format(separator=separator, representation=representation)
        for name, path in rules.stack_tensor.output.items()
    }


def get_tensor_paths():
    return [
        path
        for separator, representation in PLAN.tensors()
        for path in tensor_files(separator, representation).values()
    ]


# Training (train.smk)


def get_split_settings():
    return PLAN.split_settings()


def get_model_params(wildcards):
    """A model's entry as training needs it (Plan.models)."""
    return PLAN.models[wildcards.model]


def get_model_tensor(wildcards):
    """The tensor a model trains on under a separator (its files `X` and `rows`)."""
    return tensor_files(
        *planned(lambda: PLAN.model_tensor(wildcards.separator, wildcards.model))
    )


def get_block_seeds(wildcards):
    return planned(lambda: PLAN.block_seeds(wildcards.seeds))


def get_block_splits(wildcards):
    return expand(rules.split_songs.output.tsv, seed=get_block_seeds(wildcards))


def get_block_pairs(wildcards):
    return planned(lambda: PLAN.block_pairs(wildcards.pairs))


def get_pair_seeds(wildcards):
    return planned(lambda: PLAN.pair_seeds(wildcards.seeds))


def get_pair_splits(wildcards):
    return expand(rules.split_songs.output.tsv, seed=get_pair_seeds(wildcards))


def get_training_listings():
    """The listing of every training job's folder of run records."""
    return [listing_path(folder) for folder in PLAN.run_folders()]


# Tables, figures, separation quality (evaluate.smk)


def get_runs(wildcards):
    """Every training job's folder of run records, and its listing."""
    return blocks_read("runs", PLAN.run_folders())


def get_run_ids(wildcards):
    """The runs the metrics table covers, so that fewer trials or models re-run it."""
    return PLAN.run_ids()


def get_quality_inputs(wildcards):
    """What a separation quality table reads (Plan.quality_inputs): the separator's stems of
    the block (`estimates`), and the segments and the oracle's stems (`references`) of the
    per-song blocks in it."""
    folders = planned(lambda: PLAN.quality_inputs(wildcards.separator, wildcards.block))
    return {
        key: value
        for kind, kind_folders in folders.items()
        for key, value in blocks_read(kind, kind_folders).items()
    }


def get_quality_songs(wildcards):
    return planned(lambda: PLAN.quality_songs(wildcards.separator, wildcards.block))


def get_quality_tables(wildcards=None):
    """Every block's separation quality table, what collect_quality reads (and names in its
    parameters, so that one left out re-runs it)."""
    return [
        rules.measure_separation.output.tsv.format(separator=separator, block=block)
        for separator, block in PLAN.quality_jobs()
    ]


def get_selections(wildcards):
    """The selection rules of the runs (Plan.selections)."""
    return PLAN.selections()


def get_stems_models(wildcards):
    return PLAN.stems_models()


def get_figure_outputs():
    """Named outputs of the figures rule, per `{selection}`: `{figure}_png` (in the report) and
    `{figure}_pdf`, for each figure of sepconv.names.FIGURES."""
    outputs = {}
    for figure, title in FIGURES.items():
        stem = f"results/figures/{figure}_{{selection}}"
        outputs[f"{figure}_png"] = in_report(
            f"{stem}.png",
            title,
            f"{figure}.rst",
            subcategory="{selection}",
            labels={"figure": title, "selection": "{selection}"},
        )
        outputs[f"{figure}_pdf"] = f"{stem}.pdf"
    return outputs


def get_pair_paths():
    """Every (separator, model, block of pairs, block of seeds) file of the genre-pair
    experiment; an error naming `pairs.models` when none of its models is enabled (only when
    `pairs` is asked for)."""
    return [
        rules.train_pairs.output.tsv.format(
            separator=separator, model=model, pairs=pairs, seeds=seeds
        )
        for separator, model, pairs, seeds in planned(PLAN.pair_jobs)
    ]


def get_pair_runs(wildcards):
    return get_pair_paths()


def get_pairs_outputs(wildcards=None):
    get_pair_paths()  # the error, when there is nothing to train
    return [*rules.collect_pairs.output]


# The targets (Snakefile)

# The outputs of each result the plan asks for (Plan.results)
RESULTS = {
    "metrics": lambda: [rules.collect_metrics.output.tsv],
    "table1": lambda: [rules.make_table1.output.tsv, rules.make_table1.output.md],
    "significance": lambda: [*rules.test_significance.output],
    "figures": lambda: [
        path.format(selection=selection)
        for selection in PLAN.selections()
        for path in rules.plot_figures.output
    ],
    "curves": lambda: [*rules.plot_curves.output],
    "quality": lambda: [
        rules.collect_quality.output.tsv,
        rules.collect_quality.output.summary,
        *rules.plot_quality.output,
    ],
    "gain": lambda: [*rules.relate_gain_quality.output],
    "pairs": get_pairs_outputs,
}


def get_final_output():
    return [path for result in PLAN.results() for path in RESULTS[result]()]
