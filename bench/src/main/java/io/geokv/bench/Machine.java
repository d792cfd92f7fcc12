package io.geokv.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a run was measured on. */
record Machine(int cores, long memoryBytes, String javaVersion, String os) {

    static Machine current() {
        long memory = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                memory,
                System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /** The 1-minute load average (other processes included), rounded; -1 where the OS does not tell. */
    static double loadAverage() {
        return Figures.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", cores);
        m.put("memory_bytes", memoryBytes);
        m.put("java_version", javaVersion);
        m.put("os", os);
        return m;
    }
}
