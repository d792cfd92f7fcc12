package io.geokv.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code PUT /kv/<prefix><i>} of the bench tenant at a constant offered rate, open loop in wrk2's
 * model: write i is due at its intended time {@code i / rate} whatever the answers before it, and
 * its latency runs from that time (no coordinated omission). Write i goes to region {@code
 * regions[i % R]}.
 *
 * <p>The writes are spread over C keep-alive connections (the bench's {@code --connections}), write
 * i on connection {@code i % C}, all driven by one Netty event loop: a connection sends its next
 * write when that write is due and its previous one is answered, so when the gateway falls behind
 * the writes queue up on their connections and their latency from the intended time grows. The
 * generator must cost little CPU, because it shares the machine with what it measures: the JDK's
 * HTTP client, used before, opened a connection per request in flight and took a large share of the
 * two cores itself.
 */
final class OpenLoopWrites {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final long HISTOGRAM_MAX_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);

    /** What was sent and answered; the latency histogram is in microseconds. */
    record Result(long offered, long acknowledged, long errors, long nanos, Histogram latency) {
        double achievedRate() {
            return Figures.perSecond(acknowledged, nanos);
        }
    }

    private final BenchSettings s;

    OpenLoopWrites(BenchSettings settings) {
        this.s = settings;
    }

    /** The region write {@code i} goes to. */
    String region(long i) {
        return s.regions().get((int) (i % s.regions().size()));
    }

    /**
     * Sends writes at {@code rate} per second for {@code duration}, or until {@code stop} says so;
     * returns once every write sent has been answered (or has timed out).
     */
    Result run(String prefix, int rate, Duration duration, BooleanSupplier stop) throws InterruptedException {
        URI gateway = URI.create(s.gatewayUrl());
        byte[] value = WriteScenario.body(s.valueSize()).getBytes(StandardCharsets.US_ASCII);
        long n = rate * duration.toSeconds();
        int connections = (int) Math.max(1, Math.min(s.connections(), n));
        Run run = new Run(gateway, prefix, value, rate, n, connections, stop);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .remoteAddress(gateway.getHost(), gateway.getPort());
            for (int c = 0; c < connections; c++) {
                new Connection(run, bootstrap, c).connect();
            }
            long bound = duration.toNanos() + 2 * REQUEST_TIMEOUT.toNanos() + TimeUnit.MINUTES.toNanos(1);
            if (!run.finished.await(bound, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("the writes did not finish in time");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        return new Result(
                run.offered.get(),
                run.acknowledged.get(),
                run.errors.get(),
                run.lastAnswerNanos.get() - run.t0,
                run.latency.getIntervalHistogram());
    }

    /** One run's shared state: its schedule and what came back. */
    private final class Run {
        final URI gateway;
        final String prefix;
        final byte[] value;
        final int rate;
        final long n;
        final int connections;
        final BooleanSupplier stop;
        final long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        final Recorder latency = new Recorder(HISTOGRAM_MAX_MICROS, 3);
        final AtomicLong offered = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong lastAnswerNanos = new AtomicLong(t0);
        final CountDownLatch finished;

        Run(URI gateway, String prefix, byte[] value, int rate, long n, int connections, BooleanSupplier stop) {
            this.gateway = gateway;
            this.prefix = prefix;
            this.value = value;
            this.rate = rate;
            this.n = n;
            this.connections = connections;
            this.stop = stop;
            this.finished = new CountDownLatch(connections);
        }

        long due(long i) {
            return t0 + (long) (i * 1e9 / rate);
        }

        FullHttpRequest request(long i) {
            ByteBuf body = Unpooled.wrappedBuffer(value);
            FullHttpRequest put =
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/kv/" + prefix + i, body);
            put.headers()
                    .set(HttpHeaderNames.HOST, gateway.getAuthority())
                    .set("X-Region", region(i))
                    .set("X-Tenant", BenchSettings.TENANT)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, value.length);
            return put;
        }

        void answered(long due, boolean ok) {
            long now = System.nanoTime();
            latency.recordValue(Math.min((now - due) / 1000, HISTOGRAM_MAX_MICROS));
            (ok ? acknowledged : errors).incrementAndGet();
            lastAnswerNanos.accumulateAndGet(now, Math::max);
        }
    }

    /**
     * One keep-alive connection and its share of the writes ({@code i ≡ c mod C}), one at a time;
     * every method runs on the event loop. A connection that fails or times out counts its write
     * as an error and is replaced.
     */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Run run;
        private final Bootstrap bootstrap;
        private long next;
        /** The write taken and waiting for its due time or a connection, else -1. */
        private long pending = -1;

        private long inFlightDue = -1;
        private Channel channel;
        private ScheduledFuture<?> timeout;
        private boolean done;

        Connection(Run run, Bootstrap bootstrap, int c) {
            this.run = run;
            this.bootstrap = bootstrap;
            this.next = c;
        }

        void connect() {
            bootstrap
                    .clone()
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new HttpClientCodec())
                                    .addLast(new HttpObjectAggregator(1 << 20))
                                    .addLast(Connection.this);
                        }
                    })
                    .connect()
                    .addListener((ChannelFutureListener) connected -> {
                        if (connected.isSuccess()) {
                            channel = connected.channel();
                            if (pending < 0) {
                                sendNext();
                            } else if (run.due(pending) <= System.nanoTime()) {
                                sendPending();
                            }
                        } else if (!done) {
                            // The write that waited for this connection is lost to the error count, as a refused
                            // request would be.
                            connected
                                    .channel()
                                    .eventLoop()
                                    .schedule(this::skipAndReconnect, RECONNECT_PAUSE.toNanos(), TimeUnit.NANOSECONDS);
                        }
                    });
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        /** No connection: the write waiting for one (or the next, so that the schedule moves on) is an error. */
        private void skipAndReconnect() {
            long i = pending >= 0 ? pending : take();
            pending = -1;
            if (i >= 0) {
                run.answered(run.due(i), false);
                connect();
            }
        }

        /** The next write of this connection, or -1 when there is none left (then the connection is done). */
        private long take() {
            if (next >= run.n || run.stop.getAsBoolean()) {
                finish();
                return -1;
            }
            long i = next;
            next += run.connections;
            run.offered.incrementAndGet();
            return i;
        }

        private void sendNext() {
            long i = take();
            if (i < 0) {
                return;
            }
            pending = i;
            long wait = run.due(i) - System.nanoTime();
            if (wait > 0) {
                channel.eventLoop().schedule(this::sendPending, wait, TimeUnit.NANOSECONDS);
            } else {
                sendPending();
            }
        }

        /** Sends the pending write, unless the connection is being replaced (then its replacement sends it). */
        private void sendPending() {
            if (pending < 0 || channel == null || !channel.isActive()) {
                return;
            }
            long i = pending;
            pending = -1;
            inFlightDue = run.due(i);
            timeout = channel.eventLoop().schedule(this::failed, REQUEST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            channel.writeAndFlush(run.request(i));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (ctx.channel() != channel || inFlightDue < 0) {
                return;
            }
            timeout.cancel(false);
            long due = inFlightDue;
            inFlightDue = -1;
            run.answered(due, response.status().code() == 200);
            sendNext();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                failed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                failed();
            }
        }

        /** The write in flight failed (closed connection, timeout): count it and go on on a new connection. */
        private void failed() {
            if (inFlightDue >= 0) {
                timeout.cancel(false);
                run.answered(inFlightDue, false);
                inFlightDue = -1;
            }
            Channel old = channel;
            channel = null;
            if (old != null) {
                old.close();
            }
            if (!done) {
                connect();
            }
        }

        private void finish() {
            if (!done) {
                done = true;
                if (channel != null) {
                    channel.close();
                }
                run.finished.countDown();
            }
        }
    }
}
