"""Learning: per-seed splits, backend set-up, GPU leases, models, training and run records."""
