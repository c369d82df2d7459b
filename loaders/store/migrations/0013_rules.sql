-- Rules and alerts (issue 19): "when this happens, do that", checked after every analysis
-- and by `brandpulse rules check`. No secrets in any column: a webhook action stores only the
-- name of a webhook in the settings, never its URL.
CREATE SEQUENCE rule_ids START 1;

CREATE TABLE rules (
    rule_id         INTEGER PRIMARY KEY DEFAULT nextval('rule_ids'),
    name            VARCHAR NOT NULL UNIQUE,
    condition       VARCHAR NOT NULL,       -- one of analysis.rules.model.CONDITIONS
    params          JSON NOT NULL,          -- the condition's thresholds
    scope           JSON NOT NULL,          -- the dashboard's filters (SCOPE_KEYS -> value)
    actions         JSON NOT NULL,          -- [{"kind", "target", "style"}]
    cooldown_hours  DOUBLE NOT NULL DEFAULT 24,
    enabled         BOOLEAN NOT NULL DEFAULT true,
    since_run       INTEGER NOT NULL DEFAULT 0, -- keywords: posts of later ingest runs are new
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE SEQUENCE rule_firing_ids START 1;

-- One row per rule and window: the same data never fires the same rule twice, and a second
-- process that checks at the same time hits the UNIQUE constraint instead of firing again.
CREATE TABLE rule_firings (
    firing_id       INTEGER PRIMARY KEY DEFAULT nextval('rule_firing_ids'),
    rule_id         INTEGER NOT NULL,
    "window"        VARCHAR NOT NULL,       -- "2025-W41", "2025-10-09", "post:<doc id>" ...
    fired_at        TIMESTAMPTZ NOT NULL,
    why             VARCHAR NOT NULL,
    figures         JSON NOT NULL,
    documents       INTEGER NOT NULL,
    value           DOUBLE,                 -- the figure "worse" compares (share, volume, rating)
    posts           JSON NOT NULL,          -- up to three telling posts, as the message shows them
    link            VARCHAR NOT NULL,
    UNIQUE (rule_id, "window")
);

CREATE TABLE rule_deliveries (
    firing_id       INTEGER NOT NULL,
    action_index    INTEGER NOT NULL,       -- position in the rule's actions when it fired
    action          JSON NOT NULL,          -- the action as it was (a webhook by name only)
    attempts        INTEGER NOT NULL,
    ok              BOOLEAN NOT NULL,
    detail          VARCHAR NOT NULL,
    last_attempt_at TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ,            -- NULL when delivered or given up
    PRIMARY KEY (firing_id, action_index)
);
