"""Names shared by every stage, light to import (no NumPy, no pandas).

One concept, one name: these strings are config keys, wildcard values, file name parts and
table columns alike.
"""

#: The stems every separator gives, in this order.
STEMS = ("bass", "drums", "other", "vocals")
#: The channel holding the spectrogram of the full mixture.
MIXTURE = "mixture"
#: The separator that gives the data set's reference stems (the upper bound of separation).
ORACLE = "oracle"
#: The separator of what needs no separation (the mixture's spectrograms and tensors).
NO_SEPARATOR = "none"
#: Epoch-selection rules of a training run, the paper's first; the last only where a
#: validation part is held out of the training songs (config ``validation``).
SELECTIONS = {
    "min_test_loss": "epoch of minimum test loss (the paper's rule; chosen on the test set)",
    "last_epoch": "last epoch (chosen without looking at the test set)",
    "min_val_loss": "epoch of minimum validation loss (chosen on held-out training songs)",
}
#: The selection rule that needs a validation part.
VALIDATION_SELECTION = "min_val_loss"
#: Where a run's history keeps each subset's loss, accuracy and macro F1 by epoch: the
#: training songs' (Keras's running means over the epoch's batches, loss and accuracy
#: weighted by the class weights; macro F1 from the confusion summed over the epoch,
#: unweighted), the validation songs' where some are held out, and the test songs' (loss and
#: accuracy per segment, macro F1 per song, from one prediction after the epoch).
HISTORY = {
    "train": ("loss", "accuracy", "f1_macro"),
    "validation": ("val_loss", "val_accuracy", "val_f1_macro"),
    "test": ("test_loss", "test_accuracy", "test_f1_macro"),
}
#: Metrics of a run at each selection, with the labels the tables and figures use: per song
#: (from the mean class probability over a song's segments, where it has several).
METRICS = {"accuracy": "Accuracy", "f1_macro": "F1"}
#: The same of single segments, where songs have several (config ``segment.per_song``).
SEGMENT_METRICS = {"segment_accuracy": "Accuracy per segment", "segment_f1_macro": "F1 per segment"}
#: The figures of each selection (``results/figures/{figure}_{selection}.png``), with their
#: titles in the report: drawn by the ``plot_figures`` step, declared by its rule.
FIGURES = {
    "f1": "F1 distributions",
    "accuracy": "accuracy distributions",
    "paired_differences": "paired differences",
    "confusion": "mean confusion matrices",
    "genres": "per-genre F1 differences",
}
#: The report's sections, in their order (Snakemake shows categories sorted by name, so each
#: is numbered by its place: :func:`report_category`): every figure of :data:`FIGURES` by its
#: title, between the tables and the genre pairs.
REPORT_SECTIONS = (
    "songs left out",
    "separation quality",
    "Table 1",
    "significance",
    *FIGURES.values(),
    "training curves",
    "genre pairs",
)


def report_category(section: str) -> str:
    """The report category of one of :data:`REPORT_SECTIONS`: ``"4. F1 distributions"``."""
    return f"{REPORT_SECTIONS.index(section)}. {section[0].upper()}{section[1:]}"
