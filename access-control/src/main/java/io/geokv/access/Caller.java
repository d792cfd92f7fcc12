package io.geokv.access;

/**
 * Who a key request acts for: the tenant (from {@code X-Tenant}, or the credential's default) and
 * the caller's grant. A controller method that takes a {@code Caller} gets one checked against the
 * credential: a tenant the credential does not act for is a 403 before the method runs.
 */
public record Caller(String tenant, Grant grant) {}
