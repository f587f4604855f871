# Aggregate the training runs: the metrics table, Table 1, significance tests and figures.


rule collect_metrics:
    input:
        runs=get_run_paths(),
        code=code("collect_metrics.py"),
    output:
        tsv="results/metrics.tsv",
        confusion="results/confusion.json",
    log:
        "logs/metrics.log",
    benchmark:
        "benchmarks/metrics.tsv"
    localrule: True
    conda:
        MAIN_ENV
    script:
        "../scripts/collect_metrics.py"


rule make_table1:
    input:
        metrics=rules.collect_metrics.output.tsv,
        code=code("make_table1.py"),
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
        baseline=config["baseline"],
    script:
        "../scripts/make_table1.py"


rule test_significance:
    input:
        metrics=rules.collect_metrics.output.tsv,
        code=code("significance_tests.py"),
    output:
        tsv=report(
            "results/significance.tsv",
            caption="../report/significance.rst",
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
        baseline=config["baseline"],
    script:
        "../scripts/significance_tests.py"


rule plot_figures:
    input:
        metrics=rules.collect_metrics.output.tsv,
        confusion=rules.collect_metrics.output.confusion,
        significance=rules.test_significance.output.tsv,
        code=code("plot_figures.py"),
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
        baseline=config["baseline"],
        figures=config["figures"],
    script:
        "../scripts/plot_figures.py"
