-- Tags on posts (issue 19): a rule's "tag" action marks the posts that made it fire, so a
-- marketer can filter the post browser by them ("lid-leak-week"). One tag per post once: a
-- second rule or a second check tagging the same post keeps the first row.
CREATE TABLE doc_tags (
    doc_id      VARCHAR NOT NULL,
    tag         VARCHAR NOT NULL,
    rule_id     INTEGER,                -- the rule that tagged it (NULL: tagged by hand)
    firing_id   INTEGER,                -- the firing whose posts these are
    tagged_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (doc_id, tag)
);
