package io.geokv.conflict;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small model of the replication topology for one key: one log (topic) per origin region, and
 * regions that each read every origin's log in order, at their own pace, with redeliveries.
 */
final class Simulation {

    static final List<String> REGION_NAMES = List.of("ap-south", "eu-west", "us-east", "us-west");

    enum Kind {
        WRITE_CURRENT,
        WRITE_BLIND,
        WRITE_OLD,
        DELIVER,
        REDELIVER
    }

    /** One scheduled step; indexes are taken modulo the number of regions / choices. */
    record Op(Kind kind, int region, int origin, int pick, long timestamp, boolean delete) {}

    /** A generated run: number of regions, schedule, and the seed of the final delivery order. */
    record Scenario(int regionCount, List<Op> ops, long drainSeed) {}

    final List<String> regions;
    final List<List<Write>> topics = new ArrayList<>();
    final KeyState[] states;
    final int[][] cursor;
    final List<List<VersionVector>> seenContexts = new ArrayList<>();
    /** Every state any region went through, starting with the empty one. */
    final List<KeyState> reachable = new ArrayList<>();

    private final int siblingsPerOrigin;
    private int sequence;

    Simulation(int regionCount, int siblingsPerOrigin) {
        this.siblingsPerOrigin = siblingsPerOrigin;
        regions = REGION_NAMES.subList(0, regionCount);
        states = new KeyState[regionCount];
        cursor = new int[regionCount][regionCount];
        for (int i = 0; i < regionCount; i++) {
            topics.add(new ArrayList<>());
            states[i] = KeyState.empty();
            seenContexts.add(new ArrayList<>(List.of(VersionVector.empty())));
        }
        reachable.add(KeyState.empty());
    }

    /** Runs the schedule, then delivers everything left in an order drawn from the seed. */
    static Simulation run(Scenario scenario) {
        return run(scenario, Integer.MAX_VALUE);
    }

    /** {@link #run(Scenario)} where every region keeps at most {@code siblingsPerOrigin} per origin. */
    static Simulation run(Scenario scenario, int siblingsPerOrigin) {
        Simulation sim = runSchedule(scenario, siblingsPerOrigin);
        sim.drain(new Random(scenario.drainSeed()));
        return sim;
    }

    /** Runs the schedule only; some events may still be undelivered. */
    static Simulation runSchedule(Scenario scenario) {
        return runSchedule(scenario, Integer.MAX_VALUE);
    }

    private static Simulation runSchedule(Scenario scenario, int siblingsPerOrigin) {
        Simulation sim = new Simulation(scenario.regionCount(), siblingsPerOrigin);
        for (Op op : scenario.ops()) {
            sim.step(op);
        }
        return sim;
    }

    void step(Op op) {
        int n = regions.size();
        int r = Math.floorMod(op.region(), n);
        int o = Math.floorMod(op.origin(), n);
        switch (op.kind()) {
            case WRITE_CURRENT -> write(r, states[r].context(), op.delete(), op.timestamp());
            case WRITE_BLIND -> write(r, VersionVector.empty(), op.delete(), op.timestamp());
            case WRITE_OLD -> {
                List<VersionVector> seen = seenContexts.get(r);
                VersionVector old = seen.get(Math.floorMod(op.pick(), seen.size()));
                write(r, old, op.delete(), op.timestamp());
            }
            case DELIVER -> deliverNext(r, o);
            case REDELIVER -> redeliverLast(r, o);
        }
    }

    /** Region {@code r} accepts a client write; it is appended to r's log. */
    Write write(int r, VersionVector context, boolean delete, long timestamp) {
        int id = ++sequence;
        String origin = regions.get(r);
        // JSON arrays, so that the set union resolver has something to merge.
        byte[] value = delete ? null : ("[\"v" + id + "\"]").getBytes(StandardCharsets.UTF_8);
        String contentType = delete ? null : (id % 3 == 0 ? null : "text/plain");
        // Every fourth value expires, at one of a few instants (see EXPIRY_CHECKS of the properties).
        long expiresAt = id % 4 == 1 ? 100 + id % 7 : Sibling.NEVER;
        Write w = new Write(origin + "-e" + id, origin, context, value, contentType, timestamp, expiresAt);
        topics.get(r).add(w);
        return w;
    }

    boolean deliverNext(int r, int o) {
        List<Write> topic = topics.get(o);
        if (cursor[r][o] >= topic.size()) {
            return false;
        }
        receive(r, topic.get(cursor[r][o]++));
        return true;
    }

    void redeliverLast(int r, int o) {
        if (cursor[r][o] > 0) {
            receive(r, topics.get(o).get(cursor[r][o] - 1));
        }
    }

    private void receive(int r, Write w) {
        states[r] = states[r].receive(w, siblingsPerOrigin);
        seenContexts.get(r).add(states[r].context());
        reachable.add(states[r]);
    }

    void drain(Random random) {
        int n = regions.size();
        List<int[]> pending = new ArrayList<>();
        while (true) {
            pending.clear();
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < n; o++) {
                    if (cursor[r][o] < topics.get(o).size()) {
                        pending.add(new int[] {r, o});
                    }
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            int[] next = pending.get(random.nextInt(pending.size()));
            if (random.nextInt(8) == 0) {
                redeliverLast(next[0], next[1]);
            }
            deliverNext(next[0], next[1]);
        }
    }

    int eventCount() {
        return topics.stream().mapToInt(List::size).sum();
    }

    /** The dot every region assigns to the i-th event (from 0) of origin o. */
    Dot dotOf(int o, int i) {
        return new Dot(regions.get(o), i + 1);
    }
}
