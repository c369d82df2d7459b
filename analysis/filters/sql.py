"""Named SQL of the filters. Values are always ``?`` parameters."""

from __future__ import annotations

# The export's own columns kept in documents.extra that look like categories: a few distinct
# short values (parameters: fewest and most distinct values, longest value), some repeated,
# some of them words: a column of only numbers (a count, a confidence), dates or ids (one
# token of 8+ characters with a digit, such as an ASIN) is not a category.
CATEGORY_VALUES = """
WITH cells AS (
    SELECT k AS col,
           json_extract_string(extra, '/' || replace(replace(k, '~', '~0'), '/', '~1')) AS value
    FROM (SELECT extra, unnest(json_keys(extra)) AS k FROM documents WHERE extra IS NOT NULL)
), counted AS (
    SELECT col, value, count(*) AS documents FROM cells
    WHERE value IS NOT NULL AND trim(value) <> ''
    GROUP BY ALL
), kept AS (
    SELECT col FROM counted GROUP BY col
    HAVING count(*) BETWEEN ? AND ?
       AND max(length(value)) <= ?
       AND sum(documents) > count(*)
       AND bool_or(try_cast(value AS DOUBLE) IS NULL AND try_cast(value AS TIMESTAMP) IS NULL
                   AND NOT (regexp_full_match(value, '[A-Za-z0-9_.:-]{8,}')
                            AND regexp_matches(value, '[0-9]')))
)
SELECT col, value, documents FROM counted JOIN kept USING (col)
ORDER BY col, documents DESC, value
"""
