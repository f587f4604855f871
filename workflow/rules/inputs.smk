# Input functions by stage: what each rule's jobs read, from the song table and the settings
# that common.smk loads. The decisions behind them live in the library (sepconv.plan,
# sepconv.blocks), where the tests reach them without Snakemake.


# The songs (dataset.smk), and what every separator's stems are


def song_labels():
    """The rows of results/songs.tsv: what the splits and the tensors read of each song."""
    return SONGS[LABEL_COLUMNS].fillna("").values.tolist()


def synthesis_settings():
    """What synthesising one song uses of `dataset.synthetic` (not the song counts: a new
    song of a genre leaves the others as they are)."""
    synthetic = config["dataset"]["synthetic"]
    keys = ("seed", "sample_rate", "duration", "difficulty", "vocals_share")
    return {key: synthetic[key] for key in keys}


def get_song_genre(wildcards):
    return SONGS.loc[wildcards.song, "genre"]


def get_song_artist(wildcards):
    return SONGS.loc[wildcards.song, "artist"]


def get_song_audio(wildcards):
    """The song's full-length audio: the generated corpus file or the sheet's path."""
    return SONGS.loc[wildcards.song, "path"]


def get_reference_stems(wildcards):
    """The song's reference stems, in STEMS order: the corpus's or the sheet's files."""
    return SONGS.loc[wildcards.song, list(STEMS)].tolist()


def get_segment_settings(wildcards):
    """What cutting one song's segments depends on (sepconv.plan.segment_settings)."""
    start = SONGS.loc[wildcards.song, "start"]
    short = plan.may_be_short(
        start,
        SEGMENT_SAMPLES / SEGMENT_RATE,
        None if SONG_HEADERS is None else SONG_HEADERS.loc[wildcards.song],
        config["dataset"]["synthetic"]["duration"][0],
    )
    return plan.segment_settings(config["segment"], start, short, SEGMENT_RATE)


def get_segment_start(wildcards):
    """Segment start in seconds from the song table, or 'auto'."""
    start = SONGS.loc[wildcards.song, "start"]
    return "auto" if pd.isna(start) else float(start)


def stem_files(separator, song):
    """A song's four stem files under a separator, in STEMS order."""
    return [STEM_FILE.format(separator=separator, song=song, stem=s) for s in STEMS]


def stem_inputs(separator, song):
    """What a step that reads a song's stems declares as input: the four stem files, or,
    for a separator that runs blocks of songs, the record of the song's block (which lists
    the files)."""
    if separator in SONG_BLOCKS:
        separate = getattr(rules, f"separate_{separator}")
        block = SONG_BLOCKS.block_of(separator, song)
        return {"block": separate.output.tsv.format(block=block)}
    return {"stems": stem_files(separator, song)}


def get_final_output():
    return [
        rules.collect_metrics.output.tsv,
        rules.make_table1.output.tsv,
        rules.make_table1.output.md,
        rules.test_significance.output.tsv,
        rules.test_significance.output.genres,
        *get_figure_paths(),
        *get_quality_outputs(),
        *(get_pairs_outputs() if config["pairs"]["in_all"] else []),
    ]


# Separation (separate.smk)


def get_block_segments(separator):
    """The input function of a block separation rule: the segments of the block's songs
    and their records (which name the song)."""

    def segments(wildcards):
        songs = block_songs(separator, wildcards.block)
        return {
            "segments": [
                rules.segment_song.output.segment.format(song=s) for s in songs
            ],
            "infos": [rules.segment_song.output.info.format(song=s) for s in songs],
        }

    return segments


def block_songs(separator, block):
    try:
        return SONG_BLOCKS.songs(separator, block)
    except InputError as err:
        raise WorkflowError(str(err)) from None


def get_block_runtime(separator, minutes_per_segment):
    """A block separation job's runtime in minutes: start-up and its songs' segments."""

    def runtime(wildcards):
        songs = len(block_songs(separator, wildcards.block))
        segments = songs * config["segment"]["per_song"]
        return 10 + math.ceil(segments * minutes_per_segment)

    return runtime


def get_stem_pattern(separator):
    """A params function: the separator's STEM_FILE with `{song}` and `{stem}` left for the
    block step to fill (a function, since Snakemake fills wildcards in params strings).
    """

    def pattern(wildcards):
        return STEM_FILE.format(separator=separator, song="{song}", stem="{stem}")

    return pattern


# Spectrograms and tensors (features.smk)


def get_mel_input(wildcards):
    """The segment (separator `none`), or what declares the separator's stems of one song
    (see stem_inputs)."""
    if wildcards.separator == NO_SEPARATOR:
        return {
            "segment": rules.segment_song.output.segment.format(song=wildcards.song)
        }
    return stem_inputs(wildcards.separator, wildcards.song)


def get_mel_channels(wildcards):
    return plan.mel_channels(wildcards.separator, REPRESENTATIONS)


def get_separator_mels(wildcards):
    """The spectrogram files of every song under the tensor's separator."""
    if wildcards.separator not in separators_for(wildcards.representation):
        raise WorkflowError(
            f"representation {wildcards.representation} is computed for separator(s) "
            f"{', '.join(separators_for(wildcards.representation))}, "
            f"not {wildcards.separator}"
        )
    return expand(
        rules.compute_mel.output.npz, separator=wildcards.separator, song=SONGS.index
    )


def get_representation_channels(wildcards):
    return REPRESENTATIONS[wildcards.representation]


def get_tensor_paths():
    return [
        rules.stack_tensor.output.npz.format(separator=separator, representation=name)
        for name in REPRESENTATIONS
        for separator in separators_for(name)
    ]


# Training (train.smk)


def get_model_params(wildcards):
    """A model's entry as training needs it (see sepconv.config.enabled_models)."""
    return MODELS[wildcards.model]


def get_model_tensor(wildcards):
    representation = MODELS[wildcards.model]["representation"]
    if wildcards.separator not in separators_for(representation):
        raise WorkflowError(
            f"model {wildcards.model} ({representation}) is trained on separator(s) "
            f"{', '.join(separators_for(representation))}, not {wildcards.separator}"
        )
    return rules.stack_tensor.output.npz.format(
        separator=wildcards.separator, representation=representation
    )


def training_jobs():
    """(separator, model, seed block) of every training job."""
    return [
        (separator, model, block)
        for model, entry in MODELS.items()
        for separator in separators_for(entry["representation"])
        for block in SEED_BLOCKS
    ]


def get_training_records():
    """The block records of every training job (each lists its seeds' run records)."""
    return [
        rules.train_model.output.tsv.format(
            separator=separator, model=model, seeds=block
        )
        for separator, model, block in training_jobs()
    ]


def get_run_ids():
    """`separator/model/seed` of every training run: what the metrics table covers."""
    return [
        f"{separator}/{model}/{seed}"
        for separator, model, block in training_jobs()
        for seed in SEED_BLOCKS[block]
    ]


def get_block_seeds(wildcards):
    """The seeds of a training block (`{seeds}`: `1-25`, `26-50`, ...)."""
    if wildcards.seeds not in SEED_BLOCKS:
        raise WorkflowError(
            f"seeds {wildcards.seeds} is not a block of seeds: with trials "
            f"{config['trials']} and seeds_per_job {config['seeds_per_job']} the blocks are "
            f"{', '.join(SEED_BLOCKS)}"
        )
    return SEED_BLOCKS[wildcards.seeds]


def get_block_splits(wildcards):
    return expand(rules.split_songs.output.tsv, seed=get_block_seeds(wildcards))


def get_block_run_records(wildcards):
    """Where a training block writes each seed's run record."""
    return [
        RUN_RECORD.format(
            separator=wildcards.separator, model=wildcards.model, seed=seed
        )
        for seed in get_block_seeds(wildcards)
    ]


def get_pair_paths():
    """Every (separator, model) file of the genre-pair experiment."""
    return [
        rules.train_pairs.output.tsv.format(separator=separator, model=model)
        for model in PAIR_MODELS
        for separator in separators_for(MODELS[model]["representation"])
    ]


# Tables, figures, separation quality, genre pairs (evaluate.smk)


def get_figure_outputs():
    """Named outputs of the figures rule, per `{selection}`: `{figure}_png` (in the report) and
    `{figure}_pdf`, for each figure of sepconv.names.FIGURES."""
    outputs = {}
    for number, (figure, title) in enumerate(FIGURES.items(), start=3):
        stem = f"results/figures/{figure}_{{selection}}"
        outputs[f"{figure}_png"] = report(
            f"{stem}.png",
            caption=str(REPORT_DIR / f"{figure}.rst"),
            category=f"{number}. {title.capitalize()}",
            subcategory="{selection}",
            labels={"figure": title, "selection": "{selection}"},
        )
        outputs[f"{figure}_pdf"] = f"{stem}.pdf"
    return outputs


def get_figure_paths():
    return [
        path.format(selection=selection)
        for selection in SELECTIONS
        for path in rules.plot_figures.output
    ]


def quality_files():
    """What the separation quality reads, per (separator, song): the segment (the mixture),
    the reference stems and the separator's stems."""
    return [
        {
            "separator": separator,
            "song": song,
            "genre": SONGS.loc[song, "genre"],
            "mixture": rules.segment_song.output.segment.format(song=song),
            "references": stem_files(ORACLE, song),
            "estimates": stem_files(separator, song),
        }
        for separator in QUALITY_SEPARATORS
        for song in QUALITY_SONGS
    ]


def quality_inputs():
    """The files behind quality_files, as inputs (a block separator's by its records)."""
    paths = set()
    for entry in quality_files():
        paths.update([entry["mixture"], *entry["references"]])
        for declared in stem_inputs(entry["separator"], entry["song"]).values():
            paths.update([declared] if isinstance(declared, str) else declared)
    return sorted(paths)


def get_quality_outputs():
    """The quality table, its summary and figure, where the data has reference stems."""
    if not QUALITY_SEPARATORS:
        return []
    return [
        rules.measure_separation.output.tsv,
        rules.measure_separation.output.summary,
        *rules.plot_quality.output,
    ]


def get_pairs_outputs():
    if not PAIR_MODELS:
        raise WorkflowError(
            "pairs.models: none of "
            f"{', '.join(config['pairs']['models'])} is an enabled model; nothing to train"
        )
    return [*rules.collect_pairs.output]
