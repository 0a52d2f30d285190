package dev.fmplex.web;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Works around a keep-alive stall in Reactor Netty 1.3.6's HTTP/1.1 server (reactor-netty#4347,
 * #4361; fixed upstream after the newest release this build can use).
 *
 * <p>The server reads on demand. When a request arrives while the previous response on the same
 * connection is still finishing, it is buffered; once it has been dispatched and answered, the
 * server can return without asking the socket for more, and the next request on that connection is
 * never read: it waits until the client gives up. The control plane calls its workers this way (the
 * next call leaves the moment a reply arrives, often on the same pooled connection), and about one
 * cluster test run in five stalled so. The guard sits right behind the server's traffic handler and
 * asks for a read whenever a request is dispatched; an extra read is harmless, as the traffic
 * handler buffers whatever arrives early. Spring Boot applies it to the server of every application
 * that scans or imports it.
 */
@Component
public final class KeepAliveReads implements NettyServerCustomizer {

    static final String HANDLER = "fmplex.readOnDispatch";

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit(
                (observer, channel, remote) -> {
                    if (channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null
                            && channel.pipeline().get(HANDLER) == null) {
                        channel.pipeline()
                                .addAfter(
                                        NettyPipeline.HttpTrafficHandler,
                                        HANDLER,
                                        ReadOnDispatch.INSTANCE);
                    }
                });
    }

    @ChannelHandler.Sharable
    private static final class ReadOnDispatch extends ChannelInboundHandlerAdapter {

        static final ReadOnDispatch INSTANCE = new ReadOnDispatch();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ctx.fireChannelRead(message);
            if (message instanceof HttpRequest) {
                ctx.read();
            }
        }
    }
}
