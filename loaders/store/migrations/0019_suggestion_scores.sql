-- The ranker's judgement of each copy variant: its score (0..1, NULL for an unranked
-- template) and whether it doubts the draft ("needs edit": offered for editing, not as ready).
ALTER TABLE suggestions ADD COLUMN score DOUBLE;
ALTER TABLE suggestions ADD COLUMN needs_edit BOOLEAN NOT NULL DEFAULT false;
