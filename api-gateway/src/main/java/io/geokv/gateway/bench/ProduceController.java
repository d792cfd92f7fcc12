package io.geokv.gateway.bench;

import io.geokv.conflict.HybridLogicalClock;
import io.geokv.conflict.VersionVector;
import io.geokv.event.KvEvents;
import io.geokv.gateway.events.EventPublisher;
import io.geokv.gateway.web.GeokvHeaders;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code PUT /bench/produce/{key}}: the least a gateway could do for a write, the bench's raw write
 * reference. It produces the same Avro event as {@code PUT /kv/{key}}, with the same producer, and
 * answers 200 once Kafka has it; without routing, checks, tokens, the read of the key's state or
 * sessions. Served only with {@code geokv.gateway.bench-endpoints=true}, which only {@code
 * scripts/bench.sh} sets: it writes to any region's topic without any check.
 */
@RestController
@ConditionalOnProperty(name = "geokv.gateway.bench-endpoints", havingValue = "true")
class ProduceController {

    private static final String TENANT = "bench";

    private final EventPublisher publisher;
    private final HybridLogicalClock clock;

    ProduceController(EventPublisher publisher, HybridLogicalClock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    @PutMapping(value = "/bench/produce/{key}", produces = "text/plain")
    Mono<String> produce(
            @PathVariable String key,
            @RequestHeader(GeokvHeaders.REGION) String region,
            @RequestBody(required = false) byte[] value) {
        String eventId = UUID.randomUUID().toString();
        return publisher
                .publish(KvEvents.newEvent(
                        eventId,
                        TENANT,
                        key,
                        value == null ? new byte[0] : value,
                        "application/octet-stream",
                        region,
                        VersionVector.empty(),
                        clock.tick()))
                .thenReturn(eventId);
    }
}
