# Separation into bass, drums, other and vocals: one job per (separator, song).


rule separate_oracle:
    input:
        segment=rules.segment_song.output.segment,
        info=rules.segment_song.output.info,
        stems=get_reference_stems,
        code=code("separate_oracle.py"),
    output:
        stems=expand("results/stems/oracle/{{song}}/{stem}.wav", stem=STEMS),
    log:
        "logs/stems/oracle/{song}.log",
    benchmark:
        "benchmarks/stems/oracle/{song}.tsv"
    conda:
        MAIN_ENV
    script:
        "../scripts/separate_oracle.py"


rule separate_hpss:
    input:
        segment=rules.segment_song.output.segment,
        code=code("separate_hpss.py"),
    output:
        stems=expand("results/stems/hpss/{{song}}/{stem}.wav", stem=STEMS),
    log:
        "logs/stems/hpss/{song}.log",
    benchmark:
        "benchmarks/stems/hpss/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        hpss=config["hpss"],
        n_samples=MEL_PARAMS.segment_samples(SEGMENT_RATE),
    script:
        "../scripts/separate_hpss.py"


# Spleeter runs in its own uv project (it pins TensorFlow 2.12): created on first use by
# `spleeter_model`, which every separation job waits for, and reused. Its lock file is an input
# of both rules, so a changed environment re-runs them.
SPLEETER_PROJECT = ENVS_DIR / "spleeter"
SPLEETER_ENV = "../../envs/spleeter.yaml"
SPLEETER_MODEL = config["spleeter"]["model"]
SPLEETER_FOLDER = model_root(config["spleeter"]["model_dir"]) / SPLEETER_MODEL
SPLEETER_RUN = (
    f"env -u VIRTUAL_ENV uv run --quiet --locked --project {SPLEETER_PROJECT} "
    f"python {SCRIPTS_DIR}"
)


rule spleeter_model:
    input:
        lock=SPLEETER_PROJECT / "uv.lock",
        code=code("get_spleeter_model.py"),
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


rule separate_spleeter:
    input:
        segment=rules.segment_song.output.segment,
        model=rules.spleeter_model.output.manifest,
        lock=rules.spleeter_model.input.lock,
        code=code("separate_spleeter.py"),
    output:
        stems=expand("results/stems/spleeter/{{song}}/{stem}.wav", stem=STEMS),
    log:
        "logs/stems/spleeter/{song}.log",
    benchmark:
        "benchmarks/stems/spleeter/{song}.tsv"
    conda:
        SPLEETER_ENV
    threads: config["spleeter"]["threads"]
    resources:
        mem_mb=config["spleeter"]["mem_mb"],
        runtime=20,
        gpu=1,
        jobs_per_gpu=1,
    params:
        folder=str(SPLEETER_FOLDER),
        model_params=json.dumps(config["spleeter"]["model_params"]),
        out_dir=lambda wildcards, output: str(Path(output.stems[0]).parent),
    shell:
        f"{SPLEETER_RUN}/separate_spleeter.py --model {SPLEETER_MODEL} "
        "--model-folder {params.folder:q} --model-params {params.model_params:q} "
        "--segment {input.segment:q} --out-dir {params.out_dir:q} --song {wildcards.song} "
        "--threads {threads} --gpu {resources.gpu} --jobs-per-gpu {resources.jobs_per_gpu} "
        "--log {log:q}"
