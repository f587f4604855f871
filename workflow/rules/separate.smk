# Separation into bass, drums, other and vocals: one job per (separator, song).


rule separate_oracle:
    input:
        segment=rules.segment_song.output.segment,
        info=rules.segment_song.output.info,
        stems=rules.synthesize_song.output.stems,
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
    script:
        "../scripts/separate_hpss.py"
