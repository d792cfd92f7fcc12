package io.geokv.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.geokv.naming.GeokvNames;
import io.geokv.store.config.RegionProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's PostgreSQL database over JDBC: created when missing, migrated with Flyway, and
 * pooled with HikariCP for the blocking writers (the Streams sink, rebuilds).
 */
public final class RegionDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegionDatabase.class);

    /** Our migrations live in their own folder so they never mix with another library's. */
    public static final String MIGRATIONS = "classpath:db/migration/geokv";

    /** Seconds to wait for a TCP connection: an unreachable server must fail startup fast. */
    private static final int CONNECT_TIMEOUT_SECONDS = 5;

    // SQLSTATEs: 3D000 the database does not exist; 42P04 it already exists; 23505 two sessions
    // raced to create it (the loser trips over the unique index of pg_database).
    private static final String INVALID_CATALOG = "3D000";
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";

    private final RegionProperties region;
    private final HikariDataSource dataSource;

    private RegionDatabase(RegionProperties region, HikariDataSource dataSource) {
        this.region = region;
        this.dataSource = dataSource;
    }

    /**
     * Opens the region's database, creating it and applying migrations as needed.
     *
     * @throws StoreException naming the region and server when PostgreSQL cannot be reached
     */
    public static RegionDatabase open(RegionProperties region) {
        RegionProperties.Postgres pg = region.postgres();
        ensureDatabase(region);
        HikariDataSource ds;
        try {
            ds = new HikariDataSource(hikariConfig(region));
        } catch (RuntimeException e) {
            throw new StoreException(describe(region) + ": cannot open a connection pool: " + e.getMessage(), e);
        }
        try {
            Flyway.configure(RegionDatabase.class.getClassLoader())
                    .dataSource(ds)
                    .locations(MIGRATIONS)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw new StoreException(describe(region) + ": schema migration failed: " + e.getMessage(), e);
        }
        log.info(
                "region {}: PostgreSQL database {} on {}:{} ready", region.name(), pg.database(), pg.host(), pg.port());
        return new RegionDatabase(region, ds);
    }

    public String region() {
        return region.name();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Empties the region (all states and applied offsets) so that it can be rebuilt from the topics. */
    public void truncate() {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            // One transaction: the two tables are emptied atomically, never one without the other,
            // and whoever follows the applied offsets learns at once that they went back to nothing.
            c.setAutoCommit(false);
            st.execute("TRUNCATE kv_state, applied_offsets");
            StateWriter.notifyApplied(c, ""); // offsets went back: listeners read again
            c.commit();
        } catch (SQLException e) {
            throw new StoreException(describe(region) + ": truncate failed: " + e.getMessage(), e);
        }
        log.info("region {}: truncated kv_state and applied_offsets", region.name());
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** JDBC URL of a database on the region's server. */
    static String jdbcUrl(RegionProperties.Postgres pg, String database) {
        String host = pg.host().contains(":") && !pg.host().startsWith("[") ? "[" + pg.host() + "]" : pg.host();
        return "jdbc:postgresql://" + host + ":" + pg.port() + "/" + database;
    }

    static String describe(RegionProperties region) {
        RegionProperties.Postgres pg = region.postgres();
        return "region " + region.name() + " (PostgreSQL " + pg.host() + ":" + pg.port() + "/" + pg.database() + ")";
    }

    private static HikariConfig hikariConfig(RegionProperties region) {
        RegionProperties.Postgres pg = region.postgres();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl(pg, pg.database()));
        config.setUsername(pg.username());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(pg.maxPoolSize());
        config.setMinimumIdle(Math.min(2, pg.maxPoolSize()));
        config.setPoolName(GeokvNames.connectionName(region.name(), ""));
        config.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS * 1000L);
        // Lets the driver turn a JDBC batch of inserts into multi-row statements (far fewer round trips).
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        config.addDataSourceProperty("ApplicationName", GeokvNames.connectionName(region.name(), ""));
        tls(pg).forEach(config::addDataSourceProperty);
        return config;
    }

    /**
     * Creates the database when it does not exist. The target database is tried first, so a
     * server where we may not connect to the maintenance database still works once it exists.
     */
    private static void ensureDatabase(RegionProperties region) {
        RegionProperties.Postgres pg = region.postgres();
        try (Connection ignored = connect(pg, pg.database())) {
            return;
        } catch (SQLException e) {
            if (!INVALID_CATALOG.equals(e.getSQLState())) {
                throw new StoreException(describe(region) + " is unreachable: " + e.getMessage(), e);
            }
        }
        try (Connection c = connect(pg, "postgres")) {
            if (exists(c, pg.database())) {
                return;
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + quoteIdentifier(pg.database()));
                log.info("region {}: created database {}", region.name(), pg.database());
            } catch (SQLException e) {
                // Another process (the gateway and the Streams app start together) created it first.
                if (!DUPLICATE_DATABASE.equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new StoreException(describe(region) + ": cannot create the database: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Connection connect(RegionProperties.Postgres pg, String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", pg.username());
        props.setProperty("password", pg.password());
        props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("ApplicationName", "geokv-bootstrap");
        props.putAll(tls(pg));
        return DriverManager.getConnection(jdbcUrl(pg, database), props);
    }

    /** The driver's TLS settings, when configured. */
    private static Map<String, String> tls(RegionProperties.Postgres pg) {
        Map<String, String> settings = new HashMap<>();
        if (pg.sslMode() != null) {
            settings.put("sslmode", pg.sslMode());
        }
        if (pg.sslRootCert() != null) {
            settings.put("sslrootcert", pg.sslRootCert());
        }
        return settings;
    }

    static String quoteIdentifier(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
