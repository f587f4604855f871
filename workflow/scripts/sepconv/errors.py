"""The library's errors: one root, so the step runner catches them in one place.

Every error carries a message meant for the user, naming the file, song, row or key.
"""


class SepconvError(RuntimeError):
    """A failure the user can act on; its message names the file, song, row or key."""


class InputError(SepconvError):
    """Bad input: an audio file, a sample sheet, or the configuration."""


class ConfigError(InputError):
    """A configuration problem (names the key)."""


class SheetError(InputError):
    """A problem with the sample sheet (names the file and line)."""


class SplitError(InputError):
    """The song table cannot be split as asked (names the genre)."""


class SeparationError(SepconvError):
    """A separator gave stems that are not a separation of the segment."""


class TrainingError(SepconvError):
    """The tensor and the split do not fit together (names the songs)."""
