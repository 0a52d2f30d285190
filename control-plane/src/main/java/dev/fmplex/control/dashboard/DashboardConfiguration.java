package dev.fmplex.control.dashboard;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

/**
 * Serves the dashboard's page at {@code /dashboard} (its scripts and styles are plain static
 * resources under {@code /dashboard/}) and puts {@link DashboardHeaders} on all of it.
 */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

    /** The dashboard's one page; views are fragments of its URL ({@code #/vfms/...}). */
    static final String PAGE = "static/dashboard/index.html";

    @Bean
    RouterFunction<ServerResponse> dashboardPage() {
        Resource page = new ClassPathResource(PAGE);
        return RouterFunctions.route()
                .GET(
                        "/dashboard",
                        request ->
                                ServerResponse.ok()
                                        .contentType(MediaType.TEXT_HTML)
                                        .bodyValue(page))
                .GET(
                        "/dashboard/",
                        request ->
                                ServerResponse.ok()
                                        .contentType(MediaType.TEXT_HTML)
                                        .bodyValue(page))
                .build();
    }

    @Bean
    WebFilter dashboardHeaders() {
        return new DashboardHeaders();
    }
}
