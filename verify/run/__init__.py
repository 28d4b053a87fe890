"""Running many documents: killable worker processes, pools, Dask, limits."""
