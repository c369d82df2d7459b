-- Choices a marketer makes once in the dashboard and that every page, card and report
-- follows (today: "my brand"). Not for secrets: those come from settings or the
-- environment only. The setting of the same name, when set, wins over the stored choice.
CREATE TABLE workspace (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    set_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
