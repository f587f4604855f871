"""Evaluation: the metrics table, mean confusion matrices, statistics and figures."""
