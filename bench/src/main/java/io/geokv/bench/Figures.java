package io.geokv.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

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

    /** A latency histogram recorded in microseconds, for up to a minute. */
    static Histogram latencyHistogram() {
        return new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    }

    /** p50, p99, p99.9, max and mean of a microsecond histogram, in milliseconds. */
    static Map<String, Object> latencies(Histogram micros) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50_ms", ms(micros.getValueAtPercentile(50)));
        m.put("p99_ms", ms(micros.getValueAtPercentile(99)));
        m.put("p999_ms", ms(micros.getValueAtPercentile(99.9)));
        m.put("max_ms", ms(micros.getMaxValue()));
        m.put("mean_ms", round(micros.getMean() / 1000.0, 3));
        return m;
    }

    private static double ms(long micros) {
        return round(micros / 1000.0, 3);
    }
}
