package io.geokv.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.geokv.conflict.Simulation.Kind;
import io.geokv.conflict.Simulation.Op;
import io.geokv.conflict.Simulation.Scenario;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/** The four properties of the conflict contract, plus digest and codec properties. */
class ConflictModelProperties {

    private static final int TRIES = 300;
    /** Instants before, among and after the simulation's expiries. */
    private static final long[] EXPIRY_CHECKS = {0, 103, 1_000};

    private static final List<SiblingResolver> POLICIES =
            List.of(new LastWriterWins(), new KeepSiblings(), new JsonSetUnion());

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Kind> kinds = Arbitraries.frequency(
                Tuple.of(4, Kind.WRITE_CURRENT),
                Tuple.of(1, Kind.WRITE_BLIND),
                Tuple.of(1, Kind.WRITE_OLD),
                Tuple.of(6, Kind.DELIVER),
                Tuple.of(1, Kind.REDELIVER));
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 63);
        // A small timestamp range makes last-writer-wins ties frequent.
        Arbitrary<Long> timestamps = Arbitraries.longs().between(0, 6);
        Arbitrary<Op> ops = Combinators.combine(
                        kinds, index, index, index, timestamps, Arbitraries.of(true, false, false))
                .as(Op::new);
        return Combinators.combine(
                        Arbitraries.integers().between(2, 4), ops.list().ofMaxSize(40), Arbitraries.longs())
                .as(Scenario::new);
    }

    // ---------------------------------------------------------------- 1. convergence

    @Property(tries = TRIES)
    void everyInterleavingConvergesToTheSameBytes(@ForAll("scenarios") Scenario scenario) {
        Simulation sim = Simulation.run(scenario);
        KeyState first = sim.states[0];
        for (KeyState s : sim.states) {
            assertThat(s).isEqualTo(first);
            assertThat(s.digest()).isEqualTo(first.digest());
            assertThat(KeyStateCodec.encode(s)).isEqualTo(KeyStateCodec.encode(first));
            assertThat(LastWriterWins.winner(s.siblings())).isEqualTo(LastWriterWins.winner(first.siblings()));
            for (SiblingResolver policy : POLICIES) {
                assertThat(policy.resolve(s.siblings())).isEqualTo(policy.resolve(first.siblings()));
                for (long instant : EXPIRY_CHECKS) {
                    assertThat(policy.resolve(s.visibleAt(instant).siblings()))
                            .isEqualTo(policy.resolve(first.visibleAt(instant).siblings()));
                }
            }
        }
        assertThat(KeyStateCodec.decode(KeyStateCodec.encode(first))).isEqualTo(first);
        assertThat(first.version()).isEqualTo(sim.eventCount());
        assertMatchesOracle(sim, first);
        Statistics.label("siblings").collect(Math.min(first.siblings().size(), 3));
    }

    /** Survivors are exactly the events whose dot no event's context covers. */
    private static void assertMatchesOracle(Simulation sim, KeyState state) {
        VersionVector allContexts = VersionVector.empty();
        Map<String, Long> counts = new HashMap<>();
        for (int o = 0; o < sim.regions.size(); o++) {
            counts.put(sim.regions.get(o), (long) sim.topics.get(o).size());
            for (Write w : sim.topics.get(o)) {
                allContexts = allContexts.join(w.context());
            }
        }
        List<Sibling> expected = new ArrayList<>();
        for (int o = 0; o < sim.regions.size(); o++) {
            List<Write> topic = sim.topics.get(o);
            for (int i = 0; i < topic.size(); i++) {
                Dot dot = sim.dotOf(o, i);
                Write w = topic.get(i);
                if (!allContexts.covers(dot)) {
                    expected.add(
                            new Sibling(dot, w.eventId(), w.value(), w.contentType(), w.timestamp(), w.expiresAt()));
                }
            }
        }
        expected.sort((a, b) -> a.dot().compareTo(b.dot()));
        assertThat(state.applied()).isEqualTo(VersionVector.of(counts));
        assertThat(state.covered()).isEqualTo(allContexts);
        assertThat(state.siblings()).isEqualTo(expected);
    }

    /** The set union keeps every element of every concurrent value, whatever the interleaving. */
    @Property(tries = TRIES)
    void theSetUnionKeepsEveryConcurrentElement(@ForAll("scenarios") Scenario scenario) {
        KeyState state = Simulation.run(scenario).states[0];
        List<Sibling> live = SiblingResolver.live(state.siblings());
        Resolution resolution = new JsonSetUnion().resolve(state.siblings());
        if (live.isEmpty()) {
            assertThat(resolution).isEqualTo(Resolution.ABSENT);
            return;
        }
        assertThat(resolution).isInstanceOf(Resolution.Value.class);
        String union = new String(((Resolution.Value) resolution).value(), StandardCharsets.UTF_8);
        for (Sibling sibling : live) {
            String element = new String(sibling.value(), StandardCharsets.UTF_8).replaceAll("^\\[|\\]$", "");
            assertThat(union).contains(element);
        }
    }

    /** A strong read merges regions' states: the merge is the state of every event either had applied. */
    @Property(tries = TRIES)
    void mergingTwoRegionsStatesIsReceivingTheEventsOfBoth(
            @ForAll("scenarios") Scenario scenario, @ForAll int firstPick, @ForAll int secondPick) {
        Simulation sim = Simulation.runSchedule(scenario);
        int a = Math.floorMod(firstPick, sim.regions.size());
        int b = Math.floorMod(secondPick, sim.regions.size());
        KeyState expected = KeyState.empty();
        for (int o = 0; o < sim.regions.size(); o++) {
            int delivered = Math.max(sim.cursor[a][o], sim.cursor[b][o]);
            for (Write w : sim.topics.get(o).subList(0, delivered)) {
                expected = expected.receive(w);
            }
        }
        KeyState merged = sim.states[a].merge(sim.states[b]);
        assertThat(merged).isEqualTo(expected);
        assertThat(sim.states[b].merge(sim.states[a])).isEqualTo(merged);
        assertThat(KeyStateCodec.encode(merged)).isEqualTo(KeyStateCodec.encode(expected));
    }

    // ---------------------------------------------------------------- 2. causality

    @Property(tries = TRIES)
    void aWriteCoveringTheStateContextLeavesOnlyItself(
            @ForAll("scenarios") Scenario scenario,
            @ForAll int statePick,
            @ForAll int originPick,
            @ForAll boolean delete,
            @ForAll("extraContexts") Map<String, Long> extra) {
        Simulation sim = Simulation.runSchedule(scenario);
        KeyState s = sim.reachable.get(Math.floorMod(statePick, sim.reachable.size()));
        String origin = pick(freshOrigins(sim, s), originPick);

        VersionVector context = s.context().join(VersionVector.of(without(extra, origin)));
        Write w = new Write("client-write", origin, context, delete ? null : new byte[] {42}, null, 7);
        KeyState after = s.receive(w);

        Dot expectedDot = new Dot(origin, s.applied().get(origin) + 1);
        assertThat(after.siblings()).singleElement().satisfies(only -> {
            assertThat(only.dot()).isEqualTo(expectedDot);
            assertThat(only.eventId()).isEqualTo("client-write");
            assertThat(only.isTombstone()).isEqualTo(delete);
        });
        assertThat(after.context().dominates(s.context())).isTrue();
        assertThat(after.version()).isEqualTo(s.version() + 1);
    }

    // ---------------------------------------------------------------- 3. concurrency

    @Property(tries = TRIES)
    void writesThatHaveNotSeenEachOtherAreBothKept(
            @ForAll("scenarios") Scenario scenario,
            @ForAll int statePick,
            @ForAll int originPick,
            @ForAll @IntRange(min = 1, max = 7) int otherOffset,
            @ForAll @IntRange(min = 0, max = 3) int contextA,
            @ForAll @IntRange(min = 0, max = 3) int contextB,
            @ForAll("extraContexts") Map<String, Long> extra,
            @ForAll boolean deleteA,
            @ForAll boolean deleteB) {
        Simulation sim = Simulation.runSchedule(scenario);
        KeyState s = sim.reachable.get(Math.floorMod(statePick, sim.reachable.size()));
        List<String> origins = freshOrigins(sim, s);
        int ia = Math.floorMod(originPick, origins.size());
        int ib = (ia + otherOffset % origins.size()) % origins.size();
        if (ia == ib) {
            ib = (ia + 1) % origins.size();
        }
        String a = origins.get(ia);
        String b = origins.get(ib);
        VersionVector extraV = VersionVector.of(without(without(extra, a), b));

        Write wa = new Write("wa", a, contextFrom(s, contextA).join(extraV), deleteA ? null : new byte[] {1}, "x/a", 5);
        Write wb = new Write("wb", b, contextFrom(s, contextB).join(extraV), deleteB ? null : new byte[] {2}, "x/b", 5);

        KeyState ab = s.receive(wa).receive(wb);
        KeyState ba = s.receive(wb).receive(wa);

        assertThat(ab).isEqualTo(ba);
        assertThat(ab.digest()).isEqualTo(ba.digest());
        assertThat(ab.siblings()).extracting(Sibling::eventId).contains("wa", "wb");
        Dot da = new Dot(a, s.applied().get(a) + 1);
        Dot db = new Dot(b, s.applied().get(b) + 1);
        assertThat(ab.siblings()).extracting(Sibling::dot).contains(da, db);
        assertThat(LastWriterWins.winner(ab.siblings())).isEqualTo(LastWriterWins.winner(ba.siblings()));
    }

    /** A context that cannot cover the next dot of a fresh origin of {@code s}. */
    private static VersionVector contextFrom(KeyState s, int which) {
        return switch (which) {
            case 0 -> s.context();
            case 1 -> s.applied();
            case 2 -> s.covered();
            default -> VersionVector.empty();
        };
    }

    // ---------------------------------------------------------------- 4. idempotency

    @Property(tries = TRIES)
    void applyingOrReceivingTwiceIsApplyingOnce(
            @ForAll("scenarios") Scenario scenario,
            @ForAll int statePick,
            @ForAll int originPick,
            @ForAll @IntRange(min = 0, max = 3) int counterOffset,
            @ForAll("extraContexts") Map<String, Long> context,
            @ForAll boolean delete) {
        Simulation sim = Simulation.runSchedule(scenario);
        KeyState s = sim.reachable.get(Math.floorMod(statePick, sim.reachable.size()));
        String origin = pick(sim.regions, originPick);
        Write w = new Write("dup", origin, VersionVector.of(context), delete ? null : new byte[] {9, 9}, "a/b", 3);

        Dot dot = new Dot(origin, Math.max(1, s.applied().get(origin) + 1 - counterOffset));
        KeyState once = s.apply(dot, w);
        assertThat(once.apply(dot, w)).isEqualTo(once);
        assertThat(once.apply(dot, w).digest()).isEqualTo(once.digest());

        Write receivable = new Write(
                "dup", origin, VersionVector.of(without(context, origin)), delete ? null : new byte[] {9, 9}, "a/b", 3);
        KeyState received = s.receive(receivable);
        assertThat(received.receive(receivable)).isEqualTo(received);
        assertThat(received.receive(receivable).version()).isEqualTo(s.version() + 1);
    }

    /**
     * A context taken from another key (any counters at all) cannot hide a write: the merge either
     * refuses the write, or the write is a sibling once received, with or without the sibling limit.
     */
    @Property(tries = TRIES)
    void aForeignContextNeverHidesTheWriteItCarries(
            @ForAll("scenarios") Scenario scenario,
            @ForAll int originPick,
            @ForAll("foreignContexts") Map<String, Long> foreign,
            @ForAll @IntRange(min = 1, max = 3) int siblingsPerOrigin,
            @ForAll boolean delete) {
        Simulation sim = Simulation.run(scenario);
        KeyState s = sim.states[0];
        String origin = pick(sim.regions, originPick);
        Write w = new Write(
                "foreign-context", origin, VersionVector.of(foreign), delete ? null : new byte[] {7}, null, 11);
        Dot dot = new Dot(origin, s.applied().get(origin) + 1);

        Optional<String> refusal = s.causalityViolation(w);
        Statistics.label("refused").collect(refusal.isPresent());
        if (refusal.isPresent()) {
            assertThat(foreign.getOrDefault(origin, 0L)).isGreaterThanOrEqualTo(dot.counter());
            assertThatThrownBy(() -> s.receive(w)).hasMessage(refusal.get());
            return;
        }
        for (KeyState after : List.of(s.receive(w), s.receive(w, siblingsPerOrigin))) {
            assertThat(after.siblings()).extracting(Sibling::dot).contains(dot);
        }
    }

    @Provide
    Arbitrary<Map<String, Long>> foreignContexts() {
        return Arbitraries.maps(
                        Arbitraries.of(Simulation.REGION_NAMES),
                        Arbitraries.longs().between(0, 12))
                .ofMaxSize(4);
    }

    /** The sibling limit holds in every reachable state, and every region still converges. */
    @Property(tries = TRIES)
    void theSiblingLimitBoundsEveryStateAndKeepsConvergence(
            @ForAll("scenarios") Scenario scenario, @ForAll @IntRange(min = 1, max = 3) int siblingsPerOrigin) {
        Simulation sim = Simulation.run(scenario, siblingsPerOrigin);
        KeyState first = sim.states[0];
        for (KeyState s : sim.states) {
            assertThat(s).isEqualTo(first);
        }
        for (KeyState s : sim.reachable) {
            assertThat(s.siblings()).hasSizeLessThanOrEqualTo(siblingsPerOrigin * sim.regions.size());
            for (String region : sim.regions) {
                assertThat(s.siblings().stream().filter(x -> x.dot().region().equals(region)))
                        .hasSizeLessThanOrEqualTo(siblingsPerOrigin);
            }
        }
    }

    // ---------------------------------------------------------------- 5. digest and codec

    @Property(tries = TRIES)
    void digestsAreEqualExactlyWhenStatesAre(@ForAll("scenarios") Scenario scenario, @ForAll int i, @ForAll int j) {
        Simulation sim = Simulation.runSchedule(scenario);
        KeyState a = sim.reachable.get(Math.floorMod(i, sim.reachable.size()));
        KeyState b = sim.reachable.get(Math.floorMod(j, sim.reachable.size()));

        assertThat(Arrays.equals(a.digest(), b.digest())).isEqualTo(a.equals(b));
        assertThat(Arrays.equals(KeyStateCodec.encode(a), KeyStateCodec.encode(b)))
                .isEqualTo(a.equals(b));
        if (a.equals(b)) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
        KeyState decoded = KeyStateCodec.decode(KeyStateCodec.encode(a));
        assertThat(decoded).isEqualTo(a);
        assertThat(decoded.digest()).isEqualTo(a.digest());
        Statistics.label("pair").collect(a.equals(b) ? "equal" : "different");
        Statistics.label("pair").coverage(c -> {
            c.check("equal").count(n -> n > 0);
            c.check("different").count(n -> n > 0);
        });
    }

    @Property(tries = TRIES)
    void corruptedEncodingsFailCleanlyOrAreCanonical(
            @ForAll("scenarios") Scenario scenario,
            @ForAll int statePick,
            @ForAll int position,
            @ForAll byte replacement,
            @ForAll @IntRange(min = 0, max = 2) int mutation) {
        Simulation sim = Simulation.runSchedule(scenario);
        KeyState s = sim.reachable.get(Math.floorMod(statePick, sim.reachable.size()));
        byte[] bytes = KeyStateCodec.encode(s);
        int at = Math.floorMod(position, bytes.length);
        byte[] corrupted = switch (mutation) {
            case 0 -> {
                byte[] c = bytes.clone();
                c[at] = replacement;
                yield c;
            }
            case 1 -> Arrays.copyOf(bytes, at);
            default -> {
                byte[] c = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, c, 0, at);
                c[at] = replacement;
                System.arraycopy(bytes, at, c, at + 1, bytes.length - at);
                yield c;
            }
        };
        assertDecodesCanonicallyOrRejects(corrupted);
        if (mutation == 1) {
            assertThatThrownBy(() -> KeyStateCodec.decode(corrupted)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = TRIES)
    void arbitraryBytesFailCleanlyOrAreCanonical(@ForAll byte[] bytes) {
        assertDecodesCanonicallyOrRejects(bytes);
    }

    private static void assertDecodesCanonicallyOrRejects(byte[] bytes) {
        KeyState decoded;
        try {
            decoded = KeyStateCodec.decode(bytes);
        } catch (IllegalArgumentException expected) {
            assertThat(expected).hasMessageStartingWith("malformed key state encoding");
            return;
        }
        assertThat(KeyStateCodec.encode(decoded)).isEqualTo(bytes);
    }

    @Property(tries = TRIES)
    void contextTokensRoundTripAndRejectEverythingElse(
            @ForAll("extraContexts") Map<String, Long> counters, @ForAll String garbage) {
        VersionVector v = VersionVector.of(counters);
        String token = ContextTokens.encode(v);
        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(ContextTokens.decode(token)).isEqualTo(v);

        Optional<VersionVector> decoded;
        try {
            decoded = Optional.of(ContextTokens.decode(garbage));
        } catch (IllegalArgumentException expected) {
            assertThat(expected).hasMessageStartingWith("malformed context token");
            decoded = Optional.empty();
        }
        decoded.ifPresent(d -> assertThat(ContextTokens.encode(d)).isEqualTo(garbage));
    }

    // ---------------------------------------------------------------- helpers

    @Provide
    Arbitrary<Map<String, Long>> extraContexts() {
        return Arbitraries.maps(
                        Arbitraries.of("ap-south", "eu-west", "us-east", "us-west", "zz-other"),
                        Arbitraries.longs().between(0, 5))
                .ofMaxSize(3);
    }

    /**
     * Origins whose next dot in {@code s} is not yet covered, i.e. that may legitimately emit a
     * new event seen after {@code s}; two never-seen regions are always among them.
     */
    private static List<String> freshOrigins(Simulation sim, KeyState s) {
        List<String> origins = new ArrayList<>();
        for (String r : sim.regions) {
            if (s.covered().get(r) <= s.applied().get(r)) {
                origins.add(r);
            }
        }
        origins.add("zz-new-1");
        origins.add("zz-new-2");
        return origins;
    }

    private static Map<String, Long> without(Map<String, Long> map, String key) {
        Map<String, Long> copy = new TreeMap<>(map);
        copy.remove(key);
        return copy;
    }

    private static String pick(List<String> list, int index) {
        return list.get(Math.floorMod(index, list.size()));
    }
}
