package io.geokv.gateway.web;

import io.geokv.gateway.problem.Problems;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Refuses requests whose version is neither HTTP/1.0 nor HTTP/1.1 with a 400 problem on HTTP/1.1,
 * then closes the connection.
 *
 * <p>Netty's decoder accepts any {@code NAME/major.minor}, and Reactor Netty answers a full-body
 * response in the request's own version, so {@code GET /kv/x HTTP/9.9} got an {@code HTTP/9.9 404}
 * status line no client can read. The answer is 400 rather than RFC 9110's 505 because the request
 * is the client's mistake and a 5xx means the server failed: alerts on 5xx stay meaningful. HTTP/2
 * arrives through its own codec (h2c or TLS), never as an HTTP/1 request line, and is unaffected.
 */
@Component
public class HttpVersionCheck implements NettyServerCustomizer {

    private static final byte[] PROBLEM = ("{\"type\":\"" + Problems.type("unsupported-http-version") + "\","
                    + "\"title\":\"Bad Request\",\"status\":400,"
                    + "\"detail\":\"only HTTP/1.0 and HTTP/1.1 request lines are served\"}")
            .getBytes(StandardCharsets.UTF_8);

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "geokv.httpVersionCheck", new Handler());
            }
        });
    }

    /** One per connection (not sharable): it remembers a refusal. */
    private static final class Handler extends ChannelInboundHandlerAdapter {

        /** Set once a request was refused: the rest of its connection's input is dropped. */
        private boolean refused;

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (refused) {
                ReferenceCountUtil.release(message);
                return;
            }
            if (message instanceof HttpRequest request && !isServed(request.protocolVersion())) {
                refused = true;
                ReferenceCountUtil.release(message);
                context.writeAndFlush(refusal()).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            context.fireChannelRead(message);
        }

        private static boolean isServed(HttpVersion version) {
            return HttpVersion.HTTP_1_1.equals(version) || HttpVersion.HTTP_1_0.equals(version);
        }

        private static FullHttpResponse refusal() {
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(PROBLEM));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                    .set(HttpHeaderNames.CONTENT_LENGTH, PROBLEM.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return response;
        }
    }
}
