package io.geokv.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;

/** Small helpers to turn measurements into report figures. */
final class Figures {

    private Figures() {}

    static double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return 0;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** count per second over nanos; 0 when nothing was timed. */
    static double perSecond(long count, long nanos) {
        return nanos <= 0 ? 0 : count * (double) TimeUnit.SECONDS.toNanos(1) / nanos;
    }

    static double ratio(double numerator, double denominator) {
        return denominator <= 0 ? 0 : numerator / denominator;
    }

    /** p50, p99, p99.9, max and mean latencies given in microseconds, as milliseconds. */
    static Map<String, Object> latencies(
            long p50Micros, long p99Micros, long p999Micros, long maxMicros, double meanMicros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50_ms", ms(p50Micros));
        m.put("p99_ms", ms(p99Micros));
        m.put("p999_ms", ms(p999Micros));
        m.put("max_ms", ms(maxMicros));
        m.put("mean_ms", round(meanMicros / 1000.0, 3));
        return m;
    }

    /** A percentile of latencies recorded in microseconds, in milliseconds (not rounded). */
    static double percentileMillis(AbstractHistogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    private static double ms(long micros) {
        return round(micros / 1000.0, 3);
    }
}
