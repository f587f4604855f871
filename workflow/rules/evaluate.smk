# Aggregate the training runs: the metrics table, Table 1, significance tests and figures.


rule collect_metrics:
    input:
        runs=folders_read(PLAN.run_folders()),
        listings=get_training_listings(),
        code=step_script("collect_metrics.py"),
    output:
        tsv="results/metrics.tsv",
        genres="results/genre_f1.tsv",
        confusion="results/confusion.json",
    log:
        "logs/metrics.log",
    benchmark:
        "benchmarks/metrics.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("collect_metrics.py"),
        # the runs it covers, so that fewer trials or models re-run it (see the profile)
        runs=PLAN.run_ids(),
    script:
        "../scripts/collect_metrics.py"


rule make_table1:
    input:
        metrics=rules.collect_metrics.output.tsv,
        code=step_script("make_table1.py"),
    output:
        tsv=report(
            "results/table1.tsv",
            caption="../report/table1.rst",
            category="1. Table 1",
        ),
        md="results/table1.md",
    log:
        "logs/table1.log",
    benchmark:
        "benchmarks/table1.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("make_table1.py"),
        baseline=config["baseline"],
    script:
        "../scripts/make_table1.py"


rule test_significance:
    input:
        metrics=rules.collect_metrics.output.tsv,
        genres=rules.collect_metrics.output.genres,
        code=step_script("test_significance.py"),
    output:
        tsv=report(
            "results/significance.tsv",
            caption="../report/significance.rst",
            category="2. Significance",
        ),
        genres=report(
            "results/genre_differences.tsv",
            caption="../report/genre_differences.rst",
            category="2. Significance",
        ),
    log:
        "logs/significance.log",
    benchmark:
        "benchmarks/significance.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("test_significance.py"),
        baseline=config["baseline"],
        statistics=config["statistics"],
    script:
        "../scripts/test_significance.py"


rule plot_figures:
    input:
        metrics=rules.collect_metrics.output.tsv,
        confusion=rules.collect_metrics.output.confusion,
        significance=rules.test_significance.output.tsv,
        genres=rules.test_significance.output.genres,
        code=step_script("plot_figures.py"),
    output:
        **get_figure_outputs(),
    log:
        "logs/figures/{selection}.log",
    benchmark:
        "benchmarks/figures/{selection}.tsv"
    wildcard_constraints:
        selection="|".join(SELECTIONS),
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("plot_figures.py"),
        baseline=config["baseline"],
        figures=config["figures"],
    script:
        "../scripts/plot_figures.py"


# The separation quality of one block of a separator's songs (its stems against the oracle's,
# song by song), then every block's table in one, with its summary.
rule measure_separation:
    input:
        estimates=get_quality_folders("estimates"),
        segments=get_quality_folders("segments"),
        references=get_quality_folders("references"),
        listings=get_quality_listings,
        code=step_script("measure_separation.py"),
    output:
        tsv=layout.QUALITY,
    log:
        "logs/separation/{separator}/{block}.log",
    benchmark:
        "benchmarks/separation/{separator}/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("measure_separation"),
    params:
        library=library_code("measure_separation.py"),
        # the songs measured, with their genres
        songs=get_quality_songs,
    script:
        "../scripts/measure_separation.py"


rule collect_quality:
    input:
        tables=get_quality_tables(),
        code=step_script("collect_quality.py"),
    output:
        tsv="results/separation/quality.tsv",
        summary=report(
            "results/separation/summary.tsv",
            caption="../report/separation_summary.rst",
            category="0. Separation quality",
        ),
    log:
        "logs/separation/quality.log",
    benchmark:
        "benchmarks/separation/quality.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("collect_quality.py"),
        # the tables it covers, so that one left out re-runs it (see the profile's triggers)
        tables=get_quality_tables(),
    script:
        "../scripts/collect_quality.py"


rule plot_quality:
    input:
        quality=rules.collect_quality.output.tsv,
        significance=rules.test_significance.output.tsv,
        code=step_script("plot_quality.py"),
    output:
        png=report(
            "results/figures/separation_quality.png",
            caption="../report/separation_quality.rst",
            category="0. Separation quality",
        ),
        pdf="results/figures/separation_quality.pdf",
    log:
        "logs/figures/separation_quality.log",
    benchmark:
        "benchmarks/figures/separation_quality.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("plot_quality.py"),
        baseline=config["baseline"],
        figures=config["figures"],
    script:
        "../scripts/plot_quality.py"


# Gain against quality: how good the stems must be before they help (sepconv.evaluation.gain)
rule relate_gain_quality:
    input:
        quality=rules.collect_quality.output.tsv,
        significance=rules.test_significance.output.tsv,
        code=step_script("relate_gain_quality.py"),
    output:
        points=report(
            "results/separation/gain.tsv",
            caption="../report/gain_quality.rst",
            category="0. Separation quality",
        ),
        thresholds="results/separation/threshold.tsv",
        png=report(
            "results/figures/gain_quality.png",
            caption="../report/gain_quality.rst",
            category="0. Separation quality",
        ),
        pdf="results/figures/gain_quality.pdf",
    log:
        "logs/separation/gain.log",
    benchmark:
        "benchmarks/separation/gain.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("relate_gain_quality.py"),
        baseline=config["baseline"],
        models=PLAN.stems_models(),
        figures=config["figures"],
        statistics=config["statistics"],
    script:
        "../scripts/relate_gain_quality.py"


rule collect_pairs:
    input:
        runs=get_pair_runs,
        code=step_script("collect_pairs.py"),
    output:
        runs="results/pairs/runs.tsv",
        matrix=report(
            "results/pairs/matrix.tsv",
            caption="../report/pairs_matrix.rst",
            category="6. Genre pairs",
        ),
        gains=report(
            "results/pairs/gains.tsv",
            caption="../report/pairs_gains.rst",
            category="6. Genre pairs",
        ),
        png=[
            report(
                f"results/figures/pairs_{selection}.png",
                caption="../report/pairs.rst",
                category="6. Genre pairs",
                labels={"figure": "genre pairs", "selection": selection},
            )
            for selection in SELECTIONS
        ],
        pdf=expand("results/figures/pairs_{selection}.pdf", selection=SELECTIONS),
    log:
        "logs/pairs/collect.log",
    benchmark:
        "benchmarks/pairs/collect.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        library=library_code("collect_pairs.py"),
        # the files it reads, so that one left out re-runs it (see the profile's triggers)
        runs=get_pair_runs,
        baseline=config["baseline"],
        figures=config["figures"],
        selections=list(SELECTIONS),
    script:
        "../scripts/collect_pairs.py"
