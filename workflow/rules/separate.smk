# Separation into bass, drums, other and vocals: one job per (separator, block of songs), the
# per-song steps' blocks (config song_blocks) or, for a separator whose model is costly to
# load, its own blocks (spleeter.blocks, demucs.blocks: each a union of per-song blocks). Each
# writes the block's stems into its folder (sepconv.layout) and the folder's listing.

import json

from sepconv.separators.demucs import Settings as DemucsSettings
from sepconv.separators.demucs import model_folder as demucs_model_folder
from sepconv.separators.spleeter import model_root


rule separate_oracle:
    input:
        segments=get_segment_folders(NO_SEPARATOR),
        listings=get_segment_listings(NO_SEPARATOR),
        # the synthetic corpus's block, or a sheet's reference stems
        corpus=get_corpus_folders,
        corpus_listings=get_corpus_listings,
        references=get_reference_files,
        code=step_script("separate_oracle.py"),
    output:
        folder=block_folder(
            layout.STEMS.format(separator=ORACLE, block="{block}"), intermediate=True
        ),
        listing=block_listing(layout.STEMS.format(separator=ORACLE, block="{block}")),
    log:
        f"logs/stems/{ORACLE}/{{block}}.log",
    benchmark:
        f"benchmarks/stems/{ORACLE}/{{block}}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("separate_oracle"),
    params:
        library=library_code("separate_oracle.py"),
        # the files themselves, so that a sheet naming other reference stems re-runs it
        references=get_references,
    script:
        "../scripts/separate_oracle.py"


rule separate_hpss:
    input:
        segments=get_segment_folders(NO_SEPARATOR),
        listings=get_segment_listings(NO_SEPARATOR),
        code=step_script("separate_hpss.py"),
    output:
        folder=block_folder(
            layout.STEMS.format(separator="hpss", block="{block}"), intermediate=True
        ),
        listing=block_listing(layout.STEMS.format(separator="hpss", block="{block}")),
    log:
        "logs/stems/hpss/{block}.log",
    benchmark:
        "benchmarks/stems/hpss/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("separate_hpss"),
    params:
        library=library_code("separate_hpss.py"),
        hpss=config["hpss"],
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/separate_hpss.py"


# The ladder's rungs (separators `ladder-S`): the reference stems' ideal ratio mask on the
# mixture's STFT, blended toward the uniform mask with strength S; made from the oracle's
# stems of the block (sepconv.separators.ladder).
rule separate_ladder:
    input:
        segments=get_segment_folders(NO_SEPARATOR),
        listings=get_segment_listings(NO_SEPARATOR),
        references=get_oracle_folders,
        reference_listings=get_oracle_listings,
        code=step_script("separate_ladder.py"),
    output:
        folder=block_folder(layout.STEMS, intermediate=True),
        listing=block_listing(layout.STEMS),
    log:
        "logs/stems/{separator}/{block}.log",
    benchmark:
        "benchmarks/stems/{separator}/{block}.tsv"
    wildcard_constraints:
        separator=r"ladder-[0-9.]+",
    conda:
        MAIN_ENV
    resources:
        **get_resources("separate_ladder"),
    params:
        library=library_code("separate_ladder.py"),
        ladder=config["ladder"],
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/separate_ladder.py"


# Spleeter runs in its own uv project (it pins TensorFlow 2.12): created on first use by
# `get_spleeter_model`, which every separation job waits for, and reused. Its lock file is an input
# of both rules, so a changed environment re-runs them.
SPLEETER_PROJECT = ENVS_DIR / "spleeter"
SPLEETER_ENV = "../../envs/spleeter.yaml"
SPLEETER_MODEL = config["spleeter"]["model"]
SPLEETER_FOLDER = model_root(config["spleeter"]["model_dir"]) / SPLEETER_MODEL
SPLEETER_RUN = (
    f"env -u VIRTUAL_ENV uv run --quiet --locked --project {SPLEETER_PROJECT} "
    f"python {SCRIPTS_DIR}"
)


rule get_spleeter_model:
    input:
        lock=SPLEETER_PROJECT / "uv.lock",
        code=step_script("get_spleeter_model.py"),
    output:
        manifest=f"results/spleeter/{SPLEETER_MODEL}.json",
    log:
        f"logs/spleeter/{SPLEETER_MODEL}.log",
    benchmark:
        f"benchmarks/spleeter/{SPLEETER_MODEL}.tsv"
    priority: 100
    localrule: True
    conda:
        SPLEETER_ENV
    params:
        library=library_code("get_spleeter_model.py"),
        folder=str(SPLEETER_FOLDER),
    shell:
        f"{SPLEETER_RUN}/get_spleeter_model.py --model {SPLEETER_MODEL} "
        "--model-folder {params.folder:q} --manifest {output.manifest:q} --log {log:q}"


# One job per block of songs (config spleeter.blocks): the model is loaded once and separates
# every song of the block.
rule separate_spleeter:
    input:
        segments=get_segment_folders("spleeter"),
        listings=get_segment_listings("spleeter"),
        model=rules.get_spleeter_model.output.manifest,
        lock=rules.get_spleeter_model.input.lock,
        code=step_script("separate_spleeter.py"),
    output:
        folder=block_folder(
            layout.STEMS.format(separator="spleeter", block="{block}"),
            intermediate=True,
        ),
        listing=block_listing(
            layout.STEMS.format(separator="spleeter", block="{block}")
        ),
    log:
        "logs/stems/spleeter/{block}.log",
    benchmark:
        "benchmarks/stems/spleeter/{block}.tsv"
    conda:
        SPLEETER_ENV
    threads: config["spleeter"]["threads"]
    resources:
        **get_resources("separate_spleeter"),
        gpu=1,
        jobs_per_gpu=1,
    params:
        library=library_code("separate_spleeter.py"),
        # the per-song blocks it unites: one that comes or goes re-runs it
        blocks=get_united_blocks("spleeter"),
        folder=str(SPLEETER_FOLDER),
        model_params=json.dumps(config["spleeter"]["model_params"]),
    shell:
        f"{SPLEETER_RUN}/separate_spleeter.py --model {SPLEETER_MODEL} "
        "--model-folder {params.folder:q} --model-params {params.model_params:q} "
        "--segments {input.segments:q} --stems {output.folder:q} --block {wildcards.block} "
        "--threads {threads} --gpu {resources.gpu} --jobs-per-gpu {resources.jobs_per_gpu} "
        "--log {log:q}"


# Demucs runs in its own uv project (PyTorch): created on first use by `get_demucs_model`, which
# every separation job waits for, and reused. Its lock file is an input of both rules, so a
# changed environment re-runs them. The model folder is a Demucs local repository
# (sepconv.separators.demucs), checked file by file before any song is separated.
DEMUCS_PROJECT = ENVS_DIR / "demucs"
DEMUCS_ENV = "../../envs/demucs.yaml"
DEMUCS_MODEL = config["demucs"]["model"]
DEMUCS_FOLDER = demucs_model_folder(config["demucs"]["model_dir"])
DEMUCS_RUN = (
    f"env -u VIRTUAL_ENV uv run --quiet --locked --project {DEMUCS_PROJECT} "
    f"python {SCRIPTS_DIR}"
)


rule get_demucs_model:
    input:
        lock=DEMUCS_PROJECT / "uv.lock",
        code=step_script("get_demucs_model.py"),
    output:
        manifest=f"results/demucs/{DEMUCS_MODEL}.json",
    log:
        f"logs/demucs/{DEMUCS_MODEL}.log",
    benchmark:
        f"benchmarks/demucs/{DEMUCS_MODEL}.tsv"
    priority: 100
    localrule: True
    conda:
        DEMUCS_ENV
    params:
        library=library_code("get_demucs_model.py"),
        folder=str(DEMUCS_FOLDER),
    shell:
        f"{DEMUCS_RUN}/get_demucs_model.py --model {DEMUCS_MODEL} "
        "--model-folder {params.folder:q} --manifest {output.manifest:q} --log {log:q}"


# One job per block of songs (config demucs.blocks), as for Spleeter: the model is loaded once
# and separates every song of the block.
rule separate_demucs:
    input:
        segments=get_segment_folders("demucs"),
        listings=get_segment_listings("demucs"),
        model=rules.get_demucs_model.output.manifest,
        lock=rules.get_demucs_model.input.lock,
        code=step_script("separate_demucs.py"),
    output:
        folder=block_folder(
            layout.STEMS.format(separator="demucs", block="{block}"), intermediate=True
        ),
        listing=block_listing(layout.STEMS.format(separator="demucs", block="{block}")),
    log:
        "logs/stems/demucs/{block}.log",
    benchmark:
        "benchmarks/stems/demucs/{block}.tsv"
    conda:
        DEMUCS_ENV
    threads: config["demucs"]["threads"]
    resources:
        **get_resources("separate_demucs"),
        gpu=1,
        jobs_per_gpu=1,
    params:
        library=library_code("separate_demucs.py"),
        # the per-song blocks it unites: one that comes or goes re-runs it
        blocks=get_united_blocks("demucs"),
        folder=str(DEMUCS_FOLDER),
        settings=DemucsSettings.from_config(config["demucs"]).to_json(),
        sum_tolerance_db=json.dumps(config["demucs"]["sum_tolerance_db"]),
    shell:
        f"{DEMUCS_RUN}/separate_demucs.py --model {DEMUCS_MODEL} "
        "--model-folder {params.folder:q} --settings {params.settings:q} "
        "--sum-tolerance-db {params.sum_tolerance_db:q} "
        "--segments {input.segments:q} --stems {output.folder:q} --block {wildcards.block} "
        "--threads {threads} --gpu {resources.gpu} --jobs-per-gpu {resources.jobs_per_gpu} "
        "--log {log:q}"
