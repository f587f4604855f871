"""Bad audio fails only its own block; a new or changed song plans only its block's jobs."""

import numpy as np
import pytest
import soundfile as sf
from workflow_utils import dry_run_jobs, mel_path, run_snakemake, write_clip

from sepconv.blocks import song_block

pytestmark = pytest.mark.workflow
PER_SONG_RULES = ("segment_song", "separate_hpss", "compute_mel")
#: The plan for one new or changed song: its per-song jobs (spectrograms of the mixture and
#: of the hpss stems), and every tensor (each holds every song).
ONE_SONG_PLAN = {
    "segment_song": 1,
    "separate_hpss": 1,
    "compute_mel": 2,
    "stack_tensor": 4,
    "tensors": 1,
}


def write_sheet(directory, songs):
    lines = ["song\tpath\tgenre"] + [f"{s}\t{s}.wav\t{g}" for s, g in songs]
    (directory / "songs.tsv").write_text("\n".join(lines) + "\n")


#: enough blocks that each song of these tests has one of its own
BLOCKS = 16


def block_of(song):
    return song_block(song, BLOCKS)


def config_for(directory):
    return {
        "dataset": {"source": "sheet", "sheet": str(directory / "songs.tsv")},
        "separators": ["hpss"],
        "trials": 2,
        "song_blocks": BLOCKS,
    }


@pytest.fixture(scope="module")
def sheet_run(tmp_path_factory):
    """Five songs, one of them random bytes named .wav, run with --keep-going."""
    data = tmp_path_factory.mktemp("data")
    songs = [("a1", "x"), ("a2", "x"), ("b1", "y"), ("b2", "y"), ("broken", "y")]
    for seed, (song, _) in enumerate(songs[:4]):
        write_clip(data / f"{song}.wav", 12.0, seed)
    (data / "broken.wav").write_bytes(np.random.default_rng(9).bytes(50_000))
    write_sheet(data, songs)
    workdir = tmp_path_factory.mktemp("work")
    proc = run_snakemake(workdir, "tensors", "--keep-going", config=config_for(data), check=False)
    return data, workdir, proc


def test_a_broken_file_fails_only_its_own_song(sheet_run):
    data, workdir, proc = sheet_run
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert f"cannot decode audio file {data / 'broken.wav'}" in output
    for song in ("a1", "a2", "b1", "b2"):
        assert mel_path(workdir, "hpss", song).exists()
    assert not (workdir / f"results/segments/{block_of('broken')}").exists()
    assert not list((workdir / "results/segments").rglob(".*tmp*"))  # no partial files left


def test_a_new_song_plans_only_its_own_per_song_jobs(sheet_run):
    data, workdir, _ = sheet_run
    # leave the broken song out: the others' per-song results stand
    good = [("a1", "x"), ("a2", "x"), ("b1", "y"), ("b2", "y")]
    write_sheet(data, good)
    run_snakemake(workdir, "tensors", config=config_for(data))
    write_clip(data / "b3.wav", 12.0, 7)
    write_sheet(data, [*good, ("b3", "y")])
    proc = run_snakemake(workdir, "tensors", "--dry-run", config=config_for(data))
    counts, jobs = dry_run_jobs(proc)
    assert counts == {**ONE_SONG_PLAN, "write_song_table": 1}  # the song table gains a row
    per_song = [wildcards for rule, wildcards in jobs if rule in PER_SONG_RULES]
    assert per_song and all(f"block={block_of('b3')}" in w for w in per_song)


def test_touched_audio_reruns_nothing_and_changed_audio_only_its_song(sheet_run):
    # the profile's max-checksum-file-size: an input newer than its outputs but with the
    # content recorded when they were made does not count as changed. A song of its own,
    # so that the files the other tests read stay as the fixture made them.
    data, workdir, _ = sheet_run
    good = [("a1", "x"), ("a2", "x"), ("b1", "y"), ("b2", "y"), ("c1", "x")]
    write_clip(data / "c1.wav", 30.0, 12)  # 1.3 MB: above Snakemake's default
    write_sheet(data, good)
    run_snakemake(workdir, "tensors", config=config_for(data))
    (data / "c1.wav").touch()
    proc = run_snakemake(workdir, "tensors", "--dry-run", config=config_for(data))
    assert "Nothing to be done" in proc.stdout + proc.stderr
    write_clip(data / "c1.wav", 30.0, 11)  # new content
    proc = run_snakemake(workdir, "tensors", "--dry-run", config=config_for(data))
    counts, jobs = dry_run_jobs(proc)
    # the song table waits for every block's segments: written again, with the same rows
    assert counts == {**ONE_SONG_PLAN, "write_song_table": 1}
    per_song = [wildcards for rule, wildcards in jobs if rule in PER_SONG_RULES]
    assert per_song and all(f"block={block_of('c1')}" in w for w in per_song)


def test_an_edited_artist_reruns_the_splits_and_no_spectrogram(sheet_run):
    data, workdir, _ = sheet_run
    rows = [("a1", "x", "ann"), ("a2", "x", "bob"), ("b1", "y", "cy"), ("b2", "y", "dee")]

    def write(rows):
        lines = ["song\tpath\tgenre\tartist"] + [f"{s}\t{s}.wav\t{g}\t{a}" for s, g, a in rows]
        (data / "songs.tsv").write_text("\n".join(lines) + "\n")

    write(rows)
    targets = ["tensors", "results/splits/seed1.tsv", "results/splits/seed2.tsv"]
    run_snakemake(workdir, *targets, config=config_for(data))
    write([*rows[:3], ("b2", "y", "eve")])
    proc = run_snakemake(workdir, *targets, "--dry-run", config=config_for(data))
    counts, _ = dry_run_jobs(proc)
    assert "compute_mel" not in counts and "separate_hpss" not in counts
    assert counts["write_song_table"] == 1 and counts["split_songs"] == 2


def test_a_run_that_fails_on_a_new_song_changes_no_earlier_result(sheet_run):
    """A seventh song whose audio holds NaN samples (which only the audio shows): the run
    stops naming the file, and the song table and every tensor are as they were."""
    data, workdir, _ = sheet_run
    good = [("a1", "x"), ("a2", "x"), ("b1", "y"), ("b2", "y")]
    write_sheet(data, good)
    run_snakemake(workdir, "tensors", config=config_for(data))
    table = (workdir / "results/songs.tsv").read_bytes()
    tensors = {p: p.stat().st_mtime_ns for p in (workdir / "results/tensors").rglob("*.np[yz]")}
    audio = np.full((12 * 22_050, 1), 0.1, np.float32)
    audio[1000] = np.nan
    sf.write(data / "b4.wav", audio, 22_050, subtype="FLOAT")
    write_sheet(data, [*good, ("b4", "y")])
    proc = run_snakemake(workdir, "tensors", config=config_for(data), check=False)
    assert proc.returncode != 0
    assert f"audio file {data / 'b4.wav'} holds NaN or infinite samples" in (
        proc.stdout + proc.stderr
    )
    assert (workdir / "results/songs.tsv").read_bytes() == table
    assert tensors and {p: p.stat().st_mtime_ns for p in tensors} == tensors


def test_a_failing_song_costs_the_other_songs_of_its_block_one_more_cut(tmp_path):
    """With 8 blocks, b3 and b6 share one. b6's NaN samples fail that block's job: Snakemake
    removes its folder (b3's segment with it), every other block stands, and once b6 is left
    out the block is cut again, to the same bytes."""
    assert song_block("b3", 8) == song_block("b6", 8)
    data, workdir = tmp_path / "data", tmp_path / "work"
    data.mkdir()
    good = [("a1", "x"), ("a2", "x"), ("b1", "y"), ("b2", "y"), ("b3", "y")]
    for seed, (song, _) in enumerate(good):
        write_clip(data / f"{song}.wav", 12.0, seed)
    write_sheet(data, good)
    config = {**config_for(data), "song_blocks": 8}
    run_snakemake(workdir, "tensors", config=config)
    shared = workdir / f"results/segments/{song_block('b3', 8)}"
    listing = shared.with_suffix(".sha256").read_bytes()
    others = {p: p.stat().st_mtime_ns for p in (workdir / "results/segments").glob("*.sha256")}
    audio = np.full((12 * 22_050, 1), 0.1, np.float32)
    audio[1000] = np.nan
    sf.write(data / "b6.wav", audio, 22_050, subtype="FLOAT")
    write_sheet(data, [*good, ("b6", "y")])
    proc = run_snakemake(workdir, "tensors", "--keep-going", config=config, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "1 of 2 item(s) of segment block" in output and "b6 (" in output
    assert not shared.exists()  # b3's segment went with the block
    for path, mtime in others.items():
        if path.stem != shared.name:
            assert path.stat().st_mtime_ns == mtime  # every other block as it was
    write_sheet(data, good)
    proc = run_snakemake(workdir, "tensors", "--dry-run", config=config)
    counts, _ = dry_run_jobs(proc)
    assert counts["segment_song"] == 1 and counts["separate_hpss"] == 1
    run_snakemake(workdir, "tensors", config=config)
    assert shared.with_suffix(".sha256").read_bytes() == listing
