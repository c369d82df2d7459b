"""SQL of the Ray engine: what to export, and loading result shards (read with read_parquet)."""

# Python's str.strip() whitespace, as far as DuckDB's trim() takes a character list.
_BLANK = "(d.text IS NULL OR trim(d.text, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)) = '')"

_UNSCORED = (
    "NOT EXISTS (SELECT 1 FROM sentiment s WHERE s.doc_id = d.doc_id AND s.model_version = ?)"
)

# One row per distinct text the active version has not scored, in hash order: the same pending
# set always cuts into the same shards (and so the same shard names).
PENDING_SENTIMENT_TEXTS = f"""
SELECT md5(d.text) AS text_hash, any_value(d.text) AS text
FROM documents d
WHERE {_UNSCORED} AND NOT {_BLANK}
GROUP BY 1
ORDER BY 1
"""  # noqa: S608 - fixed fragments, the values are parameters

# Empty texts get their skip row straight away, as the local engine writes them.
INSERT_BLANK_SKIPPED = f"""
INSERT INTO sentiment
SELECT d.doc_id, ?, NULL, NULL, NULL, NULL, NULL, d.language, ?, now()
FROM documents d
WHERE {_UNSCORED} AND {_BLANK}
"""  # noqa: S608

# Result shards -> sentiment rows of every unscored document with that text. Rows of another
# model version are never loaded; a text that sits in two shards is taken once.
LOAD_SENTIMENT_SHARDS = """
INSERT INTO sentiment
SELECT d.doc_id, r.model_version, r.label, r.p_negative, r.p_neutral, r.p_positive, r.score,
       coalesce(r.language, d.language), NULL, now()
FROM documents d
JOIN (
    SELECT * FROM read_parquet(?) WHERE model_version = ?
    QUALIFY row_number() OVER (PARTITION BY text_hash) = 1
) r ON md5(d.text) = r.text_hash
WHERE NOT EXISTS (
    SELECT 1 FROM sentiment s WHERE s.doc_id = d.doc_id AND s.model_version = r.model_version
)
"""

SCORED_LANGUAGES = """
SELECT coalesce(language, 'unknown'), count(*) FROM sentiment
WHERE model_version = ? AND skip_reason IS NULL AND scored_at >= ?
GROUP BY 1 ORDER BY 2 DESC, 1
"""

ALL_TEXTS = "SELECT text FROM documents WHERE text IS NOT NULL"

# Of the hashes registered as ``candidate_hashes``, those the cache lacks for the model.
UNCACHED_HASHES = """
SELECT c.text_hash FROM candidate_hashes c
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.text_hash = c.text_hash)
"""

LOAD_EMBEDDING_SHARDS = """
INSERT INTO embeddings
SELECT r.model, r.text_hash, r.vector::FLOAT[]
FROM (
    SELECT * FROM read_parquet(?) WHERE model = ?
    QUALIFY row_number() OVER (PARTITION BY text_hash) = 1
) r
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = r.model AND e.text_hash = r.text_hash)
"""
