-- Conditional writes this region arbitrates, from just before the arbiter publishes one until this
-- region has applied it. A row left behind means its arbiter went away (crashed, or lost its lock's
-- connection) while its event may still be on its way into the log: the next arbiter of the key
-- waits until no such event can still be appended before it checks its own condition. Not part of
-- the replicated state: a replay leaves it alone.
CREATE TABLE arbitration_intents (
    tenant      text COLLATE "C" NOT NULL,
    key         text COLLATE "C" NOT NULL,
    event_id    text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant, key)
);

COMMENT ON TABLE arbitration_intents IS 'Conditional writes published or about to be, until applied here; fences the next arbiter.';
