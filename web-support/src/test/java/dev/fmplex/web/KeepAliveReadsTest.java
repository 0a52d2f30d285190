package dev.fmplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The keep-alive stall of Reactor Netty 1.3.6's HTTP/1.1 server, reproduced on a real server and a
 * raw socket: once a request that was buffered behind another has been answered at once, the server
 * stops reading the connection, and the next request waits until the client gives up.
 */
class KeepAliveReadsTest {

    private static final String BODY = "{\"echo\":\"second\"}";

    @Test
    void theRequestAfterABufferedOneIsRead() throws IOException {
        assertThat(thirdResponse(new KeepAliveReads())).contains("200 OK").endsWith(BODY);
    }

    @Test
    void withoutTheGuardTheBufferedRequestStalls() throws IOException {
        // Proves the test above can fail: the unguarded server never reads the third request.
        assertThat(thirdResponse(server -> server)).isEqualTo("stalled");
    }

    /**
     * The third response's status line and body, or "stalled" when none came within 5 s. The first
     * two requests go out in one write, so the second is buffered behind the first; it has no body
     * and is answered at once (as a worker's pause or unload is), which is the path on which the
     * unguarded server stops reading. The third then goes out on its own.
     */
    private static String thirdResponse(Function<HttpServer, HttpServer> customizer)
            throws IOException {
        DisposableServer server =
                customizer
                        .apply(
                                HttpServer.create()
                                        .host("127.0.0.1")
                                        .port(0)
                                        .handle(
                                                (request, response) ->
                                                        request.method().name().equals("POST")
                                                                ? response.send(
                                                                        request.receive().retain())
                                                                : response.status(204).send()))
                        .bindNow();
        try {
            return PipelinedRequests.thirdResponse(server.port(), BODY);
        } finally {
            server.disposeNow();
        }
    }
}
