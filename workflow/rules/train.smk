# Per-seed splits of the songs (shared by every model and separator), then the training runs:
# one record per (separator, model, seed), written by jobs that each train one block of
# `seeds_per_job` seeds of one (separator, model) in one process.


rule split_songs:
    input:
        songs=rules.write_song_table.output.tsv,
        code=code("split_songs.py"),
    output:
        tsv="results/splits/seed{seed}.tsv",
    log:
        "logs/splits/seed{seed}.log",
    benchmark:
        "benchmarks/splits/seed{seed}.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        test_size=config["test_size"],
    script:
        "../scripts/split_songs.py"


# One rule per block of seeds, `train_model_seeds{first}_{last}`: a job's outputs are the records
# of its seeds, which a single rule with a seed wildcard cannot declare. Every training rule
# takes the threads and resources given for `train_model` (profiles, --set-threads,
# --set-resources), unless given its own.
for seeds in SEED_BLOCKS:

    rule:
        name:
            training_rule_name(seeds)
        input:
            tensor=get_model_tensor,
            splits=expand(rules.split_songs.output.tsv, seed=seeds),
            code=code("train_model.py"),
        output:
            json=expand(RUN_RECORD, seed=seeds, allow_missing=True),
        log:
            f"logs/runs/{{separator}}/{{model}}/seeds{seeds[0]}-{seeds[-1]}.log",
        benchmark:
            f"benchmarks/runs/{{separator}}/{{model}}/seeds{seeds[0]}-{seeds[-1]}.tsv"
        conda:
            MAIN_ENV
        threads: 1
        resources:
            gpu=1,
            jobs_per_gpu=1,
            mem_mb=4000,
            runtime=30,
        params:
            model=get_model_params,
            seeds=seeds,
        script:
            "../scripts/train_model.py"


# The genre-pair experiment of one (separator, model): every pair of genres as a binary task,
# on seeds 1..pairs.trials of the shared splits, in one job.
rule train_pairs:
    input:
        tensor=get_model_tensor,
        splits=expand(rules.split_songs.output.tsv, seed=PAIR_SEEDS),
        code=code("train_pairs.py"),
    output:
        tsv="results/pairs/runs/{separator}/{model}.tsv",
    log:
        "logs/pairs/{separator}/{model}.log",
    benchmark:
        "benchmarks/pairs/{separator}/{model}.tsv"
    conda:
        MAIN_ENV
    threads: 1
    resources:
        gpu=1,
        jobs_per_gpu=1,
        mem_mb=4000,
        runtime=30,
    params:
        model=get_model_params,
        seeds=PAIR_SEEDS,
    script:
        "../scripts/train_pairs.py"


inherit_training_settings(
    [training_rule_name(seeds) for seeds in SEED_BLOCKS] + ["train_pairs"]
)
