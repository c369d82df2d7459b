-- Sentiment models, their scores per document, and human corrections.
CREATE TABLE models (
    version         VARCHAR PRIMARY KEY,   -- e.g. default-3f2a9c1b0d4e, trained-20261124-153000
    kind            VARCHAR NOT NULL,      -- brandpulse (fine-tuned here) or sequence-classification
    source          VARCHAR NOT NULL,      -- model directory, or Hugging Face id
    base            VARCHAR,               -- encoder it was fine-tuned from
    label_map       JSON,                  -- model class name -> our label, when given
    metrics         JSON,                  -- metrics.json of the model, when it has one
    created_at      TIMESTAMPTZ NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE sentiment (
    -- One row per document and model version; a document is scored once per version.
    doc_id          VARCHAR NOT NULL,
    model_version   VARCHAR NOT NULL,
    label           VARCHAR CHECK (label IN ('negative', 'neutral', 'positive')),
    p_negative      DOUBLE,
    p_neutral       DOUBLE,
    p_positive      DOUBLE,
    score           DOUBLE,                -- p_positive - p_negative, in [-1, 1]
    language        VARCHAR,               -- ISO 639-1 code detected from the text
    skip_reason     VARCHAR,               -- why label is NULL (e.g. empty text)
    scored_at       TIMESTAMPTZ NOT NULL,
    CHECK ((label IS NULL) = (skip_reason IS NOT NULL))
);

CREATE TABLE labels (
    -- Human corrections; the newest one per document wins over every model.
    doc_id          VARCHAR NOT NULL,
    label           VARCHAR NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
    labeled_at      TIMESTAMPTZ NOT NULL,
    note            VARCHAR
);
