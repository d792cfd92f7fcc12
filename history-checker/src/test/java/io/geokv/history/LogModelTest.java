package io.geokv.history;

import static io.geokv.history.Ops.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LogModelTest {

    private static final KeyRef K = new KeyRef(Ops.TENANT, "k");
    private static final List<String> ORIGINS = List.of("a", "b", "c");

    @Test
    void anImmediateRedeliveryIsADuplicateButALaterOneIsCountedAgain() {
        KeyModel model = model(
                4,
                event("a", 0, "x", "k", Map.of(), "1"),
                event("a", 1, "x", "k", Map.of(), "1"),
                event("a", 2, "y", "k", Map.of(), "2"),
                event("a", 3, "x", "k", Map.of(), "1"));

        assertThat(model.fatesOf("x")).containsExactly(EventFate.COUNTED, EventFate.DUPLICATE, EventFate.COUNTED);
        assertThat(model.dotsOf("x")).containsExactly(new Dot("a", 1), new Dot("a", 3));
        assertThat(model.dotOf("y")).contains(new Dot("a", 2));
    }

    @Test
    void aContextClaimingItsOwnDotIsRefusedAndTheNextEventTakesThatDot() {
        KeyModel model =
                model(4, event("a", 0, "x", "k", Map.of("a", 1L), "1"), event("a", 1, "y", "k", Map.of("b", 5L), "2"));

        assertThat(model.fatesOf("x")).containsExactly(EventFate.REFUSED);
        assertThat(model.dotOf("x")).isEmpty();
        assertThat(model.dotOf("y")).contains(new Dot("a", 1));
        assertThat(model.siblingEventIds()).containsExactly("y");
    }

    @Test
    void aRepeatOfARefusedEventIsRefusedAgainNotADuplicate() {
        KeyModel model =
                model(4, event("a", 0, "x", "k", Map.of("a", 3L), "1"), event("a", 1, "x", "k", Map.of("a", 3L), "1"));

        assertThat(model.fatesOf("x")).containsExactly(EventFate.REFUSED, EventFate.REFUSED);
    }

    @Test
    void theLogIsOrderedByOffsetNotByListPosition() {
        KeyModel model = model(
                4, event("a", 5, "second", "k", Map.of("a", 1L), "2"), event("a", 1, "first", "k", Map.of(), "1"));

        assertThat(model.dotOf("first")).contains(new Dot("a", 1));
        assertThat(model.siblingEventIds()).containsExactly("second");
    }

    @Test
    void concurrentWritesOfDifferentOriginsAreAllSiblings() {
        KeyModel model = model(
                1,
                event("a", 0, "x", "k", Map.of(), "1"),
                event("b", 0, "y", "k", Map.of(), "2"),
                event("c", 0, "z", "k", Map.of("a", 1L), "3"));

        assertThat(model.siblingEventIds()).containsExactly("y", "z");
        assertThat(model.isCoveredOnlyByCap(new Dot("a", 1))).isFalse();
    }

    /**
     * Random logs of three origins, merged in two random interleavings, event by event as a region
     * would (removing the siblings each write covers): both give the siblings of the whole-log model,
     * and every counted dot is a sibling or covered, never both.
     */
    @Property(tries = 300)
    void interleavingDoesNotMatterAndEventByEventMergingAgrees(@ForAll long seed) {
        Random random = new Random(seed);
        int cap = 1 + random.nextInt(4);
        Map<String, List<LoggedEvent>> perOrigin = randomLogs(random);
        List<LoggedEvent> first = interleave(perOrigin, random);
        List<LoggedEvent> second = interleave(perOrigin, random);

        KeyModel model = LogModel.of(first, cap).key(K).orElseThrow();

        assertThat(LogModel.of(second, cap).key(K).orElseThrow().siblingEventIds())
                .isEqualTo(model.siblingEventIds());
        assertThat(eventByEvent(first, cap)).isEqualTo(new TreeSet<>(dots(model.siblings())));
        assertThat(eventByEvent(second, cap)).isEqualTo(new TreeSet<>(dots(model.siblings())));
        for (CountedEvent c : model.counted()) {
            boolean sibling = model.siblings().contains(c);
            assertThat(sibling).isNotEqualTo(model.isCovered(c.dot()));
        }
        long perOriginSiblings = ORIGINS.stream()
                .mapToLong(o -> model.siblings().stream()
                        .filter(s -> s.dot().origin().equals(o))
                        .count())
                .max()
                .orElse(0);
        assertThat(perOriginSiblings).isLessThanOrEqualTo(cap);
    }

    private static Map<String, List<LoggedEvent>> randomLogs(Random random) {
        Map<String, List<LoggedEvent>> perOrigin = new TreeMap<>();
        for (String origin : ORIGINS) {
            List<LoggedEvent> events = new ArrayList<>();
            int count = (origin.equals(ORIGINS.get(0)) ? 1 : 0) + random.nextInt(8);
            String previousId = null;
            for (int i = 0; i < count; i++) {
                Map<String, Long> context = new HashMap<>();
                for (String region : ORIGINS) {
                    if (random.nextInt(3) == 0) {
                        context.put(region, (long) random.nextInt(6));
                    }
                }
                boolean repeat = previousId != null && random.nextInt(5) == 0;
                String id = repeat ? previousId : origin + i;
                events.add(new LoggedEvent(origin, i, id, Ops.TENANT, "k", context, "v", i));
                previousId = id;
            }
            perOrigin.put(origin, events);
        }
        return perOrigin;
    }

    /** The origins' events in a random merge of their orders; the list itself is shuffled too. */
    private static List<LoggedEvent> interleave(Map<String, List<LoggedEvent>> perOrigin, Random random) {
        Map<String, Integer> next = new HashMap<>();
        List<LoggedEvent> merged = new ArrayList<>();
        List<String> remaining = new ArrayList<>(perOrigin.keySet());
        while (!remaining.isEmpty()) {
            String origin = remaining.get(random.nextInt(remaining.size()));
            int at = next.merge(origin, 1, Integer::sum) - 1;
            List<LoggedEvent> events = perOrigin.get(origin);
            if (at < events.size()) {
                merged.add(events.get(at));
            }
            if (at + 1 >= events.size()) {
                remaining.remove(origin);
            }
        }
        return merged;
    }

    /** A region's merge, one event at a time in arrival order, written independently of LogModel. */
    private static TreeSet<Dot> eventByEvent(List<LoggedEvent> arrivals, int cap) {
        Map<String, Long> counted = new HashMap<>();
        Map<String, String> lastIds = new HashMap<>();
        Map<String, Long> covered = new HashMap<>();
        TreeSet<Dot> siblings = new TreeSet<>();
        for (LoggedEvent e : arrivals) {
            if (e.eventId().equals(lastIds.get(e.origin()))) {
                continue;
            }
            long n = counted.getOrDefault(e.origin(), 0L) + 1;
            if (e.context().getOrDefault(e.origin(), 0L) >= n) {
                continue;
            }
            counted.put(e.origin(), n);
            lastIds.put(e.origin(), e.eventId());
            Map<String, Long> context = new HashMap<>(e.context());
            context.merge(e.origin(), n - cap, Math::max);
            siblings.removeIf(d -> context.getOrDefault(d.origin(), 0L) >= d.counter());
            context.forEach((r, c) -> covered.merge(r, c, Math::max));
            Dot dot = new Dot(e.origin(), n);
            if (covered.getOrDefault(dot.origin(), 0L) < dot.counter()) {
                siblings.add(dot);
            }
        }
        return siblings;
    }

    private static List<Dot> dots(List<CountedEvent> events) {
        return events.stream().map(CountedEvent::dot).toList();
    }

    private static KeyModel model(int cap, LoggedEvent... events) {
        return LogModel.of(List.of(events), cap).key(K).orElseThrow();
    }
}
