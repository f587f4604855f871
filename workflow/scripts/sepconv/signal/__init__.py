"""Signals: reading songs, segments, log-mel spectrograms and the stacked tensors."""
