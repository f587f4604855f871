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


def get_synthesis_jobs(wildcards):
    """A params function: the genre and artist of every song of the block, by song."""
    return {
        song: {"genre": SONGS.loc[song, "genre"], "artist": SONGS.loc[song, "artist"]}
        for song in block_songs(PER_SONG, wildcards.block)
    }


def song_files(block, columns):
    """What declares the files of a block's songs in `columns` of the song table: the
    synthesis block record for the embedded corpus (which lists them), else the files.
    """
    if config["dataset"]["source"] == "synthetic":
        return [rules.synthesize_song.output.tsv.format(block=block)]
    songs = block_songs(PER_SONG, block)
    return [path for song in songs for path in SONGS.loc[song, columns].tolist()]


def block_songs(step, block):
    """The songs of a block of `step` (PER_SONG, or a learned separator)."""
    try:
        return SONG_BLOCKS.songs(step, block)
    except InputError as err:
        raise WorkflowError(str(err)) from None


def get_block_songs(step):
    """A params function: the songs of the job's block, in order."""

    def songs(wildcards):
        return block_songs(step, wildcards.block)

    return songs


def get_block_audio(wildcards):
    """The full-length audio of the block's songs (see song_files)."""
    return song_files(wildcards.block, ["path"])


def segment_job(song):
    """What cutting one song's segments depends on: its file (so that a sheet pointing a
    song at another file re-runs it), its start (seconds, or 'auto') and the segment settings
    (sepconv.plan.segment_settings)."""
    start = SONGS.loc[song, "start"]
    short = plan.may_be_short(
        start,
        SEGMENT_SAMPLES / SEGMENT_RATE,
        None if SONG_HEADERS is None else SONG_HEADERS.loc[song],
        config["dataset"]["synthetic"]["duration"][0],
    )
    return {
        "audio": SONGS.loc[song, "path"],
        "start": "auto" if pd.isna(start) else float(start),
        "segment": plan.segment_settings(config["segment"], start, short, SEGMENT_RATE),
    }


def get_segment_jobs(wildcards):
    """A params function: segment_job of every song of the block, by song."""
    return {song: segment_job(song) for song in block_songs(PER_SONG, wildcards.block)}


def segment_record(song):
    """The block record of the segment job that cuts `song`."""
    return rules.segment_song.output.tsv.format(
        block=SONG_BLOCKS.block_of(PER_SONG, song)
    )


def get_segment_blocks(wildcards):
    """Every block record of the segments: what the song table waits for, so that a run
    that fails on a new song's audio leaves the table as it was. While the table's content
    stays the same they are `ancient`: a block cut again (a song's new audio) does not
    re-write the table and re-run the splits and trainings. (Snakemake does not look at the
    parameters of a job whose ancient inputs another job re-makes, so a table that will
    change must not take them as ancient.)"""
    records = [
        rules.segment_song.output.tsv.format(block=block)
        for block in SONG_BLOCKS.names(PER_SONG)
    ]
    table = pd.DataFrame(song_labels(), columns=LABEL_COLUMNS)
    if labels_unchanged(rules.write_song_table.output.tsv, table):
        return [ancient(record) for record in records]
    return records


def get_segment_records(step):
    """An input function: the segment block records of the songs of a block of `step`."""

    def records(wildcards):
        return sorted(
            {segment_record(song) for song in block_songs(step, wildcards.block)}
        )

    return records


def reference_stems(song):
    """The song's reference stems, in STEMS order: the corpus's or the sheet's files."""
    return SONGS.loc[song, list(STEMS)].tolist()


def get_block_references(wildcards):
    """The reference stems of the block's songs, by song."""
    return {
        song: reference_stems(song) for song in block_songs(PER_SONG, wildcards.block)
    }


def get_block_reference_files(wildcards):
    """The reference stems of the block's songs (see song_files)."""
    return song_files(wildcards.block, list(STEMS))


def stem_files(separator, song):
    """A song's four stem files under a separator, in STEMS order."""
    return [STEM_FILE.format(separator=separator, song=song, stem=s) for s in STEMS]


def separator_step(separator):
    """The blocks a separator's jobs run: its own (a learned separator), or PER_SONG's."""
    return separator if separator in SONG_BLOCKS else PER_SONG


def stem_record(separator, song):
    """The block record that lists a song's stems under a separator."""
    block = SONG_BLOCKS.block_of(separator_step(separator), song)
    return STEM_RECORD.format(separator=separator, block=block)


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
    """A params function of a block separation rule: the segments of the block's songs and
    their records (which name the song)."""

    def segments(wildcards):
        songs = block_songs(separator, wildcards.block)
        return {
            "segments": [SEGMENT_FILE.format(song=s) for s in songs],
            "infos": [SEGMENT_INFO.format(song=s) for s in songs],
        }

    return segments


def get_block_runtime(separator, minutes_per_segment):
    """A block separation job's runtime in minutes: start-up and its songs' segments."""

    def runtime(wildcards):
        songs = len(block_songs(separator_step(separator), wildcards.block))
        segments = songs * config["segment"]["per_song"]
        return 10 + math.ceil(segments * minutes_per_segment)

    return runtime


def file_pattern(pattern, **fields):
    """A params function: a path pattern with `fields` filled and its other `{...}` left for
    the block step to fill per song (a function, since Snakemake fills wildcards in params
    strings)."""

    def keep(wildcards):
        names = re.findall(r"{(\w+)}", pattern)
        return pattern.format(
            **{name: fields.get(name, f"{{{name}}}") for name in names}
        )

    return keep


def get_stem_pattern(separator):
    """A params function: STEM_FILE of `separator`, with `{song}` and `{stem}` left."""
    return file_pattern(STEM_FILE, separator=separator)


# Spectrograms and tensors (features.smk)


def get_mel_input(wildcards):
    """The block records that list the block's segments (separator `none`) or the
    separator's stems of its songs."""
    songs = block_songs(PER_SONG, wildcards.block)
    if wildcards.separator == NO_SEPARATOR:
        return sorted({segment_record(song) for song in songs})
    return sorted({stem_record(wildcards.separator, song) for song in songs})


def get_mel_channels(wildcards):
    return plan.mel_channels(wildcards.separator, REPRESENTATIONS)


def get_separator_mels(wildcards):
    """The block records of every song's spectrograms under the tensor's separator."""
    if wildcards.separator not in separators_for(wildcards.representation):
        raise WorkflowError(
            f"representation {wildcards.representation} is computed for separator(s) "
            f"{', '.join(separators_for(wildcards.representation))}, "
            f"not {wildcards.separator}"
        )
    return sorted(
        {
            rules.compute_mel.output.tsv.format(
                separator=wildcards.separator,
                block=SONG_BLOCKS.block_of(PER_SONG, song),
            )
            for song in SONGS.index
        }
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
            "mixture": SEGMENT_FILE.format(song=song),
            "references": stem_files(ORACLE, song),
            "estimates": stem_files(separator, song),
        }
        for separator in QUALITY_SEPARATORS
        for song in QUALITY_SONGS
    ]


def quality_inputs():
    """The block records that list the files behind quality_files."""
    paths = set()
    for entry in quality_files():
        paths.add(segment_record(entry["song"]))
        paths.add(stem_record(ORACLE, entry["song"]))
        paths.add(stem_record(entry["separator"], entry["song"]))
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
