"""Named SQL of the filters. Values are always ``?`` parameters."""

from __future__ import annotations

# The keys of documents.extra: the header names of the unmapped columns, the same for every
# document of an ingest run, so one document per run tells them.
CATEGORY_KEYS = """
SELECT DISTINCT unnest(json_keys(one)) AS k
FROM (SELECT any_value(extra) AS one FROM documents WHERE extra IS NOT NULL GROUP BY ingest_run_id)
ORDER BY k
"""

# Of those keys (parameter: the list), the columns that look like categories: a few distinct
# short values (parameters: fewest and most distinct values, longest value), some repeated,
# some of them words: a column of only numbers (a count, a confidence), dates or ids (one
# token of 8+ characters with a digit, such as an ASIN) is not a category. Each key becomes
# a JSON Pointer ("~" as "~0", "/" as "~1"), and one pass reads them all.
CATEGORY_VALUES = """
WITH cells AS (
    SELECT unnest($keys::VARCHAR[]) AS col,
           unnest(json_extract_string(extra, list_transform($keys::VARCHAR[],
               lambda k: '/' || replace(replace(k, '~', '~0'), '/', '~1')))) AS value
    FROM documents WHERE extra IS NOT NULL
), counted AS (
    SELECT col, value, count(*) AS documents FROM cells
    WHERE value IS NOT NULL AND trim(value) <> ''
    GROUP BY ALL
), kept AS (
    SELECT col FROM counted GROUP BY col
    HAVING count(*) BETWEEN $fewest AND $most
       AND max(length(value)) <= $longest
       AND sum(documents) > count(*)
       AND bool_or(try_cast(value AS DOUBLE) IS NULL AND try_cast(value AS TIMESTAMP) IS NULL
                   AND NOT (regexp_full_match(value, '[A-Za-z0-9_.:-]{8,}')
                            AND regexp_matches(value, '[0-9]')))
)
SELECT col, value, documents FROM counted JOIN kept USING (col)
ORDER BY col, documents DESC, value
"""
