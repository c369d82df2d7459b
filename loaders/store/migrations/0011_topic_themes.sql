-- Two levels of topics: fine topics (what emerging-topic and spike detection run on) grouped
-- into coarse themes (what the Topics page and the report lead with). A fine topic also
-- keeps the similarity a new text needs to join it, so texts far from every topic stay
-- "Other" between refits instead of being pushed into the nearest one.
ALTER TABLE topics ADD COLUMN theme INTEGER;          -- its theme in the same run
ALTER TABLE topics ADD COLUMN min_similarity DOUBLE;  -- cosine to the centroid a text needs to join

CREATE TABLE themes (
    run_id          INTEGER NOT NULL,
    theme           INTEGER NOT NULL,      -- 0, 1, ... in order of size at fit time
    label           VARCHAR NOT NULL,      -- generated readable name
    keywords        VARCHAR[] NOT NULL,    -- c-TF-IDF keywords of its texts, best first
    user_label      VARCHAR,               -- a marketer's name for the theme; wins over label
    centroid        FLOAT[] NOT NULL,      -- mean unit embedding of its topics' texts
    PRIMARY KEY (run_id, theme)
);

ALTER TABLE topic_runs ADD COLUMN n_themes INTEGER;  -- NULL for runs fitted before themes

ALTER TABLE doc_facts ADD COLUMN theme INTEGER;       -- theme of its topic in the current run
