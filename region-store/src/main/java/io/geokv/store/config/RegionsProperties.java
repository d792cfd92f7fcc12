package io.geokv.store.config;

import io.geokv.naming.GeokvNames;
import io.geokv.topics.RegionClusters;
import jakarta.validation.Valid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.validation.annotation.Validated;

/**
 * The configured regions (docs/product.md, 'Regions and topology': regions are configuration, not code).
 * <p>
 * Bound from {@code geokv.*}, e.g. {@code geokv.regions[0].name=us-east},
 * {@code geokv.database-prefix=geokv_test_}. Defaults are resolved here, in the constructor,
 * because a region's default database and Redis database depend on the prefix and on the
 * region's index; every consumer therefore sees fully-populated {@link RegionProperties}.
 *
 * @param regions            at least one region, unique names; default us-east, eu-west, asia-pac
 * @param databasePrefix     prefix of default database names; default {@code geokv_}
 * @param redisFirstDatabase Redis logical database of the first region (the n-th region uses
 *                           this plus n) when a region has no Redis URI; default 1, and 0 also
 *                           means "unset" (give a region an explicit URI to use database 0)
 * @param topology           where the regions' logs are: {@code single} (default: one Kafka cluster,
 *                           {@code spring.kafka.bootstrap-servers}, holds every region's topic) or
 *                           {@code multi} (each region has its own cluster,
 *                           {@code geokv.regions[i].kafka.bootstrap-servers}, mirrored to the others
 *                           by MirrorMaker 2)
 */
@ConfigurationProperties("geokv")
@Validated
public record RegionsProperties(
        @Valid List<RegionProperties> regions, String databasePrefix, int redisFirstDatabase, Topology topology) {

    /** Where the regions' logs are; see {@link RegionClusters}. */
    public enum Topology {
        SINGLE,
        MULTI
    }

    public static final String DEFAULT_DATABASE_PREFIX = "geokv_";
    public static final int DEFAULT_REDIS_FIRST_DATABASE = 1;

    @ConstructorBinding
    public RegionsProperties {
        if (redisFirstDatabase < 0) {
            throw new IllegalArgumentException("redis-first-database must not be negative: " + redisFirstDatabase);
        }
        databasePrefix = databasePrefix == null || databasePrefix.isBlank() ? DEFAULT_DATABASE_PREFIX : databasePrefix;
        redisFirstDatabase = redisFirstDatabase == 0 ? DEFAULT_REDIS_FIRST_DATABASE : redisFirstDatabase;
        List<RegionProperties> given = regions == null || regions.isEmpty()
                ? GeokvNames.DEFAULT_REGIONS.stream()
                        .map(RegionProperties::named)
                        .toList()
                : regions;
        List<RegionProperties> resolved = new ArrayList<>(given.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            RegionProperties region = given.get(i);
            if (region == null) {
                throw new IllegalArgumentException("region #" + i + " is not configured (no name)");
            }
            if (!seen.add(region.name())) {
                throw new IllegalArgumentException("region '" + region.name() + "' is configured twice");
            }
            resolved.add(region.withDefaults(databasePrefix, redisFirstDatabase + i));
        }
        GeokvNames.requireDistinguishable(
                resolved.stream().map(RegionProperties::name).toList());
        regions = List.copyOf(resolved);
        topology = topology == null ? Topology.SINGLE : topology;
        for (RegionProperties region : regions) {
            boolean ownCluster = region.kafkaBootstrapServers() != null;
            if (topology == Topology.MULTI && !ownCluster) {
                throw new IllegalArgumentException("geokv.topology is multi, but region '" + region.name()
                        + "' has no Kafka cluster of its own: set its kafka.bootstrap-servers");
            }
            if (topology == Topology.SINGLE && ownCluster) {
                throw new IllegalArgumentException("region '" + region.name()
                        + "' has Kafka bootstrap servers of its own, but geokv.topology is single:"
                        + " set geokv.topology=multi, or remove them to use spring.kafka.bootstrap-servers");
            }
        }
        clusters(regions, topology); // refuses regions that share a cluster in multi
    }

    /** Regions of the single topology. */
    public RegionsProperties(List<RegionProperties> regions, String databasePrefix, int redisFirstDatabase) {
        this(regions, databasePrefix, redisFirstDatabase, null);
    }

    /** The default topology: three regions on the local PostgreSQL and Redis. */
    public static RegionsProperties defaults() {
        return new RegionsProperties(null, null, 0);
    }

    /** Regions with only their names set, all other settings defaulted. */
    public static RegionsProperties of(String... names) {
        return new RegionsProperties(
                List.of(names).stream().map(RegionProperties::named).toList(), null, 0);
    }

    /** Which Kafka cluster holds each region's log. */
    public RegionClusters clusters() {
        return clusters(regions, topology);
    }

    private static RegionClusters clusters(List<RegionProperties> regions, Topology topology) {
        List<String> names = regions.stream().map(RegionProperties::name).toList();
        if (topology == Topology.SINGLE) {
            return RegionClusters.single(names);
        }
        Map<String, String> servers = new LinkedHashMap<>();
        regions.forEach(region -> servers.put(region.name(), region.kafkaBootstrapServers()));
        return RegionClusters.multi(servers);
    }

    /** Region names in configuration order. */
    public List<String> names() {
        return regions.stream().map(RegionProperties::name).toList();
    }

    /**
     * One region's settings.
     *
     * @throws IllegalArgumentException naming the valid regions when {@code name} is not one
     */
    public RegionProperties region(String name) {
        for (RegionProperties region : regions) {
            if (region.name().equals(name)) {
                return region;
            }
        }
        throw unknownRegion(name, names());
    }

    /** The one error message for an unknown region, shared with the per-region store registry. */
    public static IllegalArgumentException unknownRegion(String name, List<String> valid) {
        return new IllegalArgumentException(
                "unknown region '" + name + "'; valid regions: " + String.join(", ", valid));
    }
}
