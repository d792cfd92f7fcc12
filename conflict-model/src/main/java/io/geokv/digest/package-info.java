/**
 * Anti-entropy: where two regions' merged states differ. Every key falls in one of {@link
 * KeyBuckets#COUNT} buckets by a hash of its tenant and key, the same in every region; a region's
 * {@link BucketDigests} fingerprint each bucket, so two regions are compared bucket by bucket and only
 * the keys of the buckets that differ are compared one by one ({@link Divergence}). Pure Java.
 */
package io.geokv.digest;
