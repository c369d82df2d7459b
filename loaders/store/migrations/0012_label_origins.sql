-- Where each human label came from, so figures can tell a fair sample of the data
-- (labels drawn at random, or imported with an export) from corrections a user chose
-- (e.g. the posts the model was least sure about), and which labels trained which model,
-- so a model is never evaluated on the labels it learned from.
ALTER TABLE labels ADD COLUMN origin VARCHAR DEFAULT 'correction';  -- correction | random | import

CREATE TABLE model_training_docs (
    version         VARCHAR NOT NULL,      -- a model in `models`
    doc_id          VARCHAR NOT NULL,      -- a document whose human label it was trained on
    PRIMARY KEY (version, doc_id)
);
