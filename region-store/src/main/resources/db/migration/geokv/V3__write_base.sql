-- What a blind write needs of a key, beside the full state: the context it supersedes (the state's
-- context token, as clients see it in X-Context) and the newest timestamp among its siblings (the
-- gateway's clock moves past it, so the write wins under last-writer-wins). Reading two small columns
-- instead of a state that may hold megabytes of values. NULL in rows written before this migration:
-- readers fall back to the state for those.
ALTER TABLE kv_state
    ADD COLUMN context text NULL,
    ADD COLUMN newest_timestamp bigint NULL;
