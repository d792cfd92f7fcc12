package io.geokv.store;

import io.geokv.store.config.RegionProperties;
import io.geokv.store.config.RegionsProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The stores of every configured region, in configuration order. */
public final class RegionStores implements AutoCloseable {

    private final Map<String, RegionStore> stores;

    private RegionStores(Map<String, RegionStore> stores) {
        this.stores = stores;
    }

    /**
     * Opens every region. If one fails, those already opened are closed again and the error
     * (which names the region) is thrown.
     */
    public static RegionStores open(RegionsProperties properties) {
        return open(properties, RegionStore::open);
    }

    /** Opens every region's read side only (see {@link RegionStore#openReadSide}). */
    public static RegionStores openReadSide(RegionsProperties properties) {
        return open(properties, RegionStore::openReadSide);
    }

    private static RegionStores open(RegionsProperties properties, Function<RegionProperties, RegionStore> opener) {
        Map<String, RegionStore> opened = new LinkedHashMap<>();
        try {
            for (RegionProperties region : properties.regions()) {
                opened.put(region.name(), opener.apply(region));
            }
        } catch (RuntimeException e) {
            closeAll(opened.values(), e);
            throw e;
        }
        return new RegionStores(opened);
    }

    /**
     * @throws IllegalArgumentException naming the valid regions when {@code region} is not configured
     */
    public RegionStore get(String region) {
        RegionStore store = stores.get(region);
        if (store == null) {
            throw RegionsProperties.unknownRegion(region, names());
        }
        return store;
    }

    /** Region names in configuration order. */
    public List<String> names() {
        return List.copyOf(stores.keySet());
    }

    /** All stores in configuration order. */
    public List<RegionStore> all() {
        return List.copyOf(stores.values());
    }

    @Override
    public void close() {
        RuntimeException failure = new RuntimeException("closing region stores failed");
        closeAll(stores.values(), failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeAll(Iterable<RegionStore> stores, Throwable collector) {
        for (RegionStore store : stores) {
            try {
                store.close();
            } catch (RuntimeException e) {
                collector.addSuppressed(e);
            }
        }
    }
}
