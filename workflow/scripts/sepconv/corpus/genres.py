"""The genres of the embedded synthetic EDM corpus, and its song table.

Each song is stereo, ``sr`` Hz (44,100 by default), 24 to 30 s long, with an EDM form: an
intro (drums and chords), a build (snare roll, noise riser, no bass) and a drop (everything,
and vocals where the song has them). Its four stems -- bass, drums, other, vocals -- sum to
the mixture to within float32 rounding.

The six genres are defined by musical facts (:data:`GENRES`): a tempo range, a drum pattern
family, a bass line style and a chord or lead style; several share the four-on-the-floor kick,
so the full mixture tells them apart only partly. Every song varies its tempo, key, chord
progression, pattern mutations, timbres, stem gains and noise. Songs of one ``artist`` share
timbre presets (kick tuning, synth brightness, drum decay), a realistic source of leakage that
the artist-aware splits guard against.

``difficulty`` (0 to 1) is the knob for how hard the genres are to tell apart: it widens the
tempo ranges, makes a song borrow its drum pattern, bass style or chord style from another
genre, raises the pattern mutation rate, spreads the random stem gains and adds more masking
noise to ``other``.

Everything is drawn from NumPy generators seeded by ``(seed, song id)`` and ``(seed, artist)``,
so the same config gives the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Genre:
    """Musical facts that define one genre of the synthetic corpus."""

    tempo: tuple[float, float]  # BPM range
    drums: str  # drum pattern family, a key of DRUM_PATTERNS
    bass: str  # bass line style, see _render_bass
    chords: str  # chord / lead style, see _render_other
    progressions: tuple[tuple[int, ...], ...]  # chord roots, semitones above the key's tonic
    swing: float = 0.0  # delay of odd 16ths, as a fraction of a 16th
    sidechain: float = 0.0  # depth of the kick-synchronous ducking of bass and other


GENRES: dict[str, Genre] = {
    "house": Genre(
        (120, 128),
        "four_on_floor",
        "offbeat",
        "piano_stabs",
        ((0, 8, 3, 10), (0, 5, 8, 7)),
        sidechain=0.35,
    ),
    "deep-house": Genre(
        (118, 124),
        "deep",
        "sub_syncopated",
        "pads",
        ((0, 5), (0, 10, 8, 5)),
        swing=0.18,
        sidechain=0.2,
    ),
    "techno": Genre((126, 134), "techno", "rumble", "minimal_stab", ((0,), (0, 0, 0, 1))),
    "trance": Genre(
        (132, 140),
        "four_on_floor",
        "rolling",
        "supersaw_arp",
        ((0, 8, 3, 10), (0, 3, 8, 10)),
        sidechain=0.45,
    ),
    "drum-and-bass": Genre((168, 176), "breakbeat", "reese", "atmos_pads", ((0, 8), (0, 3, 10, 8))),
    "dubstep": Genre((138, 142), "halftime", "wobble", "brass_lead", ((0, 1), (0, 8, 10, 0))),
}

#: One bar of 16 steps per instrument; the digit is the velocity in tenths (0 or '.' = no hit).
DRUM_PATTERNS: dict[str, dict[str, str]] = {
    "four_on_floor": {
        "kick": "9...9...9...9...",
        "clap": "....8.......8...",
        "hat_open": "..6...6...6...6.",
        "hat_closed": "3.3.3.3.3.3.3.3.",
    },
    "deep": {
        "kick": "7...7...7...7...",
        "rim": "...5..5....5..5.",
        "hat_closed": "5343534353435343",
        "clap": "....5.......5...",
    },
    "techno": {
        "kick": "9...9...9...9...",
        "hat_closed": "4444444444444444",
        "hat_open": "..5...5...5...5.",
        "rim": "............6...",
    },
    "breakbeat": {
        "kick": "9.........9.....",
        "snare": "....9..3....9..4",
        "hat_closed": "5.5.5.5.5.5.5.5.",
    },
    "halftime": {
        "kick": "9.........7.....",
        "snare": "........9.......",
        "hat_closed": "5..5..5..5..5..5",
    },
}

VOWELS = {  # formant frequencies F1, F2, F3 in Hz
    "a": (800, 1150, 2900),
    "e": (400, 1700, 2600),
    "i": (300, 2200, 3000),
    "o": (450, 800, 2830),
    "u": (325, 700, 2530),
}
MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)


def stable_hash(text: str) -> int:
    """A 32-bit integer hash of ``text`` that does not change between runs or platforms."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def corpus_table(counts: dict[str, int], songs_per_artist: int = 2) -> pd.DataFrame:
    """The song table of the synthetic corpus: columns ``song``, ``genre``, ``artist``.

    Song ids are ``{genre}-{index:02d}``; consecutive songs of a genre share an artist,
    ``songs_per_artist`` at a time.
    """
    import pandas as pd  # here, not at the top: the per-song synthesis job does not need it

    rows = []
    for genre, count in counts.items():
        if genre not in GENRES:
            raise KeyError(f"unknown synthetic genre {genre!r}; known: {', '.join(GENRES)}")
        for i in range(count):  # a count of 0 leaves the genre out
            rows.append(
                {
                    "song": f"{genre}-{i + 1:02d}",
                    "genre": genre,
                    "artist": f"{genre}-artist{i // songs_per_artist + 1}",
                }
            )
    return pd.DataFrame(rows, columns=["song", "genre", "artist"])
