package dev.fmplex.control.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Names the API in the live OpenAPI document ({@code /v3/api-docs}, Swagger UI). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI fmplexOpenApi() {
        return new OpenAPI()
                .info(
                        new Info()
                                .title("FMplex API")
                                .version("0.1.0")
                                .description(
                                        "Virtual foundation models (vFMs) on shared backbones. Errors are"
                                                + " RFC 9457 application/problem+json with a stable type URI and the"
                                                + " offending field.")
                                .license(new License().name("Proprietary")));
    }
}
