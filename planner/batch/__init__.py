"""Batches of runs: a spec (scenarios, grid sweeps, Monte Carlo samples) expanded into runs named by
the hash of their inputs, executed by local processes or a Dask cluster, resumable, summarised in
a manifest."""
