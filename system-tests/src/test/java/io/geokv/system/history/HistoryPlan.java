package io.geokv.system.history;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The shape of one history, drawn from its seed: a tenant of its own (so histories share one
 * deployment without seeing each other's keys), plain keys and counter keys, the clients and how long
 * they run.
 *
 * @param counters keys only ever written by conditional strong increments, after an initial {@code 0}
 * @param sessionClients how many of the {@code clients} use a session
 * @param cancelProbability how often a client gives up on a request after a few milliseconds
 */
record HistoryPlan(
        long seed,
        String tenant,
        List<String> keys,
        List<String> counters,
        int clients,
        int sessionClients,
        Duration duration,
        int maxThinkMillis,
        double cancelProbability) {

    static HistoryPlan draw(long seed, Duration duration) {
        Random random = new Random(seed);
        int keys = 3 + random.nextInt(4);
        int counters = 1 + random.nextInt(2);
        int clients = 4 + random.nextInt(3);
        return new HistoryPlan(
                seed,
                "h" + Long.toUnsignedString(seed, 36),
                IntStream.range(0, keys).mapToObj(i -> "k" + i).toList(),
                IntStream.range(0, counters).mapToObj(i -> "counter-" + i).toList(),
                clients,
                1 + random.nextInt(clients - 1),
                duration,
                10 + random.nextInt(30),
                0.03);
    }
}
