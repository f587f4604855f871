# Aggregate the training runs: the metrics table, Table 1, significance tests and figures; the
# separation quality of every separator's stems and its relation to the classification gain;
# the genre-pair experiment's tables.


rule collect_metrics:
    input:
        unpack(get_runs),
    output:
        tsv="results/metrics.tsv",
        genres="results/genre_f1.tsv",
        confusion="results/confusion.json",
        history="results/history.tsv",
    log:
        "logs/metrics.log",
    benchmark:
        "benchmarks/metrics.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("collect_metrics.py"),
        # the runs it covers, so that fewer trials or models re-run it (see the profile)
        runs=get_run_ids,
    script:
        "../scripts/collect_metrics.py"


rule make_table1:
    input:
        metrics=rules.collect_metrics.output.tsv,
    output:
        tsv=in_report("results/table1.tsv", "Table 1", "table1.rst"),
        md="results/table1.md",
    log:
        "logs/table1.log",
    benchmark:
        "benchmarks/table1.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("make_table1.py"),
        baseline=config["baseline"],
    script:
        "../scripts/make_table1.py"


rule test_significance:
    input:
        metrics=rules.collect_metrics.output.tsv,
        genres=rules.collect_metrics.output.genres,
    output:
        tsv=in_report("results/significance.tsv", "significance", "significance.rst"),
        genres=in_report(
            "results/genre_differences.tsv", "significance", "genre_differences.rst"
        ),
    log:
        "logs/significance.log",
    benchmark:
        "benchmarks/significance.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("test_significance.py"),
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
        code=step_code("plot_figures.py"),
        baseline=config["baseline"],
        figures=config["figures"],
    script:
        "../scripts/plot_figures.py"


# Every model's loss and macro F1 by epoch: do the epochs suffice, and how far do the
# selection rules' epochs lie apart?
rule plot_curves:
    input:
        history=rules.collect_metrics.output.history,
        metrics=rules.collect_metrics.output.tsv,
    output:
        png=in_report("results/figures/curves.png", "training curves", "curves.rst"),
        pdf="results/figures/curves.pdf",
    log:
        "logs/figures/curves.log",
    benchmark:
        "benchmarks/figures/curves.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("plot_curves.py"),
        figures=config["figures"],
        statistics=config["statistics"],
    script:
        "../scripts/plot_curves.py"


# The separation quality of one block of a separator's songs (its stems against the oracle's,
# song by song), then every block's table in one, with its summary.
rule measure_separation:
    input:
        unpack(get_quality_inputs),
    output:
        tsv=layout.QUALITY_TABLE,
    log:
        "logs/separation/{separator}/{block}.log",
    benchmark:
        "benchmarks/separation/{separator}/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("measure_separation"),
    params:
        code=step_code("measure_separation.py"),
        # the songs measured, with their genres
        songs=get_quality_songs,
    script:
        "../scripts/measure_separation.py"


rule collect_quality:
    input:
        tables=get_quality_tables,
    output:
        tsv="results/separation/quality.tsv",
        summary=in_report(
            "results/separation/summary.tsv",
            "separation quality",
            "separation_summary.rst",
        ),
    log:
        "logs/separation/quality.log",
    benchmark:
        "benchmarks/separation/quality.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("collect_quality.py"),
        # the tables it covers, so that one left out re-runs it (see the profile's triggers)
        tables=get_quality_tables,
    script:
        "../scripts/collect_quality.py"


rule plot_quality:
    input:
        quality=rules.collect_quality.output.tsv,
        significance=rules.test_significance.output.tsv,
    output:
        png=in_report(
            "results/figures/separation_quality.png",
            "separation quality",
            "separation_quality.rst",
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
        code=step_code("plot_quality.py"),
        baseline=config["baseline"],
        figures=config["figures"],
    script:
        "../scripts/plot_quality.py"


# Gain against quality: how good the stems must be before they help (sepconv.evaluation.gain)
rule relate_gain_quality:
    input:
        quality=rules.collect_quality.output.tsv,
        significance=rules.test_significance.output.tsv,
    output:
        points=in_report(
            "results/separation/gain.tsv", "separation quality", "gain_quality.rst"
        ),
        thresholds="results/separation/threshold.tsv",
        png=in_report(
            "results/figures/gain_quality.png",
            "separation quality",
            "gain_quality.rst",
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
        code=step_code("relate_gain_quality.py"),
        baseline=config["baseline"],
        models=get_stems_models,
        figures=config["figures"],
        statistics=config["statistics"],
    script:
        "../scripts/relate_gain_quality.py"


rule collect_pairs:
    input:
        runs=get_pair_runs,
    output:
        runs="results/pairs/runs.tsv",
        matrix=in_report("results/pairs/matrix.tsv", "genre pairs", "pairs_matrix.rst"),
        gains=in_report("results/pairs/gains.tsv", "genre pairs", "pairs_gains.rst"),
        png=[
            in_report(
                f"results/figures/pairs_{selection}.png",
                "genre pairs",
                "pairs.rst",
                labels={"figure": "genre pairs", "selection": selection},
            )
            for selection in PLAN.selections()
        ],
        pdf=expand("results/figures/pairs_{selection}.pdf", selection=PLAN.selections()),
    log:
        "logs/pairs/collect.log",
    benchmark:
        "benchmarks/pairs/collect.tsv"
    localrule: True
    conda:
        MAIN_ENV
    params:
        code=step_code("collect_pairs.py"),
        # the files it reads, so that one left out re-runs it (see the profile's triggers)
        runs=get_pair_runs,
        baseline=config["baseline"],
        figures=config["figures"],
        selections=get_selections,
    script:
        "../scripts/collect_pairs.py"
