package io.geokv.store.cache;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.StatefulRedisConnectionImpl;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link NearCache} in step with the Redis connection its reads go through: turns
 * {@code CLIENT TRACKING} on (again after every reconnect: Redis keeps tracking per connection),
 * arms the near cache once Redis has acknowledged it, applies the invalidations Redis pushes, and
 * disarms it when the link is lost or stalls. Tracking needs RESP3 (Redis 6 or later): over RESP2
 * Redis would accept {@code CLIENT TRACKING ON} but could not push invalidations on the same
 * connection, so the near cache then stays off.
 */
final class InvalidationTracking {

    private static final Logger log = LoggerFactory.getLogger(InvalidationTracking.class);

    private final String region;
    private final NearCache nearCache;
    private volatile boolean unsupported;

    InvalidationTracking(String region, NearCache nearCache) {
        this.region = region;
        this.nearCache = nearCache;
    }

    /** Follows a connection just made, before any read goes through it. */
    void follow(StatefulRedisConnection<byte[], byte[]> connection) {
        connection.addListener(this::onPush);
        connection.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                nearCache.disarm();
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                track(connection);
            }
        });
        track(connection);
    }

    /** The link may have lost invalidations (a command timed out, a ping failed). */
    void stalled() {
        nearCache.disarm();
    }

    /** The link answers: tracking is turned on again if it was disarmed while the link stayed up. */
    void answered(StatefulRedisConnection<byte[], byte[]> connection) {
        if (!nearCache.armed()) {
            track(connection);
        }
    }

    private void track(StatefulRedisConnection<byte[], byte[]> connection) {
        if (unsupported) {
            return;
        }
        if (!speaksResp3(connection)) {
            unsupported = true;
            log.warn("region {}: Redis does not speak RESP3, so the near cache stays off", region);
            return;
        }
        connection.async().clientTracking(TrackingArgs.Builder.enabled()).whenComplete((answer, error) -> {
            if (error == null && "OK".equals(answer)) {
                nearCache.arm();
            } else if (error instanceof RedisCommandExecutionException refused) {
                // The server refuses the command (an ACL, a proxy without it): it will not change its mind.
                unsupported = true;
                log.warn(
                        "region {}: Redis refused CLIENT TRACKING, so the near cache stays off: {}",
                        region,
                        refused.getMessage());
            } else {
                log.debug(
                        "region {}: turning CLIENT TRACKING on failed, near cache off for now: {}",
                        region,
                        String.valueOf(error));
            }
        });
    }

    private static boolean speaksResp3(StatefulRedisConnection<byte[], byte[]> connection) {
        return connection instanceof StatefulRedisConnectionImpl<?, ?> impl
                && impl.getConnectionState().getNegotiatedProtocolVersion() == ProtocolVersion.RESP3;
    }

    /** {@code ["invalidate", [key, ...]]}, or {@code ["invalidate", null]} when every key changed (a flush). */
    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent(StringCodec.UTF8::decodeKey);
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (keys instanceof List<?> list) {
            List<String> redisKeys = new ArrayList<>(list.size());
            for (Object key : list) {
                redisKeys.add(String.valueOf(key));
            }
            nearCache.invalidate(redisKeys);
        } else {
            nearCache.invalidateAll();
        }
    }
}
