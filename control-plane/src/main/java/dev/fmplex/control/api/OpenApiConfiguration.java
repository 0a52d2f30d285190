package dev.fmplex.control.api;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import dev.fmplex.model.task.TaskSpec;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Names the API in the live OpenAPI document ({@code /v3/api-docs}, Swagger UI) and completes what
 * springdoc cannot infer, so that a client generated from the document (module {@code openapi})
 * reads and writes the same JSON as the server.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI fmplexOpenApi() {
        return new OpenAPI()
                .components(
                        new Components()
                                .addSecuritySchemes(
                                        "bearer",
                                        new SecurityScheme()
                                                .type(SecurityScheme.Type.HTTP)
                                                .scheme("bearer")
                                                .description(
                                                        "An FMplex API key: Authorization: Bearer"
                                                                + " <key>. Scopes: admin,"
                                                                + " tenant-admin, infer, metrics.")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .info(
                        new Info()
                                .title("FMplex API")
                                .version("0.1.0")
                                .description(
                                        "Virtual foundation models (vFMs) on shared backbones. Errors are"
                                                + " RFC 9457 application/problem+json with a stable type URI and the"
                                                + " offending field."));
    }

    /**
     * springdoc names the {@code kind} discriminator of task specs but not which value selects
     * which schema; without the mapping a generated client would send the schema name ({@code
     * EmbeddingTask}) where the server expects {@code embedding}. The mapping is read from the
     * Jackson annotations the server itself deserializes with, so the two cannot drift.
     */
    @Bean
    OpenApiCustomizer taskKindMapping() {
        return openApi -> {
            Map<String, Schema> schemas = openApi.getComponents().getSchemas();
            Schema<?> taskSpec = schemas.get(TaskSpec.class.getSimpleName());
            if (taskSpec == null || taskSpec.getDiscriminator() == null) {
                return;
            }
            Map<String, String> mapping = new TreeMap<>();
            for (JsonSubTypes.Type type :
                    TaskSpec.class.getAnnotation(JsonSubTypes.class).value()) {
                mapping.put(type.name(), "#/components/schemas/" + type.value().getSimpleName());
            }
            Discriminator discriminator = taskSpec.getDiscriminator();
            discriminator.setMapping(mapping);
            Set<String> kinds = Set.copyOf(mapping.values());
            for (Schema<?> schema : schemas.values()) {
                if (schema.getProperties() == null) {
                    continue;
                }
                schema.getProperties()
                        .replaceAll(
                                (name, property) ->
                                        isOneOf(property, kinds)
                                                ? new Schema<>()
                                                        .$ref(
                                                                "#/components/schemas/"
                                                                        + TaskSpec.class
                                                                                .getSimpleName())
                                                : property);
            }
        };
    }

    private static boolean isOneOf(Schema<?> property, Set<String> refs) {
        List<Schema> oneOf = property.getOneOf();
        return oneOf != null
                && oneOf.size() == refs.size()
                && oneOf.stream().map(Schema::get$ref).allMatch(refs::contains);
    }
}
