-- The merged state of every key this region has applied: the source of truth for serving reads.
-- state is the canonical encoding of the whole merged state (siblings and causal context);
-- value, content_type, deleted and sibling_count are derived from it so reads and counts need
-- no decoding. version only grows, so a writer can refuse to replace a newer row with an older one.
-- tenant and key sort bytewise (COLLATE "C"): the order a region digest walks must not depend on
-- the server's locale, or two regions holding equal states could disagree.
CREATE TABLE kv_state (
    tenant        text COLLATE "C" NOT NULL,
    key           text COLLATE "C" NOT NULL,
    version       bigint      NOT NULL,
    state         bytea       NOT NULL,
    state_digest  bytea       NOT NULL,
    value         bytea       NULL,
    content_type  text        NULL,
    deleted       boolean     NOT NULL,
    sibling_count int         NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, key)
);

COMMENT ON TABLE kv_state IS 'Merged state per (tenant, key); source of truth for serving this region.';

-- For every origin topic partition, the next offset whose effect is NOT yet in this database.
-- It is written in the same transaction as the kv_state rows it covers, so it is exact: it gives
-- session-consistency checks, strong-write waits, the lag a reader really sees, and the restart
-- and replay point, all from the database that serves the reads.
CREATE TABLE applied_offsets (
    topic       text        NOT NULL,
    partition   int         NOT NULL,
    next_offset bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition)
);

COMMENT ON TABLE applied_offsets IS 'Per origin topic partition: next offset not yet applied here (same transaction as kv_state).';
