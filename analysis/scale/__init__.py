"""engine='ray': scoring and embedding on a Ray cluster, with DuckDB the single writer.

The texts that still need the model (not scored by the active sentiment version, not in
the embedding cache) are exported as Parquet shards named by their content
(:mod:`.shards`), processed by a Ray Data pipeline whose actors run the same model code as
the local engine (:mod:`.workers`), written back as result shards and loaded into the store
a batch of shards per transaction (:mod:`.engine`). Importing this package loads neither
Ray nor torch.
"""
