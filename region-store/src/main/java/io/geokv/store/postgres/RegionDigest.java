package io.geokv.store.postgres;

/**
 * A fingerprint of everything one region holds, for comparing regions (they have converged when
 * their digests are equal) and for checking a rebuilt region against the live ones.
 *
 * @param records     rows in kv_state, tombstones included
 * @param liveRecords rows that are not deleted
 * @param sha256      lowercase hex SHA-256 over every row's tenant, key and state digest, in key order
 */
public record RegionDigest(long records, long liveRecords, String sha256) {}
