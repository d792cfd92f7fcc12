-- Where a region's replication reads each event topic partition, in its own Kafka cluster's offsets.
-- next_offset stays in the origin's coordinates (the offsets of the topic's origin cluster), which is
-- what every position outside replication is told in. The two are equal for a topic read in its
-- origin cluster: every topic of the single topology, a region's own topic in the multi topology.
ALTER TABLE applied_offsets ADD COLUMN read_offset bigint;
UPDATE applied_offsets SET read_offset = next_offset;
ALTER TABLE applied_offsets ALTER COLUMN read_offset SET NOT NULL;

COMMENT ON COLUMN applied_offsets.next_offset IS 'Next offset not yet applied here, in the origin cluster''s offsets.';
COMMENT ON COLUMN applied_offsets.read_offset IS 'Next offset not yet applied here, in this region''s cluster''s offsets (replication''s restart point and fence).';
