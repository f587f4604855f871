"""Library behind the workflow's step scripts, one folder per stage, mirroring the rules.

Modules are light to import: heavy dependencies (librosa, Keras, TensorFlow, matplotlib) are
imported only inside the functions that need them, so planning a run and the light steps
start fast. Each file format is owned by one module, which saves and loads it.

- :mod:`sepconv.names` -- stems, selections, metrics: the names every stage shares
- :mod:`sepconv.errors` -- :class:`~sepconv.errors.SepconvError` and the input errors under it
- :mod:`sepconv.config` -- schema defaults, one-line config errors, cross-field checks
- :mod:`sepconv.io` -- atomic writes; audio, JSON, text files and result tables
- :mod:`sepconv.blocks` -- which block holds a song; a block job's loop and its folder's listing
- :mod:`sepconv.layout` -- where every block's files lie
- :mod:`sepconv.plan` -- what a configuration asks of a song table: every job's inputs and settings
- :mod:`sepconv.steps` -- the step runner: log file, threads, one-line errors
- :mod:`sepconv.imports` -- which library files a step imports, and a digest of their code
- :mod:`sepconv.corpus` -- the song table; the embedded synthetic corpus (genres, DSP, rendering)
- :mod:`sepconv.signal` -- reading songs, segments, log-mel spectrograms, stacked tensors
- :mod:`sepconv.separators` -- the stem check shared by all; oracle, ladder, hpss, spleeter,
  demucs; SI-SDR
- :mod:`sepconv.learning` -- splits, Keras backend set-up, GPU leases, models, training, run records
- :mod:`sepconv.evaluation` -- metrics table, confusion file, statistics, gain against quality,
  figures
"""
