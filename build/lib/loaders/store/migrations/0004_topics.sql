-- Topic modeling: cached embeddings, topic runs, topics and document assignments.
CREATE TABLE embeddings (
    -- One vector per distinct cleaned text and embedding model; refits reuse them.
    model           VARCHAR NOT NULL,      -- embedding model (folder or Hugging Face id)
    text_hash       VARCHAR NOT NULL,      -- md5 of the text as embedded (see analysis.topic_text)
    vector          FLOAT[] NOT NULL       -- unit length
);

CREATE TABLE topic_runs (
    run_id          INTEGER PRIMARY KEY,   -- the highest run_id is the current topic model
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    n_docs          BIGINT NOT NULL,       -- documents assigned when the run was fitted
    n_texts         BIGINT NOT NULL,       -- distinct cleaned texts the model was fitted on
    n_topics        INTEGER NOT NULL,
    outlier_share   DOUBLE NOT NULL,       -- share of documents left without a topic
    embedding_model VARCHAR NOT NULL,
    params          JSON NOT NULL          -- UMAP, HDBSCAN and vocabulary settings used
);

CREATE TABLE topics (
    run_id          INTEGER NOT NULL,
    topic           INTEGER NOT NULL,      -- 0, 1, ... in order of size at fit time
    label           VARCHAR NOT NULL,      -- generated label, 3-5 words
    keywords        VARCHAR[] NOT NULL,    -- c-TF-IDF keywords, best first
    size            BIGINT NOT NULL,       -- documents in the topic (kept current by edits)
    user_label      VARCHAR,               -- a marketer's name for the topic; wins over label
    merged_into     INTEGER,               -- set when a user merged this topic into another
    centroid        FLOAT[] NOT NULL,      -- mean unit embedding of its texts at fit time
    representative_docs VARCHAR[] NOT NULL, -- doc_ids of the texts nearest the centroid
    PRIMARY KEY (run_id, topic)
);

CREATE TABLE doc_topics (
    doc_id          VARCHAR NOT NULL,
    run_id          INTEGER NOT NULL,
    topic           INTEGER NOT NULL,      -- -1: an outlier that fits no topic
    probability     DOUBLE NOT NULL        -- cosine similarity of the text to its topic centroid
);
