"""Separators: each turns one segment into the four stems (:data:`~sepconv.names.STEMS`),
written into the block's folder at the segment's rate and length
(:func:`sepconv.layout.stem_file`).

- :mod:`~sepconv.separators.oracle` -- the data set's ground-truth stems, cut like the segment
- :mod:`~sepconv.separators.ladder` -- stems of controlled quality made from the ground truth
- :mod:`~sepconv.separators.hpss` -- librosa DSP (soft masks that sum to the mixture)
- :mod:`~sepconv.separators.spleeter` -- Deezer's pretrained networks (in ``envs/spleeter``)
- :mod:`~sepconv.separators.demucs` -- Hybrid Transformer Demucs (in ``envs/demucs``)
- :mod:`~sepconv.separators.learned` -- what the two learned separators share
- :mod:`~sepconv.separators.quality` -- SI-SDR against reference stems
- :mod:`~sepconv.separators.check` -- that stems sum back to their mixture

Every separator's stems pass :func:`~sepconv.separators.check.check_stems`, or a learned
separator's :func:`~sepconv.separators.learned.check_separation` (Spleeter's band-limited).
The package holds no code of its own, so that an edit to one separator re-runs that
separator's jobs alone.
"""
