# Per-seed splits of the songs (shared by every model and separator), then one training run per
# (separator, model, seed).


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


rule train_model:
    input:
        tensor=get_model_tensor,
        split=rules.split_songs.output.tsv,
        code=code("train_model.py"),
    output:
        json="results/runs/{separator}/{model}/seed{seed}.json",
    log:
        "logs/runs/{separator}/{model}/seed{seed}.log",
    benchmark:
        "benchmarks/runs/{separator}/{model}/seed{seed}.tsv"
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
    script:
        "../scripts/train_model.py"
