package io.geokv.store.config;

import io.geokv.naming.GeokvNames;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;

/**
 * One region's storage endpoints. Instances obtained from {@link RegionsProperties} are fully
 * populated: every field left unset in configuration has been given its default there, because
 * the defaults depend on the database prefix and on the region's position in the list.
 *
 * @param name     region id, {@code [a-z0-9-]+}; it names the topic, the database and the Streams app
 * @param postgres the region's PostgreSQL database
 * @param redis    the region's Redis (logical database in the URI)
 * @param kafka    the region's own Kafka cluster, in the multi topology only
 */
public record RegionProperties(@NotBlank String name, Postgres postgres, Redis redis, Kafka kafka) {

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 5432;
    static final String DEFAULT_USERNAME = "postgres";
    static final int DEFAULT_MAX_POOL_SIZE = 8;
    static final String DEFAULT_REDIS_HOST_PORT = "redis://127.0.0.1:6379/";
    static final Duration DEFAULT_TTL = Duration.ofHours(1);
    static final DataSize DEFAULT_NEAR_CACHE_SIZE = DataSize.ofMegabytes(8);
    static final Duration DEFAULT_NEAR_CACHE_MAX_AGE = Duration.ofSeconds(10);

    @ConstructorBinding
    public RegionProperties {
        // Region names end up in topic names, database names and application ids.
        GeokvNames.requireRegionName(name);
    }

    /** A region whose log is in the cluster every region shares (the single topology). */
    public RegionProperties(String name, Postgres postgres, Redis redis) {
        this(name, postgres, redis, null);
    }

    /** Only a name: everything else takes its defaults once placed in a {@link RegionsProperties}. */
    public static RegionProperties named(String name) {
        return new RegionProperties(name, null, null);
    }

    /** This region with its own Kafka cluster (the multi topology). */
    public RegionProperties withKafka(String bootstrapServers) {
        return new RegionProperties(name, postgres, redis, new Kafka(bootstrapServers));
    }

    /** The bootstrap servers of this region's own cluster; null when it has none. */
    public String kafkaBootstrapServers() {
        return kafka == null || blank(kafka.bootstrapServers()) ? null : kafka.bootstrapServers();
    }

    /** The database name used when none is configured: the prefix plus the name, SQL-identifier friendly. */
    public static String defaultDatabase(String databasePrefix, String regionName) {
        return GeokvNames.database(databasePrefix, regionName);
    }

    /**
     * This region with every unset field given its default.
     *
     * @param databasePrefix prefix of the default database name
     * @param redisDatabase  the Redis logical database used when no Redis URI is configured
     */
    RegionProperties withDefaults(String databasePrefix, int redisDatabase) {
        Postgres pg = postgres == null ? new Postgres(null, 0, null, null, null, 0) : postgres;
        Redis rd = redis == null ? new Redis(null, null, null) : redis;
        return new RegionProperties(
                name,
                pg.withDefaults(defaultDatabase(databasePrefix, name)),
                rd.withDefaults(DEFAULT_REDIS_HOST_PORT + redisDatabase),
                kafka);
    }

    /**
     * The region's own Kafka cluster (the multi topology): it holds the original of the region's event
     * topic and a mirrored copy of every other region's.
     *
     * @param bootstrapServers its bootstrap servers; every other Kafka client setting is the one
     *     configured for Kafka ({@code spring.kafka.*})
     */
    public record Kafka(String bootstrapServers) {}

    /**
     * PostgreSQL connection settings. A zero port or pool size means "unset" (that is what
     * property binding gives a primitive nobody configured).
     *
     * @param sslMode TLS to the server, as libpq's {@code sslmode}: {@code disable}, {@code allow},
     *     {@code prefer}, {@code require}, {@code verify-ca} or {@code verify-full}; unset leaves each
     *     driver's default (JDBC prefers TLS, R2DBC does not use it)
     * @param sslRootCert the CA certificates (PEM file) that {@code verify-ca} and {@code verify-full}
     *     check the server against; unset: the drivers' defaults ({@code ~/.postgresql/root.crt})
     */
    public record Postgres(
            String host,
            int port,
            String database,
            String username,
            String password,
            int maxPoolSize,
            String sslMode,
            String sslRootCert) {

        static final List<String> SSL_MODES =
                List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

        @ConstructorBinding
        public Postgres {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("postgres port out of range: " + port);
            }
            if (maxPoolSize < 0) {
                throw new IllegalArgumentException("postgres max-pool-size must be positive: " + maxPoolSize);
            }
            if (!blank(sslMode) && !SSL_MODES.contains(sslMode)) {
                throw new IllegalArgumentException("postgres ssl-mode '" + sslMode + "' is not one of " + SSL_MODES);
            }
        }

        public Postgres(String host, int port, String database, String username, String password, int maxPoolSize) {
            this(host, port, database, username, password, maxPoolSize, null, null);
        }

        Postgres withDefaults(String defaultDatabase) {
            return new Postgres(
                    blank(host) ? DEFAULT_HOST : host,
                    port == 0 ? DEFAULT_PORT : port,
                    blank(database) ? defaultDatabase : database,
                    blank(username) ? DEFAULT_USERNAME : username,
                    password == null ? "" : password,
                    maxPoolSize == 0 ? DEFAULT_MAX_POOL_SIZE : maxPoolSize,
                    blank(sslMode) ? null : sslMode,
                    blank(sslRootCert) ? null : sslRootCert);
        }

        /** Never print the password (these records end up in logs and error messages). */
        @Override
        public String toString() {
            return "Postgres[" + username + "@" + host + ":" + port + "/" + database + ", maxPoolSize=" + maxPoolSize
                    + (sslMode == null ? "" : ", sslMode=" + sslMode) + "]";
        }
    }

    /**
     * Redis connection settings.
     *
     * @param uri Lettuce URI; its path selects the logical database, e.g. {@code redis://host:6379/1};
     *     {@code rediss://} for TLS
     * @param ttl how long a cache entry lives
     * @param nearCache the decoded states a reading process keeps of what it read from this Redis
     * @param trustedCertificates with TLS, the CA certificates (PEM file) the server is checked
     *     against; unset: the JVM's trust store
     */
    public record Redis(String uri, Duration ttl, NearCache nearCache, String trustedCertificates) {

        public Redis(String uri, Duration ttl, NearCache nearCache) {
            this(uri, ttl, nearCache, null);
        }

        @ConstructorBinding
        public Redis {
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                throw new IllegalArgumentException("redis ttl must be positive: " + ttl);
            }
        }

        Redis withDefaults(String defaultUri) {
            return new Redis(
                    blank(uri) ? defaultUri : uri,
                    ttl == null ? DEFAULT_TTL : ttl,
                    nearCache == null ? NearCache.DEFAULT : nearCache.withDefaults(),
                    blank(trustedCertificates) ? null : trustedCertificates);
        }

        /** Hide a password given in the URI ({@code redis://:secret@host}). */
        @Override
        public String toString() {
            String shown = uri == null ? null : uri.replaceAll("//[^@/]*@", "//***@");
            return "Redis[uri=" + shown + ", ttl=" + ttl + ", nearCache=" + nearCache + "]";
        }
    }

    /**
     * The near cache of a process that reads through this Redis (the gateway): decoded states of keys
     * it read lately, served without a round trip to Redis until Redis reports a change to them
     * (server-assisted client-side caching; needs RESP3, Redis 6 or later, else it stays off).
     *
     * @param size   the heap it may take; zero turns it off
     * @param maxAge the longest an entry is served, even without a reported change: a bound on
     *               staleness should the link to Redis stall without breaking
     */
    public record NearCache(DataSize size, Duration maxAge) {

        static final NearCache DEFAULT = new NearCache(DEFAULT_NEAR_CACHE_SIZE, DEFAULT_NEAR_CACHE_MAX_AGE);

        public NearCache {
            if (size != null && size.isNegative()) {
                throw new IllegalArgumentException("redis near-cache size must not be negative: " + size);
            }
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("redis near-cache max-age must be positive: " + maxAge);
            }
        }

        /** Off: every read asks Redis. */
        public static NearCache off() {
            return new NearCache(DataSize.ofBytes(0), DEFAULT_NEAR_CACHE_MAX_AGE);
        }

        public boolean enabled() {
            return size.toBytes() > 0;
        }

        NearCache withDefaults() {
            return new NearCache(
                    size == null ? DEFAULT_NEAR_CACHE_SIZE : size,
                    maxAge == null ? DEFAULT_NEAR_CACHE_MAX_AGE : maxAge);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
