# Separation into bass, drums, other and vocals: one job per (separator, song), and for a
# separator whose model is costly to load, one job per block of songs (SONG_BLOCKS).


rule separate_oracle:
    input:
        segment=rules.segment_song.output.segment,
        info=rules.segment_song.output.info,
        stems=get_reference_stems,
        code=step_files("separate_oracle.py"),
    output:
        stems=expand(STEM_FILE, separator=ORACLE, stem=STEMS, allow_missing=True),
    log:
        "logs/stems/oracle/{song}.log",
    benchmark:
        "benchmarks/stems/oracle/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        # the files themselves, so that a sheet naming other reference stems re-runs it
        references=get_reference_stems,
    script:
        "../scripts/separate_oracle.py"


rule separate_hpss:
    input:
        segment=rules.segment_song.output.segment,
        code=step_files("separate_hpss.py"),
    output:
        stems=expand(STEM_FILE, separator="hpss", stem=STEMS, allow_missing=True),
    log:
        "logs/stems/hpss/{song}.log",
    benchmark:
        "benchmarks/stems/hpss/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        hpss=config["hpss"],
        n_samples=SEGMENT_SAMPLES,
    script:
        "../scripts/separate_hpss.py"


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
        code=step_files("get_spleeter_model.py"),
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
        folder=str(SPLEETER_FOLDER),
    shell:
        f"{SPLEETER_RUN}/get_spleeter_model.py --model {SPLEETER_MODEL} "
        "--model-folder {params.folder:q} --manifest {output.manifest:q} --log {log:q}"


# One job per block of songs (config spleeter.blocks): the model is loaded once and separates
# every song of the block; each song's stems are written to STEM_FILE, and the block record
# lists them.
rule separate_spleeter:
    input:
        unpack(get_block_segments("spleeter")),
        model=rules.get_spleeter_model.output.manifest,
        lock=rules.get_spleeter_model.input.lock,
        code=step_files("separate_spleeter.py"),
    output:
        tsv="results/stems/spleeter/blocks/{block}.tsv",
    log:
        "logs/stems/spleeter/block{block}.log",
    benchmark:
        "benchmarks/stems/spleeter/block{block}.tsv"
    conda:
        SPLEETER_ENV
    threads: config["spleeter"]["threads"]
    resources:
        mem_mb=config["spleeter"]["mem_mb"],
        runtime=get_block_runtime("spleeter", minutes_per_segment=0.25),
        gpu=1,
        jobs_per_gpu=1,
    params:
        folder=str(SPLEETER_FOLDER),
        model_params=json.dumps(config["spleeter"]["model_params"]),
        stems=get_stem_pattern("spleeter"),
    shell:
        f"{SPLEETER_RUN}/separate_spleeter.py --model {SPLEETER_MODEL} "
        "--model-folder {params.folder:q} --model-params {params.model_params:q} "
        "--segments {input.segments:q} --infos {input.infos:q} --stems {params.stems:q} "
        "--record {output.tsv:q} --block {wildcards.block} "
        "--threads {threads} --gpu {resources.gpu} --jobs-per-gpu {resources.jobs_per_gpu} "
        "--log {log:q}"
