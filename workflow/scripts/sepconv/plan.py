"""What a configuration asks of a song table: every job's songs, inputs and settings.

The decisions behind the workflow's input functions, as plain Python that the tests call
without Snakemake: :class:`Plan` answers, for a job named by its wildcards, which block
folders and files it reads and which settings it depends on (its ``params``: what re-runs it
when they change). ``workflow/rules/common.smk`` wires these answers to the rules and adds
only what is Snakemake's (``ancient``, ``directory``, ``temp``). Paths come from
:mod:`sepconv.layout`, blocks from :mod:`sepconv.blocks`.

Light to import (pandas, no NumPy arithmetic), since the workflow imports it when it loads.
"""

from __future__ import annotations

import functools

import pandas as pd

from . import layout
from .blocks import SongBlocks, seed_blocks, song_block
from .checks import check_config, usable_separators
from .config import enabled_models, representation_separators
from .errors import ConfigError, InputError
from .names import MIXTURE, NO_SEPARATOR, ORACLE, SELECTIONS, STEMS, VALIDATION_SELECTION
from .resources import COSTS, training_scale

#: The separators that load a model and run in blocks of their own (config ``X.blocks``).
LEARNED = ("spleeter", "demucs")
#: What synthesising one song uses of ``dataset.synthetic`` (not the song counts: a new song
#: of a genre leaves the others as they are).
SYNTHESIS_KEYS = ("seed", "sample_rate", "duration", "difficulty", "vocals_share")


def corpus_path(song: str, name: str, song_blocks: int) -> str:
    """Where the synthesis writes a synthetic song's ``name`` (``mixture`` or a stem)."""
    folder = layout.CORPUS_FOLDER.format(block=song_block(song, song_blocks))
    return layout.corpus_file(folder, song, name)


def load_songs(config: dict, log=None) -> pd.DataFrame:
    """The song table of a validated ``config``, checked against its schema and against the
    config (:func:`check_config`); raises one :class:`~sepconv.errors.InputError`
    naming the key, the file or the line. What the workflow does when it loads, before any
    job; ``log`` tells what a folder data set skipped."""
    import yaml
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    from .corpus.songs import SCHEMA, load_song_table, suspect_rows, table_source
    from .errors import SheetError

    source = table_source(config["dataset"])
    blocks = config["song_blocks"]
    songs = load_song_table(
        config["dataset"], lambda song, name: corpus_path(song, name, blocks), log=log
    )
    suspect = suspect_rows(songs, yaml.safe_load(SCHEMA.read_text()))
    for song in songs.index[suspect]:  # Snakemake's validate, on the rows that may be bad
        try:
            validate(songs.loc[[song]], SCHEMA)
        except WorkflowError as err:
            lines = str(err).splitlines()
            detail = lines[1].removeprefix("ValidationError: ") if len(lines) > 1 else lines[0]
            raise SheetError(f"{songs.loc[song, 'origin']}: {detail}") from None
    check_config(config, songs, source)
    return songs


def leave_out(
    songs: pd.DataFrame, problems: list[tuple[str, str]], config: dict, source: str
) -> tuple[pd.DataFrame, list[dict]]:
    """Under ``dataset.bad_files: skip``: the song table without the songs whose files the
    check of every header found bad (``problems``, as
    :func:`~sepconv.signal.collection.check_collection` gives them), checked again
    (:func:`check_config`: every genre can still be split), and the rows of
    ``results/excluded.tsv`` for the songs left out."""
    reasons: dict[str, list[str]] = {}
    for song, line in problems:
        reasons.setdefault(song, []).append(line)
    rows = [
        {
            "song": song,
            "genre": songs.loc[song, "genre"],
            "path": songs.loc[song, "path"],
            "found": "header",
            "reason": "; ".join(lines),
        }
        for song, lines in reasons.items()
    ]
    kept = songs.drop(index=list(reasons))
    check_config(config, kept, f"{source} without the {len(reasons)} song(s) left out")
    return kept, rows


def quality_plan(
    separators: list[str], songs: pd.DataFrame, source: str
) -> tuple[list[str], list[str], str | None]:
    """Which separators' stems are measured against reference stems, on which songs, and the
    one log line that says why nothing is measured (None when something is).

    Every separator but the oracle is measured, on the songs of ``songs`` (the song table,
    with its ``has_stems`` column) that have reference stems; the oracle's stems, cut like
    the segment, are the references.
    """
    with_stems = list(songs.index[songs["has_stems"]])
    measured = [s for s in separators if s != ORACLE] if with_stems else []
    if not with_stems:
        return (
            [],
            [],
            (
                f"separation quality not measured: no song of {source} has reference stems "
                f"(sheet columns {', '.join(STEMS)}); results/separation/quality.tsv is not made"
            ),
        )
    if not measured:
        return (
            [],
            with_stems,
            (
                "separation quality not measured: `separators` lists only the oracle, whose stems "
                "are the references; results/separation/quality.tsv is not made"
            ),
        )
    return measured, with_stems, None


def mel_channels(separator: str, representations: dict[str, list[str]]) -> list[str]:
    """The channels of a separator's spectrogram file: the mixture under ``none``; else each
    stem, then each sum of stems (``bass+drums+other``) that a representation uses."""
    if separator == NO_SEPARATOR:
        return [MIXTURE]
    channels = list(STEMS)
    for representation_channels in representations.values():
        for channel in representation_channels:
            if channel != MIXTURE and channel not in channels:
                channels.append(channel)
    return channels


def may_be_short(
    start: float | None,
    segment_s: float,
    audio: pd.Series | None = None,
    shortest_s: float | None = None,
) -> bool:
    """Whether a song may end before its segment does (then ``segment.pad`` matters to it):
    from its header facts ``audio`` (a row of ``check_collection``'s table: ``short``,
    ``problem``), or, for a synthetic song, from the shortest length it can have."""
    if audio is not None:
        return bool(audio["short"] or audio["problem"])
    need = segment_s + (0.0 if start is None or pd.isna(start) else float(start))
    return shortest_s < need


def segment_settings(segment: dict, start: float | None, short: bool, sample_rate: int) -> dict:
    """What cutting one song's segments depends on, from config ``segment``: the rate; the
    number of segments where it is more than one; the search grid only for a song without a
    ``start`` cut into one segment; ``pad`` only for a song that may be ``short``. So a
    changed setting re-runs only the songs it concerns."""
    settings = {"sample_rate": sample_rate}
    per_song = segment["per_song"]
    if per_song > 1:  # absent at 1: the paper's protocol keeps the segments' parameters
        settings["per_song"] = per_song
    if per_song == 1 and (start is None or pd.isna(start)):
        settings["search_step"] = segment["search_step"]
    if short:
        settings["pad"] = segment["pad"]
    return settings


class Plan:
    """Every job of a run of ``config`` (validated, defaults filled) on ``songs`` (the song
    table of :func:`load_songs`, read from ``source``), by its wildcards.

    ``segment_samples`` is the length of a segment at the segment rate; ``headers`` the
    header facts of a sheet's or folder's songs (``check_collection``), None for the
    synthetic corpus; ``excluded`` the rows of ``results/excluded.tsv`` of the songs left out
    before the plan (:func:`leave_out`).
    """

    def __init__(
        self,
        config: dict,
        songs: pd.DataFrame,
        source: str,
        segment_samples: int,
        headers: pd.DataFrame | None = None,
        excluded: list[dict] | None = None,
    ):
        self.config = config
        self.songs = songs
        self.excluded = list(excluded or [])
        # each song's row as a dict: a job's parameters read thousands of cells, and a
        # pandas lookup costs about a hundred times a dict's
        columns = list(songs.columns)
        self.rows = {row[0]: dict(zip(columns, row[1:], strict=True)) for row in songs.itertuples()}
        self.source = source
        self.synthetic = config["dataset"]["source"] == "synthetic"
        self.segment_samples = int(segment_samples)
        self.headers = headers
        self.separators, self.oracle_left_out = usable_separators(
            config["separators"], songs, source
        )
        self.quality_separators, self.songs_with_stems, self.quality_not_measured = quality_plan(
            self.separators, songs, source
        )
        self.representations = dict(config["representations"])
        self.models = enabled_models(config)
        self.seed_blocks = seed_blocks(config["trials"], config["seeds_per_job"])
        self.blocks = SongBlocks(
            songs.index,
            config["song_blocks"],
            {name: config[name]["blocks"] for name in LEARNED if name in self.separators},
        )

    def notes(self) -> list[str]:
        """What the run leaves out, one line each, for the log when the workflow loads: the
        separators that need reference stems the data lacks, and the separation quality."""
        return [line for line in (self.oracle_left_out, self.quality_not_measured) if line]

    def results(self) -> list[str]:
        """The results of the default target: the metrics, Table 1, the significance tests, the
        figures and the training curves; the separation quality where some song has
        reference stems, and beside it the gain against quality where a stems model is set
        against the baseline; the genre pairs where ``pairs.in_all`` asks for them."""
        results = ["metrics", "table1", "significance", "figures", "curves"]
        if self.quality_separators:
            results.append("quality")
            if self.stems_models():
                results.append("gain")
        if self.config["pairs"]["in_all"]:
            results.append("pairs")
        return results

    # blocks

    def block_names(self, separator: str = NO_SEPARATOR) -> list[str]:
        """The blocks of a separator's jobs (``none``, ``oracle``, ``hpss``: the per-song
        steps' blocks)."""
        return self.blocks.names(self.blocks.scheme(separator))

    def block_songs(self, block: str, separator: str = NO_SEPARATOR) -> list[str]:
        """The songs of a block of a separator's jobs (the per-song steps' by default)."""
        return self.blocks.songs(self.blocks.scheme(separator), block)

    def per_song_blocks(self, separator: str, block: str) -> list[str]:
        """The per-song blocks that a block of a separator's jobs is made of (itself, for a
        separator that runs in the per-song blocks)."""
        return self.blocks.per_song_blocks(self.blocks.scheme(separator), block)

    # the songs (dataset.smk)

    def labels(self) -> list[list[str]]:
        """The rows of results/songs.tsv (song, genre, artist): what the splits and the
        tensors read of each song."""
        from .corpus.labels import LABEL_COLUMNS

        return self.songs[LABEL_COLUMNS].fillna("").values.tolist()

    def synthesis_settings(self) -> dict:
        synthetic = self.config["dataset"]["synthetic"]
        return {key: synthetic[key] for key in SYNTHESIS_KEYS}

    def synthesis_jobs(self, block: str) -> dict[str, dict]:
        """The genre and artist of every song of a corpus block, by song."""
        rows = self.rows
        return {
            song: {"genre": rows[song]["genre"], "artist": rows[song]["artist"]}
            for song in self.block_songs(block)
        }

    def corpus_folders(self, block: str) -> list[str]:
        """The synthetic corpus's folder of a per-song block (nothing for a sheet or folder
        data set, whose files the songs name)."""
        return [layout.CORPUS_FOLDER.format(block=block)] if self.synthetic else []

    def song_files(self, block: str, columns: list[str]) -> list[str]:
        """The files of a block's songs in ``columns`` of the song table, where they are the
        user's (a sheet or folder data set); the synthetic corpus's are in its folders."""
        if self.synthetic:
            return []
        return [self.rows[song][column] for song in self.block_songs(block) for column in columns]

    def segment_job(self, song: str) -> dict:
        """What cutting one song's segments depends on: its file (so that a sheet pointing a
        song at another file re-runs it), its start (seconds, or 'auto') and the segment
        settings (:func:`segment_settings`)."""
        row = self.rows[song]
        start = row["start"]
        short = may_be_short(
            start,
            self.segment_samples / self.config["segment"]["sample_rate"],
            None if self.headers is None else self.headers.loc[song],
            self.config["dataset"]["synthetic"]["duration"][0],
        )
        return {
            "audio": row["path"],
            "start": "auto" if pd.isna(start) else float(start),
            "segment": segment_settings(
                self.config["segment"], start, short, self.config["segment"]["sample_rate"]
            ),
        }

    def segment_jobs(self, block: str) -> dict[str, dict]:
        """:meth:`segment_job` of every song of a per-song block, by song."""
        return {song: self.segment_job(song) for song in self.block_songs(block)}

    # separation (separate.smk)

    def segment_folders(self, block: str, separator: str = NO_SEPARATOR) -> list[str]:
        """The segment folders a block of a separator's jobs reads: its per-song block's, or
        for a learned separator those of the per-song blocks it unites."""
        return [
            layout.SEGMENT_FOLDER.format(block=part)
            for part in self.per_song_blocks(separator, block)
        ]

    def segment_folders_all(self) -> list[str]:
        """Every block's segment folder."""
        return [layout.SEGMENT_FOLDER.format(block=block) for block in self.block_names()]

    def segment_exclusions_all(self) -> list[str]:
        """Every block's table of the songs its segment job left out."""
        return [layout.SEGMENT_EXCLUSIONS.format(block=block) for block in self.block_names()]

    def references(self, block: str) -> dict[str, list[str]]:
        """The reference stems of a per-song block's songs (files in STEMS order), by song:
        what the oracle cuts, and what re-runs it when a sheet names other files."""
        return {song: [self.rows[song][stem] for stem in STEMS] for song in self.block_songs(block)}

    def learned_model(self, separator: str) -> dict[str, str]:
        """What a learned separator's rules pass its steps (config ``spleeter`` or
        ``demucs``): the model's name, the folder that holds it, and the arguments of the
        settings its stems depend on, quoted for a shell command."""
        import json
        import shlex

        settings = self.config[separator]
        if separator == "spleeter":
            from .separators.spleeter import model_root

            folder = model_root(settings["model_dir"]) / settings["model"]
            arguments = ["--model-params", json.dumps(settings["model_params"])]
        elif separator == "demucs":
            from .separators.demucs import Settings, model_folder

            folder = model_folder(settings["model_dir"])
            arguments = [
                *("--settings", Settings.from_config(settings).to_json()),
                *("--sum-tolerance-db", json.dumps(settings["sum_tolerance_db"])),
            ]
        else:
            raise ValueError(f"{separator} is not a learned separator ({', '.join(LEARNED)})")
        return {
            "model": settings["model"],
            "folder": str(folder),
            "arguments": shlex.join(arguments),
        }

    def stem_folder(self, separator: str, block: str) -> str:
        return layout.STEM_FOLDER.format(separator=separator, block=block)

    # spectrograms and tensors (features.smk)

    def separators_for(self, representation: str) -> list[str]:
        """``none`` for a mixture-only representation, else every usable separator."""
        return representation_separators(self.representations[representation], self.separators)

    def mel_source(self, separator: str, block: str) -> str:
        """The folder a spectrogram job reads: the block's segments (``none``) or the
        separator's stems of the block."""
        if separator == NO_SEPARATOR:
            return layout.SEGMENT_FOLDER.format(block=block)
        return self.stem_folder(separator, block)

    def mel_channels(self, separator: str) -> list[str]:
        return mel_channels(separator, self.representations)

    def mel_folders(self, separator: str, representation: str | None = None) -> list[str]:
        """Every spectrogram folder of a separator: what its tensors stack."""
        if representation is not None and separator not in self.separators_for(representation):
            raise InputError(
                f"representation {representation} is computed for separator(s) "
                f"{', '.join(self.separators_for(representation))}, not {separator}"
            )
        return [
            layout.MEL_FOLDER.format(separator=separator, block=block)
            for block in self.block_names(separator)
        ]

    def tensors(self) -> list[tuple[str, str]]:
        """(separator, representation) of every stacked tensor."""
        return [
            (separator, name)
            for name in self.representations
            for separator in self.separators_for(name)
        ]

    # training (train.smk)

    def split_settings(self) -> dict:
        """What a seed's split depends on: the test share, and the validation share where
        there is one (so that a config without one keeps the splits it had)."""
        settings = {"test_size": self.config["test_size"]}
        if self.config["validation"]:
            settings["validation"] = self.config["validation"]
        return settings

    def selections(self) -> list[str]:
        """The selection rules of the runs (:data:`~sepconv.names.SELECTIONS`): the epoch of
        minimum validation loss only where a validation part is held out."""
        return [
            name for name in SELECTIONS if name != VALIDATION_SELECTION or self.config["validation"]
        ]

    def model_separators(self, model: str) -> list[str]:
        return self.separators_for(self.models[model]["representation"])

    def stems_models(self) -> list[str]:
        """The enabled models trained on separated stems (not on the mixture alone), but the
        baseline: the models whose gain over the baseline is set against separation quality."""
        baseline = self.config["baseline"]
        return [
            model
            for model in self.models
            if model != baseline and self.model_separators(model) != [NO_SEPARATOR]
        ]

    def model_tensor(self, separator: str, model: str) -> tuple[str, str]:
        """(separator, representation) of the tensor a model trains on under a separator."""
        representation = self.models[model]["representation"]
        if separator not in self.separators_for(representation):
            raise InputError(
                f"model {model} ({representation}) is trained on separator(s) "
                f"{', '.join(self.separators_for(representation))}, not {separator}"
            )
        return separator, representation

    def training_jobs(self) -> list[tuple[str, str, str]]:
        """(separator, model, seed block) of every training job."""
        return [
            (separator, model, block)
            for model in self.models
            for separator in self.model_separators(model)
            for block in self.seed_blocks
        ]

    def run_folders(self) -> list[str]:
        return [
            layout.RUN_FOLDER.format(separator=separator, model=model, seeds=block)
            for separator, model, block in self.training_jobs()
        ]

    def run_ids(self) -> list[str]:
        """``separator/model/seed`` of every training run: what the metrics table covers."""
        return [
            f"{separator}/{model}/{seed}"
            for separator, model, block in self.training_jobs()
            for seed in self.seed_blocks[block]
        ]

    def block_seeds(self, seeds: str) -> list[int]:
        """The seeds of a training block (``{seeds}``: ``1-25``, ``26-50``, ...)."""
        if seeds not in self.seed_blocks:
            raise InputError(
                f"seeds {seeds} is not a block of seeds: with trials {self.config['trials']} "
                f"and seeds_per_job {self.config['seeds_per_job']} the blocks are "
                f"{', '.join(self.seed_blocks)}"
            )
        return self.seed_blocks[seeds]

    def pair_models(self) -> list[str]:
        """The enabled models of the genre-pair experiment."""
        return [name for name in self.config["pairs"]["models"] if name in self.models]

    @functools.cached_property
    def _pair_blocks(self) -> dict[str, list[tuple[str, str]]]:
        from .learning.pairs import genre_pairs

        pairs = genre_pairs(set(self.songs["genre"]))
        blocks = seed_blocks(len(pairs), self.config["pairs"]["pairs_per_job"])
        return {name: [pairs[number - 1] for number in numbers] for name, numbers in blocks.items()}

    def pair_blocks(self) -> dict[str, list[tuple[str, str]]]:
        """Every pair of the songs' genres, numbered in sorted order from 1 and grouped in
        blocks of ``pairs.pairs_per_job`` by their numbers (``{"1-15": [(a, b), ...]}``): a
        job of the genre-pair experiment trains one block of one (separator, model)."""
        return self._pair_blocks

    def block_pairs(self, pairs: str) -> list[tuple[str, str]]:
        """The genre pairs of a block (``{pairs}``: ``1-15``, ...)."""
        blocks = self.pair_blocks()
        if pairs not in blocks:
            raise InputError(
                f"pairs {pairs} is not a block of genre pairs: with pairs.pairs_per_job "
                f"{self.config['pairs']['pairs_per_job']} the blocks are {', '.join(blocks)}"
            )
        return blocks[pairs]

    def pair_seeds(self, seeds: str) -> list[int]:
        """The seeds of a block of the genre-pair experiment's seeds (``{seeds}``: its
        seeds 1..``pairs.trials`` in blocks of ``seeds_per_job``, as training's)."""
        blocks = seed_blocks(self.config["pairs"]["trials"], self.config["seeds_per_job"])
        if seeds not in blocks:
            raise InputError(
                f"seeds {seeds} is not a block of the genre pairs' seeds: with pairs.trials "
                f"{self.config['pairs']['trials']} and seeds_per_job "
                f"{self.config['seeds_per_job']} the blocks are {', '.join(blocks)}"
            )
        return blocks[seeds]

    def pair_jobs(self) -> list[tuple[str, str, str, str]]:
        """(separator, model, block of pairs, block of seeds) of every job of the genre-pair
        experiment; an error when `pairs.models` names no enabled model."""
        models = self.pair_models()
        if not models:
            raise ConfigError(
                "pairs.models: none of "
                f"{', '.join(self.config['pairs']['models'])} is an enabled model; nothing to train"
            )
        seeds = seed_blocks(self.config["pairs"]["trials"], self.config["seeds_per_job"])
        return [
            (separator, model, pairs, block)
            for model in models
            for separator in self.model_separators(model)
            for pairs in self.pair_blocks()
            for block in seeds
        ]

    # what each job asks for (every rule whose work grows with the collection)

    def resources(self, rule: str, **wildcards: str) -> dict[str, int]:
        """``mem_mb`` and ``runtime`` (minutes) of the job of ``rule`` named by its
        ``wildcards``: the units of work it is given, counted here, turned into a request by
        the rule's measured cost (:mod:`sepconv.resources`)."""
        cost = COSTS[rule]
        per_song = self.config["segment"]["per_song"]
        block = wildcards.get("block")
        if rule == "synthesize_song":
            longest = self.config["dataset"]["synthetic"]["duration"][1]
            return cost.request(len(self.block_songs(block)) * longest)
        if rule == "segment_song":
            return cost.request(sum(self.audio_seconds(song) for song in self.block_songs(block)))
        if rule.startswith("separate_") or rule == "measure_separation":
            # separate_hpss, ...: the separator its name says, or its {separator} wildcard
            separator = wildcards.get("separator") or rule.removeprefix("separate_")
            segments = len(self.block_songs(block, separator)) * per_song
            if rule == "measure_separation":
                segments = len(self.quality_songs(separator, block)) * per_song
            if rule == "separate_demucs":  # each shift separates the segment again
                segments *= max(1, self.config["demucs"]["shifts"])
            request = cost.request(segments)
            if rule in ("separate_spleeter", "separate_demucs"):  # the model's, as configured
                request["mem_mb"] = self.config[separator]["mem_mb"]
            return request
        if rule == "compute_mel":
            separator = wildcards["separator"]
            segments = len(self.block_songs(block, separator)) * per_song
            return cost.request(segments * len(self.mel_channels(separator)))
        rows = len(self.songs) * per_song
        if rule == "stack_tensor":
            return cost.request(rows * len(self.representations[wildcards["representation"]]), rows)
        model = self.models[wildcards["model"]]
        if rule == "train_model":
            seeds, trained = len(self.block_seeds(wildcards["seeds"])), rows
        elif rule == "train_pairs":
            seeds = len(self.pair_seeds(wildcards["seeds"]))
            per_genre = self.songs["genre"].value_counts()
            pairs = self.block_pairs(wildcards["pairs"])
            trained = sum(int(per_genre[a] + per_genre[b]) * per_song for a, b in pairs)
        else:
            raise ValueError(f"no resources are computed for rule {rule}")
        features = self.config["features"]
        scale = training_scale(
            model.get("conv", "standard"),
            len(self.representations[model["representation"]]),
            features["n_mels"],
            features["n_frames"],
        )
        return cost.request(seeds * model["epochs"] * trained * scale, rows)

    def audio_seconds(self, song: str) -> float:
        """How much audio a song's segment job reads (the search for its loudest window reads
        it all): its length from its header, or the longest a synthetic song can be."""
        if self.headers is None:
            return float(self.config["dataset"]["synthetic"]["duration"][1])
        return self._durations[song]

    @functools.cached_property
    def _durations(self) -> dict[str, float]:
        """Each song's length in seconds, from its header (a dict: a job asks it of every
        song of its block)."""
        return dict(zip(self.headers.index, self.headers["duration_s"].astype(float), strict=True))

    # separation quality (evaluate.smk)

    def quality_jobs(self) -> list[tuple[str, str]]:
        """(separator, block) of every separation quality table: a measured separator's
        blocks that hold songs with reference stems."""
        with_stems = set(self.songs_with_stems)
        return [
            (separator, block)
            for separator in self.quality_separators
            for block in self.block_names(separator)
            if with_stems.intersection(self.block_songs(block, separator))
        ]

    def quality_songs(self, separator: str, block: str) -> dict[str, str]:
        """The songs with reference stems of a block of a separator, with their genres."""
        with_stems = set(self.songs_with_stems)
        return {
            song: self.rows[song]["genre"]
            for song in self.block_songs(block, separator)
            if song in with_stems
        }

    def quality_inputs(self, separator: str, block: str) -> dict[str, list[str]]:
        """The folders a separation quality table reads: the separator's stems of the block,
        and the segments (the mixtures) and the oracle's stems (the references) of the
        per-song blocks in it."""
        parts = self.per_song_blocks(separator, block)
        return {
            "estimates": [self.stem_folder(separator, block)],
            "segments": [layout.SEGMENT_FOLDER.format(block=part) for part in parts],
            "references": [self.stem_folder(ORACLE, part) for part in parts],
        }
