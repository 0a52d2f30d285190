package dev.fmplex.control.dashboard;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A strict Content-Security-Policy on the dashboard and its assets: scripts, styles and data only
 * from this origin, no inline script or style, no framing, no plugins, forms only back here. The
 * page holds an admin key in session storage, so an injected script must have nowhere to run and
 * nowhere to send it. The API's own responses (JSON) need none of this.
 */
final class DashboardHeaders implements WebFilter {

    static final String POLICY =
            String.join(
                    "; ",
                    "default-src 'none'",
                    "script-src 'self'",
                    "style-src 'self'",
                    "img-src 'self' data:",
                    "connect-src 'self'",
                    "base-uri 'none'",
                    "form-action 'self'",
                    "frame-ancestors 'none'");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (path.equals("/dashboard") || path.startsWith("/dashboard/")) {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set("Content-Security-Policy", POLICY);
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Content-Type-Options", "nosniff");
        }
        return chain.filter(exchange);
    }
}
