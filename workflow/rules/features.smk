# Log-mel spectrograms per (separator, song) -- the mixture's once, under separator `none` --
# then one stacked tensor per (separator, representation).


rule compute_mel:
    input:
        unpack(get_mel_input),
        code=step_files("compute_mel.py"),
    output:
        npz="results/mels/{separator}/{song}.npz",
    log:
        "logs/mels/{separator}/{song}.log",
    benchmark:
        "benchmarks/mels/{separator}/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        features=config["features"],
        channels=get_mel_channels,
    script:
        "../scripts/compute_mel.py"


rule stack_tensor:
    input:
        mels=get_separator_mels,
        songs=rules.write_song_table.output.tsv,
        code=step_files("stack_tensor.py"),
    output:
        npz="results/tensors/{separator}/{representation}.npz",
    log:
        "logs/tensors/{separator}/{representation}.log",
    benchmark:
        "benchmarks/tensors/{separator}/{representation}.tsv"
    conda:
        MAIN_ENV
    params:
        channels=get_representation_channels,
    script:
        "../scripts/stack_tensor.py"
