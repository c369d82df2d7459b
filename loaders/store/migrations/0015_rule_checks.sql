-- When each rule was last checked: a check also looks at the window that closed since the
-- last one (a week whose Sunday arrived with Monday's export), and only then, so a window is
-- decided once on its complete data.
ALTER TABLE rules ADD COLUMN checked_at TIMESTAMPTZ;  -- NULL until the first check
