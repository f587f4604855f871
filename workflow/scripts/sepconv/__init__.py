"""Library behind the workflow's step scripts.

Modules are light to import: heavy dependencies (Keras, TensorFlow) are imported only inside the
functions that need them, so planning a run and the light steps start fast.

- :mod:`sepconv.constants` -- the paper's analysis constants (rates, frame counts)
- :mod:`sepconv.io` -- atomic writes, audio and array files
- :mod:`sepconv.steps` -- logging and error handling shared by the step scripts
- :mod:`sepconv.songs` -- the song table (synthetic corpus or user sample sheet)
- :mod:`sepconv.synth` -- the embedded synthetic EDM corpus
- :mod:`sepconv.audio` -- segments: length, automatic start, resampling
- :mod:`sepconv.separation` -- separators (oracle, hpss)
- :mod:`sepconv.features` -- log-mel spectrograms and stacked tensors
"""

STEMS = ("bass", "drums", "other", "vocals")
