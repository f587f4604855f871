"""Every bad input the workflow refuses, built here, with the exact message it must give.

Two kinds. Config and sample-sheet problems stop the workflow when it loads, before any job
runs, with one message naming the key, file or line: each case is checked in-process against
the library calls the workflow makes when it loads (``sepconv.checks.validate_config``, then
``sepconv.plan.load_songs``), and two of them through Snakemake itself, for the wiring. Audio
problems are found by the per-song step that reads the file; the message names the file and,
under ``--keep-going``, the other songs complete.
"""

import re

import numpy as np
import pytest
import soundfile as sf
import yaml
from workflow_utils import TINY, UNDECODABLE, mel_path, run_snakemake

from sepconv.blocks import song_block
from sepconv.checks import merge, validate_config
from sepconv.config import CONFIG
from sepconv.errors import InputError
from sepconv.plan import load_songs

SR = 22_050
#: enough blocks that every song of the sheet of bad audio has one of its own
BLOCKS = 64
SCHEMA_KEYS = (
    "baseline, dataset, demucs, epochs, features, figures, hpss, intermediates, ladder, models, "
    "pairs, representations, seeds_per_job, segment, separators, song_blocks, spleeter, "
    "statistics, test_size, trials, validation"
)
MODEL_KEYS = (
    "activation, batch_size, conv, dropout, enabled, epochs, filters, kernel, l1, l2, "
    "learning_rate, optimizer, pool, representation"
)


def tone(seconds: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    wave = 0.3 * np.sin(2 * np.pi * (110 + 30 * seed) * t)
    return (wave + 0.02 * rng.standard_normal(t.size)).astype(np.float32)


def write_sheet(directory, rows, header="song\tpath\tgenre"):
    sheet = directory / "songs.tsv"
    sheet.write_text("\n".join([header, *("\t".join(row) for row in rows)]) + "\n")
    return sheet


GOOD = [("a1", "a1.wav", "x"), ("a2", "a2.wav", "x"), ("b1", "b1.wav", "y"), ("b2", "b2.wav", "y")]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Four good songs (two genres) and every kind of bad audio file."""
    d = tmp_path_factory.mktemp("audio")
    for seed, (song, _, _) in enumerate(GOOD):
        sf.write(d / f"{song}.wav", tone(12.0, seed), SR)
    whole = (d / "a1.wav").read_bytes()
    (d / "header-only.wav").write_bytes(whole[:30])  # cut inside the header
    (d / "cut.wav").write_bytes(whole[: len(whole) // 2])  # cut inside the audio data
    (d / "noise-bytes.wav").write_bytes(np.random.default_rng(9).bytes(50_000))
    sf.write(d / "two-seconds.wav", tone(2.0), SR)
    sf.write(d / "silent.wav", np.zeros(12 * SR, np.float32), SR)
    nan = tone(12.0)
    nan[1000] = np.nan
    sf.write(d / "nan.wav", nan, SR, subtype="FLOAT")
    sf.write(d / "empty.wav", np.zeros(0, np.float32), SR)
    return d


def sheet_config(sheet, **extra):
    return {"dataset": {"source": "sheet", "sheet": str(sheet)}, "separators": ["hpss"], **extra}


def workflow_error(proc) -> str:
    """The one message of a workflow that refused to load."""
    output = proc.stdout + proc.stderr
    match = re.search(r"^WorkflowError in file .*:\n(.*)$", output, re.MULTILINE)
    assert match, output
    return match[1]


# (case, how the sheet and config are made, the exact message). ``{sheet}`` and ``{data}``
# stand for the sample sheet and the audio folder.
LOAD_CASES = {
    "unknown config key": (
        lambda d: sheet_config(write_sheet(d, GOOD), trails=3),
        f"config key (top level): unknown key 'trails' (known: {SCHEMA_KEYS})",
    ),
    "negative trial count": (
        lambda d: sheet_config(write_sheet(d, GOOD), trials=-1),
        "config key trials: -1 is less than the minimum of 2",
    ),
    "misspelt model key": (
        lambda d: sheet_config(write_sheet(d, GOOD), models={"mix-conv": {"filterz": [4, 8]}}),
        f"config key models.mix-conv: unknown key 'filterz' (known: {MODEL_KEYS})",
    ),
    "unknown convolution": (
        lambda d: sheet_config(write_sheet(d, GOOD), models={"mix-conv": {"conv": "depthwise"}}),
        "config key models.mix-conv.conv: 'depthwise' is not one of 'standard', 'separable'",
    ),
    "unknown separator": (
        lambda d: sheet_config(write_sheet(d, GOOD), separators=["hps"]),
        "config key separators[0]: 'hps' is not one of 'oracle', 'hpss', 'spleeter', 'demucs', "
        "nor a rung of the ladder (ladder-S, S from 0 to 1: ladder-0, ladder-0.25, ladder-1)",
    ),
    "one rung twice": (
        lambda d: sheet_config(
            write_sheet(d, GOOD), separators=["hpss", "ladder-0.5", "ladder-0.50"]
        ),
        "separators: 'ladder-0.50' and 'ladder-0.5' are the same rung of the ladder (the same "
        "strength); list it once",
    ),
    "more spleeter blocks than song blocks": (
        lambda d: sheet_config(
            write_sheet(d, GOOD), separators=["spleeter"], song_blocks=4, spleeter={"blocks": 5}
        ),
        "spleeter.blocks: 5 is more than song_blocks (4): a spleeter block runs whole per-song "
        "blocks, so at most song_blocks of them hold songs; raise song_blocks to 5 or more "
        "(4 times as many spreads the songs more evenly)",
    ),
    "one trial": (
        lambda d: sheet_config(write_sheet(d, GOOD), trials=1),
        "config key trials: 1 is less than the minimum of 2",
    ),
    "baseline that is not a model": (
        lambda d: sheet_config(write_sheet(d, GOOD), baseline="y"),
        "baseline: 'y' is not one of `models` (mix-conv, novox-conv, stems3-conv, stems3-sepconv)",
    ),
    "disabled baseline": (
        lambda d: sheet_config(write_sheet(d, GOOD), models={"novox-conv": {"enabled": False}}),
        "baseline: 'novox-conv' has `enabled: false`; the significance tests compare every "
        "model with it, so enable it or name another baseline",
    ),
    "unknown representation": (
        lambda d: sheet_config(write_sheet(d, GOOD), models={"x": {"representation": "stems9"}}),
        "models.x.representation: 'stems9' is not one of `representations` "
        "(mix, novox, stems3, stems4)",
    ),
    "pair model that is not a model": (
        lambda d: sheet_config(write_sheet(d, GOOD), pairs={"models": ["stems9-conv"]}),
        "pairs.models: 'stems9-conv' not in `models` "
        "(mix-conv, novox-conv, stems3-conv, stems3-sepconv)",
    ),
    "oracle without ground-truth stems": (
        lambda d: {**sheet_config(write_sheet(d, GOOD)), "separators": ["oracle"]},
        "separators: only 'oracle' is listed, and it needs every song's reference stems, "
        "which sample sheet {sheet} does not give (sheet columns bass, drums, other, vocals); "
        "list hpss, spleeter or demucs",
    ),
    "sheet without a path column": (
        lambda d: sheet_config(write_sheet(d, [(s, g) for s, _, g in GOOD], header="song\tgenre")),
        "sample sheet {sheet} lacks column(s) path; it needs song, path, genre "
        "(optional: start, artist, bass, drums, other, vocals), tab-separated, with a header line",
    ),
    "duplicate song id": (
        lambda d: sheet_config(write_sheet(d, [*GOOD, ("a1", "b1.wav", "y")])),
        "sample sheet {sheet}, line 6: duplicate song id 'a1' (first on line 2)",
    ),
    "song id unusable as a file name": (
        lambda d: sheet_config(write_sheet(d, [*GOOD, ("../b3", "b1.wav", "y")])),
        "sample sheet {sheet}, line 6: song id '../b3' is not usable as a file name "
        "(letters, digits, '.', '_', '-'; not starting with '.' or '-')",
    ),
    "missing audio file": (
        lambda d: sheet_config(write_sheet(d, [*GOOD, ("b3", "nowhere.wav", "y")])),
        "sample sheet {sheet}, line 6: audio file {data}/nowhere.wav of song 'b3' does not exist",
    ),
    "start that is not a number": (
        lambda d: sheet_config(
            write_sheet(
                d,
                [(*row, "") for row in GOOD[:3]] + [(*GOOD[3], "ten")],
                header="song\tpath\tgenre\tstart",
            )
        ),
        "sample sheet {sheet}, line 5: start 'ten' of song 'b2' is not a number of seconds",
    ),
    "genre with one song": (
        lambda d: sheet_config(write_sheet(d, [*GOOD, ("c1", "b1.wav", "z")])),
        "sample sheet {sheet}: every genre needs at least 2 songs for a stratified split, "
        "one for training and one for testing; too few: z (1)",
    ),
}


@pytest.fixture
def sheet_dir(data, tmp_path):
    """A folder with the four good songs, for a sample sheet to be written into."""
    folder = tmp_path / "sheet"
    folder.mkdir()
    for song in ("a1", "a2", "b1", "b2"):
        (folder / f"{song}.wav").symlink_to(data / f"{song}.wav")
    return folder


def load_error(overlay: dict) -> str | None:
    """The one message the workflow stops with when it loads ``overlay``, or None."""
    config = merge(yaml.safe_load(CONFIG.read_text()), overlay)
    try:
        validate_config(config)
        load_songs(config)
    except InputError as err:
        return str(err)
    return None


@pytest.mark.parametrize("case", list(LOAD_CASES))
def test_bad_config_or_sheet_is_refused_when_the_workflow_loads(case, sheet_dir):
    make_config, message = LOAD_CASES[case]
    expected = message.format(sheet=sheet_dir / "songs.tsv", data=sheet_dir)
    assert load_error(make_config(sheet_dir)) == expected


def test_a_good_sheet_loads(sheet_dir):
    assert load_error(sheet_config(write_sheet(sheet_dir, GOOD))) is None


@pytest.mark.workflow
@pytest.mark.parametrize("case", ["unknown config key", "duplicate song id"])
def test_snakemake_stops_with_the_one_message_before_any_job(case, sheet_dir, tmp_path):
    make_config, message = LOAD_CASES[case]
    earlier = tmp_path / "work/results/table1.md"  # a result of an earlier run
    earlier.parent.mkdir(parents=True)
    earlier.write_text("earlier result\n")
    proc = run_snakemake(tmp_path / "work", "-n", config=make_config(sheet_dir), check=False)
    assert proc.returncode != 0
    expected = message.format(sheet=sheet_dir / "songs.tsv", data=sheet_dir)
    assert workflow_error(proc) == expected
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and len(output.splitlines()) < 10  # one message, no wall
    assert earlier.read_text() == "earlier result\n"


#: (song, its file, the exact message of its segment_song job). ``{data}`` is the folder.
AUDIO_CASES = [
    (
        "header-only",
        "header-only.wav",
        "cannot decode audio file {data}/header-only.wav: "
        "Error in WAV file. No 'data' chunk marker.",
    ),
    (
        "cut",
        "cut.wav",
        "audio file {data}/cut.wav is truncated: its header declares 529,200 bytes of audio, "
        "the file holds 264,578",
    ),
    (
        "noise-bytes",
        "noise-bytes.wav",
        "cannot decode audio file {data}/noise-bytes.wav: " + UNDECODABLE,
    ),
    (
        "two-seconds",
        "two-seconds.wav",
        "{data}/two-seconds.wav is too short: the segment needs 10.61 s from the song's start, "
        "the file has 2.00 s (set segment.pad: true to zero-pad short songs)",
    ),
    ("silent", "silent.wav", "{data}/silent.wav: the segment is silent (-240.0 dBFS RMS)"),
    ("nan", "nan.wav", "audio file {data}/nan.wav holds NaN or infinite samples"),
    ("empty", "empty.wav", "audio file {data}/empty.wav holds no samples"),
]


@pytest.fixture(scope="module")
def audio_run(data, tmp_path_factory):
    """The good songs and every bad file in one sheet, run with --keep-going."""
    rows = GOOD + [(song, path, "y") for song, path, _ in AUDIO_CASES]
    sheet = write_sheet(data, rows)
    workdir = tmp_path_factory.mktemp("work")
    targets = sorted({f"results/mels/hpss/{song_block(row[0], BLOCKS)}.sha256" for row in rows})
    config = sheet_config(sheet, song_blocks=BLOCKS)
    proc = run_snakemake(workdir, *targets, "--keep-going", config=config, check=False)
    return workdir, proc


@pytest.mark.workflow
@pytest.mark.parametrize("song,path,message", AUDIO_CASES, ids=[c[0] for c in AUDIO_CASES])
def test_bad_audio_fails_its_song_naming_the_file(audio_run, data, song, path, message):
    workdir, proc = audio_run
    assert proc.returncode != 0
    block = song_block(song, BLOCKS)
    expected = f"{song} ({data}/{path}): {message.format(data=data)}"
    assert f"Error in rule segment_song {{'block': '{block}'}}: " in proc.stdout + proc.stderr
    assert expected in proc.stdout + proc.stderr
    assert not (workdir / f"results/segments/{block}").exists()
    log = (workdir / f"logs/segments/{block}.log").read_text()
    assert message.format(data=data) in log


@pytest.mark.workflow
def test_good_songs_complete_beside_bad_audio(audio_run):
    workdir, _ = audio_run
    for song, _, _ in GOOD:
        assert mel_path(workdir, "hpss", song).exists()
    assert not [p for p in (workdir / "results").rglob("*") if ".tmp" in p.name]


@pytest.mark.workflow
def test_the_pairs_target_without_a_pair_model_fails_only_when_asked_for(tmp_path):
    """Models that leave out both pair models: `all` plans as ever; `pairs` stops with one
    message naming the key."""
    config = {
        **TINY,
        "models": {"novox-conv": {"enabled": False}, "stems3-conv": {"enabled": False}},
        "baseline": "mix-conv",
    }
    proc = run_snakemake(tmp_path, "all", "--dry-run", config=config)
    assert "train_model" in proc.stdout and "train_pairs" not in proc.stdout
    proc = run_snakemake(tmp_path, "pairs", "--dry-run", config=config, check=False)
    assert proc.returncode != 0
    assert (
        "pairs.models: none of novox-conv, stems3-conv is an enabled model; nothing to train"
        in proc.stdout + proc.stderr
    )


@pytest.mark.workflow
def test_without_a_pair_model_all_plans_and_only_pairs_says_why(sheet_dir, tmp_path):
    """The genre pairs' models all disabled: `all` plans as usual, and only the `pairs`
    target stops, with the message naming `pairs.models`."""
    config = {
        **sheet_config(write_sheet(sheet_dir, GOOD)),
        "models": {"novox-conv": {"enabled": False}, "stems3-conv": {"enabled": False}},
        "baseline": "mix-conv",
    }
    run_snakemake(tmp_path, "-n", config=config)
    proc = run_snakemake(tmp_path, "-n", "pairs", config=config, check=False)
    assert proc.returncode != 0
    assert "pairs.models: none of novox-conv, stems3-conv" in proc.stdout + proc.stderr
