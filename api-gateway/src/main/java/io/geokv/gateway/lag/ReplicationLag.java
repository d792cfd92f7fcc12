package io.geokv.gateway.lag;

/**
 * How far region {@code region}'s Streams application is behind origin {@code origin}'s topic:
 * records not yet consumed, and the age of the oldest of them (0 when caught up).
 */
public record ReplicationLag(String region, String origin, long lagRecords, double lagSeconds) {}
