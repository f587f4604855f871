# Log-mel spectrograms per song (the mixture once, and the stems of every separator), then one
# stacked tensor per (separator, representation).


rule compute_mel:
    input:
        unpack(get_mel_audio),
    output:
        npz="results/mels/{song}.npz",
    log:
        "logs/mels/{song}.log",
    benchmark:
        "benchmarks/mels/{song}.tsv"
    conda:
        MAIN_ENV
    params:
        features=config["features"],
        channels=stem_channels(),
    script:
        "../scripts/compute_mel.py"


rule stack_tensor:
    input:
        mels=expand(rules.compute_mel.output.npz, song=SONGS.index),
    output:
        npz="results/tensors/{separator}/{representation}.npz",
    log:
        "logs/tensors/{separator}/{representation}.log",
    benchmark:
        "benchmarks/tensors/{separator}/{representation}.tsv"
    wildcard_constraints:
        separator="|".join(["none", *SEPARATORS]),
    conda:
        MAIN_ENV
    params:
        channels=get_representation_channels,
        songs=list(SONGS.index),
        genres=list(SONGS["genre"]),
    script:
        "../scripts/stack_tensor.py"
