# Log-mel spectrograms per (separator, block of that separator's songs) -- the mixture's once,
# under separator `none` -- each block's into its folder (sepconv.layout); then one stacked
# tensor per (separator, representation), written row by row (sepconv.signal.tensors).


rule compute_mel:
    input:
        source=get_mel_source,
        listing=get_mel_source_listing,
        code=step_script("compute_mel.py"),
    output:
        folder=block_folder(layout.MELS),
        listing=block_listing(layout.MELS),
    log:
        "logs/mels/{separator}/{block}.log",
    benchmark:
        "benchmarks/mels/{separator}/{block}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("compute_mel"),
    params:
        library=library_code("compute_mel.py"),
        features=config["features"],
        channels=get_mel_channels,
    script:
        "../scripts/compute_mel.py"


rule stack_tensor:
    input:
        mels=get_tensor_mels,
        listings=get_tensor_mel_listings,
        songs=rules.write_song_table.output.tsv,
        code=step_script("stack_tensor.py"),
    output:
        X=layout.TENSOR,
        rows=rows_path(layout.TENSOR),
    log:
        "logs/tensors/{separator}/{representation}.log",
    benchmark:
        "benchmarks/tensors/{separator}/{representation}.tsv"
    conda:
        MAIN_ENV
    resources:
        **get_resources("stack_tensor"),
    params:
        library=library_code("stack_tensor.py"),
        channels=get_representation_channels,
    script:
        "../scripts/stack_tensor.py"
