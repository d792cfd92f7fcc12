package io.geokv.system;

import io.geokv.topics.RegionClusters;
import java.util.Collection;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.context.ApplicationContext;

/** The admin clients of a gateway's Kafka clusters (one in the single topology the tests use). */
public final class Admins {

    private Admins() {}

    /** The admin client of the gateway's first region's cluster. */
    public static Admin of(ApplicationContext gateway) {
        RegionClusters.PerCluster<Admin> admins = perCluster(gateway);
        return admins.clients().iterator().next();
    }

    /** Every admin client of the gateway. */
    public static Collection<Admin> all(ApplicationContext gateway) {
        return perCluster(gateway).clients();
    }

    @SuppressWarnings("unchecked")
    private static RegionClusters.PerCluster<Admin> perCluster(ApplicationContext gateway) {
        return gateway.getBean(RegionClusters.PerCluster.class);
    }
}
