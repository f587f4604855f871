# Per-seed splits of the songs (shared by every model and separator), then the training runs:
# one record per (separator, model, seed), written by jobs that each train one block of
# `seeds_per_job` seeds of one (separator, model) in one process, into the block's folder.

# What a training job asks for besides its memory and time: a GPU lease (gpu.py).
TRAINING_RESOURCES = {"gpu": 1, "jobs_per_gpu": 1}


rule split_songs:
    input:
        songs=rules.write_song_table.output.tsv,
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
        # the test share, and the validation share where there is one
        **get_split_settings(),
        code=step_code("split_songs.py"),
    script:
        "../scripts/split_songs.py"


# One job per block of `seeds_per_job` seeds of one (separator, model), `{seeds}` = `1-25`,
# `26-50`, ...: it writes each seed's run record into the block's folder (sepconv.layout).
rule train_model:
    input:
        unpack(get_model_tensor),
        splits=get_block_splits,
    output:
        folder=block_folder(layout.RUN_FOLDER),
        listing=block_listing(layout.RUN_FOLDER),
    log:
        "logs/runs/{separator}/{model}/seeds{seeds}.log",
    benchmark:
        "benchmarks/runs/{separator}/{model}/seeds{seeds}.tsv"
    conda:
        MAIN_ENV
    threads: 1
    resources:
        **TRAINING_RESOURCES,
        **get_resources("train_model"),
    params:
        code=step_code("train_model.py"),
        model=get_model_params,
        seeds=get_block_seeds,
    script:
        "../scripts/train_model.py"


# The genre-pair experiment of one (separator, model): the pairs of genres, numbered in sorted
# order, in blocks of `pairs.pairs_per_job` (`{pairs}` = `1-15`, ...), each pair a binary task
# on seeds 1..pairs.trials of the shared splits, in blocks of `seeds_per_job` (`{seeds}`); one
# job per block of pairs and block of seeds.
rule train_pairs:
    input:
        unpack(get_model_tensor),
        splits=get_pair_splits,
    output:
        tsv="results/pairs/runs/{separator}/{model}/pairs{pairs}/seeds{seeds}.tsv",
    log:
        "logs/pairs/{separator}/{model}/pairs{pairs}/seeds{seeds}.log",
    benchmark:
        "benchmarks/pairs/{separator}/{model}/pairs{pairs}/seeds{seeds}.tsv"
    conda:
        MAIN_ENV
    threads: 1
    resources:
        **TRAINING_RESOURCES,
        **get_resources("train_pairs"),
    params:
        code=step_code("train_pairs.py"),
        model=get_model_params,
        pairs=get_block_pairs,
        seeds=get_pair_seeds,
    script:
        "../scripts/train_pairs.py"
