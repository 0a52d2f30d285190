package dev.fmplex.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/** Spring Boot applies the guard to the Netty server of an application that imports it. */
@SpringBootTest(
        classes = KeepAliveReadsBootTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KeepAliveReadsBootTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(KeepAliveReads.class)
    static class App {}

    @Autowired NettyReactiveWebServerFactory server;

    @Test
    void theServerIsBuiltWithTheGuard() {
        assertThat(server.getServerCustomizers()).hasAtLeastOneElementOfType(KeepAliveReads.class);
    }
}
