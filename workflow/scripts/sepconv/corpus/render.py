"""Rendering one song of the synthetic corpus and its four ground-truth stems.

Each song is stereo, ``sr`` Hz (44,100 by default), 24 to 30 s long, with an EDM form: an
intro (drums and chords), a build (snare roll, noise riser, no bass) and a drop (everything,
and vocals where the song has them). Its four stems -- bass, drums, other, vocals -- sum to
the mixture to within float32 rounding. The genres are in :mod:`sepconv.corpus.genres`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..names import STEMS
from .dsp import (
    add_at,
    bandpass,
    envelope,
    highpass,
    lowpass,
    midi_hz,
    osc,
    pan_stereo,
    resonances,
)
from .genres import DRUM_PATTERNS, GENRES, MINOR_SCALE, VOWELS, stable_hash


@dataclass
class _Grid:
    sr: int
    bpm: float
    swing: float
    n_bars: int

    @property
    def step_s(self) -> float:
        return 60.0 / self.bpm / 4.0

    def step_sample(self, bar: int, step: int) -> int:
        offset = self.swing * self.step_s if step % 2 == 1 else 0.0
        return int(round(((bar * 16 + step) * self.step_s + offset) * self.sr))

    def steps(self, n: float) -> int:
        return int(round(n * self.step_s * self.sr))


def _drum_kit(
    rng: np.random.Generator, preset: np.random.Generator, sr: int
) -> dict[str, np.ndarray]:
    """Synthesised one-shots; ``preset`` (the artist's generator) sets their character."""
    t = np.arange(int(0.5 * sr)) / sr
    kick_hi, kick_lo = preset.uniform(110, 190), preset.uniform(42, 60)
    kick_decay = preset.uniform(0.08, 0.2)
    f = kick_lo + (kick_hi - kick_lo) * np.exp(-t / preset.uniform(0.02, 0.05))
    kick = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-t / kick_decay)
    noise = rng.standard_normal(len(t))
    kick += preset.uniform(0.0, 0.4) * noise * np.exp(-t / 0.003)
    snare_tone = np.sin(2 * np.pi * preset.uniform(170, 240) * t) * np.exp(-t / 0.06)
    snare = 0.5 * snare_tone + bandpass(noise, 1500, 8000, sr) * np.exp(
        -t / preset.uniform(0.08, 0.2)
    )
    clap = np.zeros_like(t)
    for k, off in enumerate((0.0, 0.011, 0.023)):
        i = int(off * sr)
        clap[i:] += np.exp(-(t[: len(t) - i]) / (0.008 if k < 2 else 0.12))
    clap *= bandpass(noise, 900, 3500, sr)
    hat_noise = highpass(noise, 7000, sr, order=4)
    hat_closed = hat_noise * np.exp(-t / preset.uniform(0.015, 0.04))
    hat_open = hat_noise * np.exp(-t / preset.uniform(0.12, 0.25))
    rim = (np.sin(2 * np.pi * 820 * t) + 0.5 * np.sin(2 * np.pi * 1700 * t)) * np.exp(-t / 0.012)
    kit = {
        "kick": kick,
        "snare": snare,
        "clap": clap,
        "hat_closed": hat_closed,
        "hat_open": hat_open,
        "rim": rim,
    }
    return {name: s / np.max(np.abs(s)) for name, s in kit.items()}


def _render_drums(grid, sections, pattern, kit, rng, mutation) -> np.ndarray:
    n = grid.step_sample(grid.n_bars, 0) + grid.sr
    out = np.zeros((n, 2))
    pans = {
        "kick": 0.0,
        "snare": 0.05,
        "clap": -0.05,
        "hat_closed": 0.35,
        "hat_open": -0.3,
        "rim": 0.25,
    }
    levels = {
        "kick": 1.0,
        "snare": 0.7,
        "clap": 0.6,
        "hat_closed": 0.25,
        "hat_open": 0.3,
        "rim": 0.35,
    }
    tracks = {name: np.zeros(n) for name in kit}
    intro, build, _ = sections
    for bar in range(grid.n_bars):
        section = "intro" if bar < intro else ("build" if bar < intro + build else "drop")
        for inst, steps in pattern.items():
            if section == "intro" and inst in ("snare", "clap"):
                continue
            if section == "build" and inst == "kick" and bar == intro + build - 1:
                continue
            for step, ch in enumerate(steps):
                vel = 0 if ch == "." else int(ch)
                if rng.random() < mutation:
                    vel = 0 if vel else int(rng.integers(2, 6))
                if vel:
                    add_at(tracks[inst], grid.step_sample(bar, step), kit[inst], vel / 9)
        if section == "build":
            # snare roll: 4ths, then 8ths, then 16ths towards the drop
            progress = (bar - intro) / max(build, 1)
            every = 4 if progress < 0.34 else (2 if progress < 0.67 else 1)
            for step in range(0, 16, every):
                vel = 0.2 + 0.5 * (progress + step / 16 / max(build, 1))
                add_at(tracks["snare"], grid.step_sample(bar, step), kit["snare"], vel)
    for inst, track in tracks.items():
        out += levels[inst] * pan_stereo(track, pans[inst])
    return out


def _chord(root: int, kind: str) -> list[int]:
    return [
        root + i for i in {"min": (0, 3, 7), "min7": (0, 3, 7, 10), "min9": (0, 3, 7, 10, 14)}[kind]
    ]


def _render_bass(style, grid, sections, roots, preset, rng, length) -> np.ndarray:
    sr = grid.sr
    out = np.zeros(length)
    intro, build, drop = sections
    bright = preset.uniform(0.6, 1.6)
    for bar in range(intro + build, grid.n_bars):
        root = roots[bar % len(roots)]
        if style == "offbeat":
            notes = [(s, 1.5, root) for s in (2, 6, 10, 14)]
        elif style == "sub_syncopated":
            notes = [
                (0, 2.5, root),
                (3, 2, root),
                (6, 3, root + 7),
                (10, 1.5, root),
                (11, 3, root + 12 if rng.random() < 0.5 else root),
            ]
        elif style == "rumble":
            notes = [(s, 0.9, root) for s in range(16) if s % 4]
        elif style == "rolling":
            notes = [(s, 0.8, root) for s in range(16) if s % 4]
        elif style == "reese":
            notes = [(0, 10, root), (10, 6, roots[(bar + 1) % len(roots)])]
        elif style == "wobble":
            notes = [(0, 6, root), (6, 4, root + 12 * int(rng.random() < 0.3)), (10, 6, root)]
        else:
            raise ValueError(style)
        for step, dur, note in notes:
            start = grid.step_sample(bar, step)
            m = grid.steps(dur)
            f = midi_hz(note)
            if style in ("sub_syncopated", "rumble"):
                x = np.tanh(1.5 * osc(f, m, sr, "sine", rng))
                x = x * envelope(m, sr, 0.005, 0.15 if style == "rumble" else 0.4, 0.3, 0.03)
            elif style == "reese":
                x = osc(f, m, sr, "saw", rng, detune=0.006, voices=2)
                x = lowpass(x, 500 * bright, sr) * envelope(m, sr, 0.02, 1.0, 0.9, 0.05)
            elif style == "wobble":
                raw = 0.6 * osc(f, m, sr, "saw", rng) + 0.4 * osc(f, m, sr, "square", rng)
                rate = grid.bpm / 60 * rng.choice([1.0, 2.0, 3.0])
                lfo = 0.5 - 0.5 * np.cos(2 * np.pi * rate * np.arange(m) / sr)
                x = (1 - lfo) * lowpass(raw, 180, sr) + lfo * lowpass(raw, 2500 * bright, sr)
                x = x * envelope(m, sr, 0.005, 1.0, 0.9, 0.03)
            else:
                x = lowpass(osc(f, m, sr, "saw", rng), 700 * bright, sr)
                x = x * envelope(m, sr, 0.004, 0.12, 0.5, 0.02)
            add_at(out, start, x)
    return out


def _render_other(style, grid, sections, roots, key_root, preset, rng, length) -> np.ndarray:
    """Chords, leads, riser and noise bed: the ``other`` stem (stereo)."""
    sr = grid.sr
    left, right = np.zeros(length), np.zeros(length)
    intro, build, _ = sections
    bright = preset.uniform(0.6, 1.5)

    def place(x: np.ndarray, start: int, pan: float = 0.0, gain: float = 1.0) -> None:
        add_at(left, start, x, gain * np.cos((pan + 1) * np.pi / 4) * np.sqrt(2))
        add_at(right, start, x, gain * np.sin((pan + 1) * np.pi / 4) * np.sqrt(2))

    for bar in range(grid.n_bars):
        in_drop = bar >= intro + build
        level = 1.0 if in_drop else 0.55
        root = 48 + key_root + roots[bar % len(roots)]
        if style == "piano_stabs":
            for step in (0, 3, 6, 10) if in_drop else (0, 6):
                m = grid.steps(2)
                x = sum(
                    sum(
                        np.exp(-h * 0.7) * osc(midi_hz(n) * h, m, sr, "sine", rng)
                        for h in range(1, 6)
                    )
                    for n in _chord(root, "min7")
                )
                place(
                    x * envelope(m, sr, 0.002, 0.25, 0.0, 0.02) / 4,
                    grid.step_sample(bar, step),
                    rng.uniform(-0.3, 0.3),
                    level,
                )
        elif style == "pads":
            m = grid.steps(16)
            x = sum(osc(midi_hz(n), m, sr, "saw", rng, 0.004, 2) for n in _chord(root, "min9"))
            x = lowpass(x, 1200 * bright, sr) * envelope(m, sr, 0.4, 1.0, 0.9, 0.3) / 4
            place(x, grid.step_sample(bar, 0), -0.4, level)
            place(x, grid.step_sample(bar, 0) + int(0.015 * sr), 0.4, level)
        elif style == "minimal_stab":
            for step in (3, 11) if rng.random() > 0.2 else (3, 7, 11):
                m = grid.steps(1)
                x = sum(osc(midi_hz(n), m, sr, "square", rng) for n in _chord(root, "min"))
                x = lowpass(x, 1800 * bright, sr) * envelope(m, sr, 0.002, 0.05, 0.0, 0.01) / 3
                start = grid.step_sample(bar, step)
                place(x, start, -0.2, level)
                place(x, start + grid.steps(3), 0.5, 0.4 * level)  # dotted-8th echo
        elif style == "supersaw_arp":
            tones = _chord(root, "min") + [n + 12 for n in _chord(root, "min")]
            for step in range(16):
                if not in_drop and step % 2:
                    continue
                m = grid.steps(0.9)
                x = osc(midi_hz(tones[step % len(tones)] + 12), m, sr, "saw", rng, 0.01, 3)
                x = lowpass(x, 4000 * bright, sr) * envelope(m, sr, 0.003, 0.08, 0.3, 0.02)
                place(x / 2, grid.step_sample(bar, step), 0.6 * (-1) ** step, level)
        elif style == "atmos_pads":
            m = grid.steps(16)
            x = sum(osc(midi_hz(n), m, sr, "sine", rng, 0.003, 2) for n in _chord(root, "min7"))
            place(x * envelope(m, sr, 0.8, 1.0, 1.0, 0.5) / 4, grid.step_sample(bar, 0), 0.0, level)
            if in_drop and bar % 2:
                m = grid.steps(4)
                x = osc(midi_hz(root + 24 + rng.choice([0, 3, 7])), m, sr, "saw", rng)
                place(
                    lowpass(x, 3000, sr) * envelope(m, sr, 0.01, 0.2, 0.4, 0.05) / 3,
                    grid.step_sample(bar, 8),
                    0.3,
                    level,
                )
        elif style == "brass_lead":
            if in_drop and bar % 2 == 0 or not in_drop and bar % 4 == 0:
                for step in (0, 6, 12):
                    m = grid.steps(3)
                    x = osc(
                        midi_hz(root + 12 + rng.choice([0, 3, 5, 7])),
                        m,
                        sr,
                        "square",
                        rng,
                        0.008,
                        2,
                    )
                    place(
                        lowpass(x, 2200 * bright, sr) * envelope(m, sr, 0.03, 0.3, 0.6, 0.05) / 2,
                        grid.step_sample(bar, step),
                        rng.uniform(-0.4, 0.4),
                        level,
                    )
        else:
            raise ValueError(style)
    # noise riser over the build
    start, end = grid.step_sample(intro, 0), grid.step_sample(intro + build, 0)
    if end > start:
        ramp = np.linspace(0, 1, end - start) ** 2
        noise = rng.standard_normal(end - start)
        riser = bandpass(noise, 2000, 9000, sr) * ramp * 0.25
        place(riser, start)
    return np.stack([left, right], axis=1)


def _render_vocals(grid, sections, key_root, rng, length) -> np.ndarray:
    """A formant-synthesised sung line in the song's minor key, in the drop (mono)."""
    sr = grid.sr
    out = np.zeros(length)
    intro, build, _ = sections
    scale = [57 + (key_root + s) % 12 for s in MINOR_SCALE] + [
        69 + (key_root + s) % 12 for s in MINOR_SCALE[:3]
    ]
    base_f0 = rng.uniform(0.9, 1.1)
    bar = intro + build
    while bar < grid.n_bars:
        step = 0
        while step < 32 and bar * 16 + step < grid.n_bars * 16:
            dur = int(rng.choice([2, 2, 3, 4]))
            if rng.random() < 0.2:
                step += dur
                continue
            note = scale[int(rng.integers(len(scale)))]
            m = grid.steps(dur)
            t = np.arange(m) / sr
            f0 = (
                midi_hz(note)
                * base_f0
                * 2 ** (0.3 / 12 * np.sin(2 * np.pi * 5.5 * t) * np.minimum(t / 0.2, 1))
            )
            source = osc(f0, m, sr, "saw", rng) + 0.05 * rng.standard_normal(m)
            vowel = VOWELS[str(rng.choice(list(VOWELS)))]
            voiced = resonances(source, [(f, 90.0, 0.5**k) for k, f in enumerate(vowel)], sr)
            voiced *= envelope(m, sr, 0.03, 1.0, 1.0, 0.06)
            add_at(out, grid.step_sample(bar, 0) + grid.steps(step), voiced)
            step += dur
        bar += 3  # two bars sung, one bar rest
    return out


def synthesize_song(
    song: str,
    genre: str,
    artist: str,
    seed: int = 0,
    sr: int = 44_100,
    duration: tuple[float, float] = (24.0, 30.0),
    difficulty: float = 0.5,
    vocals_share: float = 0.5,
    min_drop_s: float = 11.5,
) -> tuple[dict[str, np.ndarray], np.ndarray, dict]:
    """Synthesise one song and its ground-truth stems.

    Parameters
    ----------
    song, genre, artist : str
        Ids; ``genre`` is a key of :data:`GENRES`. The song's generator is seeded by
        ``(seed, song)``, its timbre presets by ``(seed, artist)``.
    sr : int
        Sample rate in Hz.
    duration : (float, float)
        Range of the song's length in seconds (whole bars are kept).
    difficulty : float
        0 (genres by the book) to 1 (genres borrow each other's parts, heavy masking).
    vocals_share : float
        Probability, the same for every genre, that a song has vocals.
    min_drop_s : float
        The drop is at least this long, so a ~10.6 s segment fits inside it.

    Returns
    -------
    stems : dict of str to ndarray
        ``{stem: (n_samples, 2) float32}`` for bass, drums, other, vocals.
    mixture : ndarray
        ``(n_samples, 2) float32``, the sum of the stems.
    info : dict
        Tempo, key, sections, the parts borrowed from other genres, and whether it has vocals.
    """
    rng = np.random.default_rng([seed, stable_hash(song)])
    preset = np.random.default_rng([seed, stable_hash(artist)])
    style = GENRES[genre]
    others = [g for g in GENRES if g != genre]

    def part(attr: str) -> tuple[str, str]:
        source = genre if rng.random() >= 0.4 * difficulty else str(rng.choice(others))
        return getattr(GENRES[source], attr), source

    drums, drums_from = part("drums")
    bass, bass_from = part("bass")
    chords, chords_from = part("chords")
    widen = 8.0 * difficulty
    bpm = rng.uniform(style.tempo[0] - widen, style.tempo[1] + widen)
    key_root = int(rng.integers(12))
    roots = list(style.progressions[int(rng.integers(len(style.progressions)))])
    has_vocals = bool(rng.random() < vocals_share)

    bar_s = 240.0 / bpm
    n_bars = max(int(round(rng.uniform(*duration) / bar_s)), 1)
    drop = max(int(np.ceil(min_drop_s / bar_s)), int(round(n_bars * rng.uniform(0.5, 0.6))))
    build = max(1, int(round(n_bars * rng.uniform(0.15, 0.2))))
    intro = max(1, n_bars - drop - build)
    n_bars = intro + build + drop
    grid = _Grid(sr, bpm, style.swing, n_bars)
    sections = (intro, build, drop)
    length = grid.step_sample(n_bars, 0) + int(0.5 * sr)

    mutation = 0.03 + 0.12 * difficulty
    kit = _drum_kit(rng, preset, sr)
    stems = {
        "drums": _render_drums(grid, sections, DRUM_PATTERNS[drums], kit, rng, mutation)[:length],
        "bass": pan_stereo(_render_bass(bass, grid, sections, roots, preset, rng, length), 0.0),
        "other": _render_other(chords, grid, sections, roots, key_root, preset, rng, length),
        "vocals": (
            pan_stereo(_render_vocals(grid, sections, key_root, rng, length), 0.0)
            if has_vocals
            else np.zeros((length, 2))
        ),
    }
    # masking noise bed in `other`, louder with difficulty
    noise = lowpass(rng.standard_normal((length, 2)), 3000, sr, order=1)
    stems["other"] = stems["other"] + (0.02 + 0.1 * difficulty) * noise / np.std(noise)

    # kick-synchronous ducking ("pumping") of bass and other
    if style.sidechain:
        beat_phase = (np.arange(length) / sr) % (60.0 / bpm)
        duck = 1.0 - style.sidechain * np.exp(-beat_phase / 0.09)
        for name in ("bass", "other"):
            stems[name] = stems[name] * duck[:, None]

    # levels are set on the drop, where every stem plays
    base_db = {"drums": 0.0, "bass": -3.0, "other": -3.0, "vocals": -2.0}
    spread_db = 1.0 + 3.0 * difficulty
    drop_start = grid.step_sample(intro + build, 0)
    for name in STEMS:
        rms = np.sqrt(np.mean(stems[name][drop_start:] ** 2))
        if rms > 0:
            gain_db = base_db[name] + rng.normal(0.0, spread_db)
            stems[name] = stems[name] / rms * 0.1 * 10 ** (gain_db / 20)

    stems = {name: stems[name].astype(np.float32) for name in STEMS}
    mixture = sum(stems[name].astype(np.float64) for name in STEMS)
    scale = 0.89 / max(np.max(np.abs(mixture)), 1e-9)
    stems = {name: (s * np.float32(scale)).astype(np.float32) for name, s in stems.items()}
    mixture = sum(stems[name].astype(np.float64) for name in STEMS).astype(np.float32)

    info = {
        "song": song,
        "genre": genre,
        "artist": artist,
        "bpm": round(float(bpm), 3),
        "key_root": key_root,
        "chord_roots": roots,
        "vocals": has_vocals,
        "bars": {"intro": intro, "build": build, "drop": drop},
        "drop_start_s": round(grid.step_sample(intro + build, 0) / sr, 4),
        "duration_s": round(length / sr, 4),
        "parts": {"drums": drums_from, "bass": bass_from, "chords": chords_from},
    }
    return stems, mixture, info
