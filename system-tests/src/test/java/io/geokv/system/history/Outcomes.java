package io.geokv.system.history;

import io.geokv.conflict.KeyState;
import io.geokv.conflict.LastWriterWins;
import io.geokv.conflict.Sibling;
import io.geokv.event.KvEventCodec;
import io.geokv.event.avro.ContextEntry;
import io.geokv.event.avro.KvEvent;
import io.geokv.gateway.web.GeokvHeaders;
import io.geokv.history.FinalState;
import io.geokv.history.LoggedEvent;
import io.geokv.naming.GeokvNames;
import io.geokv.position.EventPartition;
import io.geokv.position.LogPositions;
import io.geokv.progress.TopicOffsets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What a history left behind, collected once replication has quiesced: its part of the event log,
 * read back from Kafka, and every region's final state of every key the log mentions.
 */
final class Outcomes {

    private final HistoryDeployment deployment;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    Outcomes(HistoryDeployment deployment) {
        this.deployment = deployment;
    }

    /** The tenant's events between {@code from} and {@code to}, per partition in log order. */
    List<LoggedEvent> log(String tenant, LogPositions from, LogPositions to) {
        List<LoggedEvent> log = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = deployment.consumer()) {
            for (Map.Entry<EventPartition, Long> end : to.asMap().entrySet()) {
                TopicPartition partition = TopicOffsets.kafka(end.getKey());
                long position = from.next(end.getKey());
                if (position >= end.getValue()) {
                    continue;
                }
                consumer.assign(List.of(partition));
                consumer.seek(partition, position);
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (consumer.position(partition) < end.getValue()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cannot read " + partition + " up to " + end.getValue());
                    }
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.offset() < end.getValue()) {
                            loggedEvent(tenant, record).ifPresent(log::add);
                        }
                    }
                }
            }
        }
        return log;
    }

    private static Optional<LoggedEvent> loggedEvent(String tenant, ConsumerRecord<byte[], byte[]> record) {
        KvEvent event = KvEventCodec.shared().decode(record.value());
        if (!event.getTenant().equals(tenant)) {
            return Optional.empty();
        }
        Map<String, Long> context = new LinkedHashMap<>();
        for (ContextEntry entry : event.getContext().getEntries()) {
            context.put(entry.getRegion(), entry.getCounter());
        }
        ByteBuffer value = event.getValue();
        String text = null;
        if (value != null) {
            byte[] bytes = new byte[value.remaining()];
            value.duplicate().get(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return Optional.of(new LoggedEvent(
                GeokvNames.regionOfEventTopic(record.topic()).orElseThrow(),
                record.offset(),
                event.getEventId(),
                event.getTenant(),
                event.getKey(),
                context,
                text,
                event.getOriginTimestamp()));
    }

    /**
     * Every region's state of every key of {@code log}: its siblings from PostgreSQL and what a read in
     * that region shows. The read is retried for a few seconds while it disagrees with the region's own
     * state, since the sink writes Redis just after PostgreSQL; what it last showed is recorded.
     */
    List<FinalState> finalStates(String tenant, List<LoggedEvent> log, int gatewayPort) throws InterruptedException {
        Set<String> keys = new TreeSet<>();
        log.forEach(e -> keys.add(e.key()));
        List<FinalState> states = new ArrayList<>();
        for (String region : HistoryDeployment.REGIONS) {
            for (String key : keys) {
                KeyState state = deployment
                        .stores()
                        .get(region)
                        .reader()
                        .find(tenant, key)
                        .block(Duration.ofSeconds(30));
                List<String> siblings = state == null
                        ? List.of()
                        : state.siblings().stream().map(Sibling::eventId).toList();
                String expected = state == null
                        ? null
                        : LastWriterWins.winner(state.siblings())
                                .filter(winner -> !winner.isTombstone())
                                .map(winner -> new String(winner.value(), StandardCharsets.UTF_8))
                                .orElse(null);
                String visible = visibleValue(gatewayPort, region, tenant, key);
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!Objects.equals(visible, expected) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    visible = visibleValue(gatewayPort, region, tenant, key);
                }
                states.add(new FinalState(region, tenant, key, siblings, visible));
            }
        }
        return states;
    }

    private String visibleValue(int port, String region, String tenant, String key) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/regions/" + region + "/kv/" + key))
                .header(GeokvHeaders.TENANT, tenant)
                .timeout(Duration.ofSeconds(15))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return switch (response.statusCode()) {
                case 200 -> response.body();
                case 404 -> null;
                default -> "<" + response.statusCode() + ">";
            };
        } catch (IOException e) {
            return "<no answer>";
        }
    }

    /** Each region's digest of its whole state. */
    Map<String, String> digests() {
        Map<String, String> digests = new LinkedHashMap<>();
        for (String region : HistoryDeployment.REGIONS) {
            digests.put(
                    region,
                    deployment
                            .stores()
                            .get(region)
                            .reader()
                            .digest()
                            .block(Duration.ofSeconds(60))
                            .sha256());
        }
        return digests;
    }
}
