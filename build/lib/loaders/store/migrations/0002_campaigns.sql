-- Marketing campaigns, imported from CSV (sample_data/campaigns.csv) or entered in the app.
CREATE TABLE campaigns (
    name            VARCHAR PRIMARY KEY,
    brand           VARCHAR,
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL,
    channels        VARCHAR[] NOT NULL DEFAULT [],
    hashtags        VARCHAR[] NOT NULL DEFAULT [],  -- lower case, without '#'
    utm_campaign    VARCHAR,
    keywords        VARCHAR[] NOT NULL DEFAULT [],
    budget          DOUBLE,
    CHECK (end_date >= start_date)
);
