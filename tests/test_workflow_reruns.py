"""What a change re-runs, predicted from three things (docs/execution.md, "What re-runs"):
the blocks, fixed by the song ids and the counts (new or removed songs plan exactly the
blocks that gain or lose one, whatever multiple of a count the collection crosses; a changed
count moves songs); what a job depends on, its inputs and parameters (a new separator plans
only its own jobs; an edited library module or step re-runs exactly the jobs whose steps
import it, an edited docstring or comment nothing); and what follows a block, through its
listing (a block made again with the same bytes re-runs nothing after it; a deleted block's
folder or listing is made again).

The workflow is copied into a temporary folder so that its library can be edited there.
"""

import os
import shutil

import pytest
from workflow_utils import REPO, TINY, dry_run_jobs, run_snakemake

from sepconv.blocks import PER_SONG, SongBlocks

pytestmark = pytest.mark.workflow
#: 8 songs in 4 blocks; more songs join them, whatever multiple of 4 or 8 they cross
COUNT = 4
GENRES = {**TINY["dataset"]["synthetic"]["genres"], "house": 5}
CONFIG = {
    **TINY,
    "dataset": {"synthetic": {**TINY["dataset"]["synthetic"], "genres": GENRES}},
    "separators": ["hpss"],
    "song_blocks": COUNT,
}
#: the per-song steps, each with one job per block that gains or loses a song
PER_SONG_RULES = ("synthesize_song", "segment_song", "separate_oracle", "separate_hpss")


def with_genres(**counts):
    return {
        **CONFIG,
        "dataset": {"synthetic": {**TINY["dataset"]["synthetic"], "genres": {**GENRES, **counts}}},
    }


def songs_of(config) -> list[str]:
    genres = config["dataset"]["synthetic"]["genres"]
    return [f"{genre}-{i:02d}" for genre, n in genres.items() for i in range(1, n + 1)]


def changed_blocks(before, after) -> set[str]:
    """The per-song blocks whose songs differ between two song lists."""
    return SongBlocks(before, COUNT).changed(SongBlocks(after, COUNT))


@pytest.fixture(scope="module")
def copy_run(tmp_path_factory):
    """A copy of the workflow, run to the tensors and the separation quality on the tiny
    corpus with hpss (measured against the oracle's stems)."""
    copy = tmp_path_factory.mktemp("workflow")
    shutil.copy(REPO / "Snakefile", copy / "Snakefile")
    for folder in ("workflow", "config", "envs", "profiles"):
        shutil.copytree(
            REPO / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", ".venv")
        )
    workdir = copy / "run"
    targets = ("tensors", "results/separation/quality.tsv", "results/splits/seed1.tsv")
    run_snakemake(workdir, *targets, config=CONFIG, snakefile=copy / "Snakefile")
    return copy, workdir, targets


def dry_run(copy_run, config=CONFIG):
    copy, workdir, targets = copy_run
    proc = run_snakemake(
        workdir, *targets, "--dry-run", config=config, snakefile=copy / "Snakefile"
    )
    return dry_run_jobs(proc)


@pytest.mark.parametrize("more", [1, 2, 3])
def test_new_songs_plan_the_blocks_that_gain_one_and_nothing_else(copy_run, more):
    """8 songs and 1 to 3 more: across a multiple of the 4 blocks."""
    config = with_genres(house=GENRES["house"] + more)
    gained = changed_blocks(songs_of(CONFIG), songs_of(config))
    assert 1 <= len(gained) <= more
    counts, jobs = dry_run(copy_run, config)
    for rule in PER_SONG_RULES:
        assert counts[rule] == len(gained), rule
        assert {w.split("block=")[1] for r, w in jobs if r == rule} == gained
    mels = [w for r, w in jobs if r == "compute_mel"]
    assert len(mels) == 2 * len(gained)  # the mixture's and hpss's
    assert counts["measure_separation"] == len(gained)
    assert counts["write_song_table"] == 1 and counts["stack_tensor"] == 4


@pytest.mark.parametrize("fewer", [1, 2])
def test_removed_songs_plan_the_blocks_that_lose_one(copy_run, fewer):
    config = with_genres(house=GENRES["house"] - fewer)
    lost = changed_blocks(songs_of(CONFIG), songs_of(config))
    counts, jobs = dry_run(copy_run, config)
    kept = lost & set(SongBlocks(songs_of(config), COUNT).names(PER_SONG))
    assert kept  # a block that loses its last song is gone, and nothing is planned for it
    for rule in PER_SONG_RULES:
        assert {w.split("block=")[1] for r, w in jobs if r == rule} == kept, rule


def test_a_new_separator_plans_only_its_own_spectrograms(copy_run):
    counts, jobs = dry_run(copy_run, {**CONFIG, "separators": ["hpss", "oracle"]})
    blocks = len(SongBlocks(songs_of(CONFIG), COUNT).names(PER_SONG))
    # its stems are there already, as the references of hpss's separation quality
    assert counts == {"compute_mel": blocks, "stack_tensor": 3, "tensors": 1}
    assert all("separator=oracle" in w for r, w in jobs if r == "compute_mel")


def test_a_block_made_again_with_the_same_bytes_re_runs_nothing_after_it(copy_run):
    copy, workdir, targets = copy_run
    listing = workdir / "results/stems/hpss/0.sha256"
    before = listing.read_bytes()
    run_snakemake(
        workdir,
        str(listing.relative_to(workdir)),
        "--force",
        config=CONFIG,
        snakefile=copy / "Snakefile",
    )
    assert listing.read_bytes() == before  # every file byte for byte: the WAVs too
    counts, _ = dry_run(copy_run)
    assert counts == {}


def test_an_edited_library_module_reruns_the_jobs_that_import_it(copy_run):
    copy, workdir, targets = copy_run
    hpss = copy / "workflow/scripts/sepconv/separators/hpss.py"
    original = hpss.read_text()
    try:
        hpss.touch()  # newer, same content: nothing to do
        assert dry_run(copy_run)[0] == {}
        # comments, and formatting: nothing to do
        hpss.write_text("# a comment\n" + original.replace("\n\n\ndef ", "\n\n\n\ndef ", 1))
        assert dry_run(copy_run)[0] == {}
        hpss.write_text(original + "\nCHANGED = 1\n")
        counts, jobs = dry_run(copy_run)
        blocks = len(SongBlocks(songs_of(CONFIG), COUNT).names(PER_SONG))
        assert counts == {
            "separate_hpss": blocks,
            "compute_mel": blocks,
            "measure_separation": blocks,
            "collect_quality": 1,
            "stack_tensor": 3,  # hpss's novox, stems3, stems4; not the mixture's
            "tensors": 1,
        }
        mels = [wildcards for rule, wildcards in jobs if rule == "compute_mel"]
        assert all("separator=hpss" in w for w in mels)
    finally:
        hpss.write_text(original)


def test_an_edited_docstring_plans_nothing(copy_run):
    copy = copy_run[0]
    errors = copy / "workflow/scripts/sepconv/errors.py"
    original = errors.read_text()
    try:
        first, rest = original.split('"""', 2)[1:]
        errors.write_text(f'"""{first} An edited docstring.\n\n\n"""{rest}')
        assert dry_run(copy_run)[0] == {}
    finally:
        errors.write_text(original)


def test_dropped_intermediates_are_made_again_only_for_the_blocks_that_need_them(tmp_path):
    """`intermediates: drop`: once read, the corpus's songs, the segments and the stems are
    gone and their listings stay; nothing is left to do; a new song makes its own block's
    again, and no other block's."""
    config = {**CONFIG, "intermediates": "drop"}
    targets = ("tensors", "results/separation/quality.tsv")
    run_snakemake(tmp_path, *targets, config=config)
    results = tmp_path / "results"
    for kind in ("corpus", "segments", "stems/hpss", "stems/oracle"):
        assert not [p for p in (results / kind).iterdir() if p.is_dir()], kind
        assert list((results / kind).glob("*.sha256")), kind
    assert [p for p in (results / "mels/hpss").iterdir() if p.is_dir()]
    assert (
        "Nothing to be done" in run_snakemake(tmp_path, *targets, "--dry-run", config=config).stdout
    )
    more = {**with_genres(house=GENRES["house"] + 1), "intermediates": "drop"}
    gained = changed_blocks(songs_of(CONFIG), songs_of(more))
    counts, jobs = dry_run_jobs(run_snakemake(tmp_path, *targets, "--dry-run", config=more))
    for rule in PER_SONG_RULES:
        assert {w.split("block=")[1] for r, w in jobs if r == rule} == gained, rule


def edited(copy_run, module, line="\nCHANGED = 1\n"):
    """A dry run after a line of code is added to ``module`` of the copy (then restored)."""
    path = copy_run[0] / "workflow/scripts" / module
    original = path.read_text()
    try:
        path.write_text(original + line)
        return dry_run(copy_run)
    finally:
        path.write_text(original)


def test_an_edit_to_the_splits_plans_the_splits_and_no_separation_or_spectrogram(copy_run):
    counts, _ = edited(copy_run, "sepconv/learning/splits.py")
    assert counts == {"split_songs": 1}


def test_an_edit_to_the_ladder_plans_no_hpss_job(copy_run):
    assert edited(copy_run, "sepconv/separators/ladder.py")[0] == {}


def test_an_edited_step_script_re_runs_its_rule_and_what_follows(copy_run):
    """Snakemake's own code trigger: a step script newer than its rule's outputs."""
    copy, workdir, _ = copy_run
    script = copy / "workflow/scripts/separate_hpss.py"
    original, stamps = script.read_text(), script.stat()
    try:
        script.write_text(original + "\n# a comment\n")
        counts, _ = dry_run(copy_run)
        blocks = len(SongBlocks(songs_of(CONFIG), COUNT).names(PER_SONG))
        assert counts["separate_hpss"] == blocks and counts["stack_tensor"] == 3
        assert "segment_song" not in counts and "separate_oracle" not in counts
    finally:  # the script as it was, its time too: older than every output
        script.write_text(original)
        os.utime(script, ns=(stamps.st_atime_ns, stamps.st_mtime_ns))
    assert dry_run(copy_run)[0] == {}


@pytest.mark.parametrize("what", ["folder", "listing"])
def test_a_deleted_block_folder_or_listing_is_made_again_when_asked_for(copy_run, what):
    """Snakemake runs a job for a missing output only where a job that reads it must run:
    while every step after a deleted block folder or listing is done, the run plans nothing;
    asked for, the block alone is made again, with the same bytes, and nothing after it
    re-runs."""
    copy, workdir, _ = copy_run
    folder = workdir / "results/stems/hpss/0"
    listing = folder.with_suffix(".sha256")
    before = listing.read_bytes()
    saved = workdir / "saved"
    target = folder if what == "folder" else listing
    shutil.move(target, saved)
    try:
        assert dry_run(copy_run)[0] == {}
        asked = (str(target.relative_to(workdir)),)  # what was deleted
        proc = run_snakemake(
            workdir, *asked, "--dry-run", config=CONFIG, snakefile=copy / "Snakefile"
        )
        counts, jobs = dry_run_jobs(proc)
        assert counts == {"separate_hpss": 1}
        assert jobs == [("separate_hpss", "block=0")]
        run_snakemake(workdir, *asked, config=CONFIG, snakefile=copy / "Snakefile")
        assert listing.read_bytes() == before
        assert dry_run(copy_run)[0] == {}
    finally:
        if target.exists():
            shutil.rmtree(saved) if saved.is_dir() else saved.unlink()
        else:
            shutil.move(saved, target)


def test_a_changed_song_blocks_moves_songs_and_re_runs_the_blocks_it_changes(copy_run):
    """A count is a block's name: 5 blocks in place of 4 move the songs the jump hash moves
    (into the new block) and re-run every block that gains or loses one."""
    config = {**CONFIG, "song_blocks": COUNT + 1}
    songs = songs_of(CONFIG)
    before, after = SongBlocks(songs, COUNT), SongBlocks(songs, COUNT + 1)
    moved = {
        song for song in songs if after.block_of(PER_SONG, song) != before.block_of(PER_SONG, song)
    }
    assert moved and all(after.block_of(PER_SONG, song) == str(COUNT) for song in moved)
    changed = before.changed(after)
    counts, jobs = dry_run(copy_run, config)
    for rule in PER_SONG_RULES:
        assert {w.split("block=")[1] for r, w in jobs if r == rule} == changed, rule
