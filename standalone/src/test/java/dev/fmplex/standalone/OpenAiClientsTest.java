package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.UnprocessableEntityException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.embeddings.EmbeddingValue;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI embeddings API as its users call it: langchain4j's {@code OpenAiEmbeddingModel} and
 * the official {@code openai-java} client, pointed at a running standalone server, embed texts
 * through a vFM and get exactly the vectors of FMplex's own {@code /vfms/{id}/infer}, as floats and
 * as base64; their typed exceptions come out for an unknown model, a bad key and a bad input.
 */
class OpenAiClientsTest {

    private static final String MODEL = "support-search";
    private static final List<String> TEXTS =
            List.of("How do I reset my password?", "The invoice was charged twice.", "ok");

    @TempDir static Path dataDir;
    private static StandaloneServer server;
    private static String vfmId;

    @BeforeAll
    static void start() {
        server = StandaloneServer.start(dataDir);
        vfmId =
                createVfm(
                        server.client(),
                        "{\"name\":\""
                                + MODEL
                                + "\",\"backbone\":\""
                                + BACKBONE
                                + "\",\"task\":{\"kind\":\"embedding\",\"pooling\":\"mean\","
                                + "\"normalize\":true}}");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void langchain4jsOpenAiEmbeddingModelGetsFmplexsOwnVectors() {
        OpenAiEmbeddingModel model =
                OpenAiEmbeddingModel.builder()
                        .baseUrl(server.baseUrl() + "/v1")
                        .apiKey(server.adminKey())
                        .modelName(MODEL)
                        .maxRetries(0)
                        .build();

        Response<List<Embedding>> response =
                model.embedAll(TEXTS.stream().map(TextSegment::from).toList());

        Native expected = nativeEmbeddings(TEXTS);
        assertThat(response.content()).hasSize(TEXTS.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(response.content().get(i).vector())
                    .as("vector of %s", TEXTS.get(i))
                    .isEqualTo(expected.vectors().get(i));
        }
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo((int) expected.units());
    }

    @Test
    void theOfficialOpenAiClientGetsTheSameVectorsAsFloatsAndAsBase64() {
        Native expected = nativeEmbeddings(TEXTS);
        OpenAIClient client = openAi(server.adminKey());
        for (EmbeddingCreateParams.EncodingFormat format :
                new EmbeddingCreateParams.EncodingFormat[] {
                    null,
                    EmbeddingCreateParams.EncodingFormat.FLOAT,
                    EmbeddingCreateParams.EncodingFormat.BASE64
                }) {
            EmbeddingCreateParams.Builder params =
                    EmbeddingCreateParams.builder().model(MODEL).inputOfArrayOfStrings(TEXTS);
            if (format != null) {
                params.encodingFormat(format);
            }
            CreateEmbeddingResponse response = client.embeddings().create(params.build());

            assertThat(response.model()).isEqualTo(MODEL);
            assertThat(response.usage().promptTokens()).isEqualTo(expected.units());
            assertThat(response.data()).hasSize(TEXTS.size());
            for (int i = 0; i < TEXTS.size(); i++) {
                EmbeddingValue value = response.data().get(i).embeddingValue();
                if (format == EmbeddingCreateParams.EncodingFormat.BASE64) {
                    assertThat(value.isBase64()).as("the wire carried base64").isTrue();
                }
                assertThat(floats(value))
                        .as("%s vector of %s", format, TEXTS.get(i))
                        .isEqualTo(expected.vectors().get(i));
                assertThat(response.data().get(i).index()).isEqualTo(i);
            }
        }
        assertThat(client.models().list().data())
                .anySatisfy(model -> assertThat(model.id()).isEqualTo(MODEL));
    }

    @Test
    void tokenIdsFromTheBackbonesTokenizerEmbedLikeTheirText() {
        // "hello world" through the bundled tokenizer: [CLS] hello world [SEP].
        CreateEmbeddingResponse response =
                openAi(server.adminKey())
                        .embeddings()
                        .create(
                                EmbeddingCreateParams.builder()
                                        .model(MODEL)
                                        .inputOfArrayOfTokens(List.of(101L, 7592L, 2088L, 102L))
                                        .build());
        assertThat(floats(response.data().get(0).embeddingValue()))
                .isEqualTo(nativeEmbeddings(List.of("hello world")).vectors().get(0));
        assertThat(response.usage().promptTokens()).isEqualTo(4);
    }

    @Test
    void clientsRaiseTheirTypedErrorsForAnUnknownModelABadKeyAndABadInput() {
        OpenAiEmbeddingModel unknownModel =
                OpenAiEmbeddingModel.builder()
                        .baseUrl(server.baseUrl() + "/v1")
                        .apiKey(server.adminKey())
                        .modelName("no-such-model")
                        .maxRetries(0)
                        .build();
        assertThatThrownBy(() -> unknownModel.embed("hello"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("no model 'no-such-model'");
        OpenAiEmbeddingModel badKey =
                OpenAiEmbeddingModel.builder()
                        .baseUrl(server.baseUrl() + "/v1")
                        .apiKey("fmp_aaaaaaaaaaaa_" + "b".repeat(43))
                        .modelName(MODEL)
                        .maxRetries(0)
                        .build();
        assertThatThrownBy(() -> badKey.embed("hello")).isInstanceOf(AuthenticationException.class);

        OpenAIClient client = openAi(server.adminKey());
        assertThatThrownBy(
                        () ->
                                client.embeddings()
                                        .create(
                                                EmbeddingCreateParams.builder()
                                                        .model("no-such-model")
                                                        .input("hello")
                                                        .build()))
                .isInstanceOfSatisfying(
                        NotFoundException.class,
                        e -> {
                            assertThat(e.code()).contains("model_not_found");
                            assertThat(e.param()).contains("model");
                        });
        assertThatThrownBy(
                        () ->
                                openAi("fmp_aaaaaaaaaaaa_" + "b".repeat(43))
                                        .embeddings()
                                        .create(
                                                EmbeddingCreateParams.builder()
                                                        .model(MODEL)
                                                        .input("hello")
                                                        .build()))
                .isInstanceOfSatisfying(
                        UnauthorizedException.class,
                        e -> assertThat(e.code()).contains("invalid_api_key"));
        assertThatThrownBy(
                        () ->
                                client.embeddings()
                                        .create(
                                                EmbeddingCreateParams.builder()
                                                        .model(MODEL)
                                                        .inputOfArrayOfTokens(
                                                                List.of(101L, 99_999L, 102L))
                                                        .build()))
                .isInstanceOfSatisfying(
                        UnprocessableEntityException.class,
                        e -> {
                            assertThat(e.param()).contains("input[1]");
                            assertThat(e.getMessage()).contains("[0, 30521]");
                        });
    }

    @Test
    void anotherTenantsKeySeesNoSuchModel() {
        post(server.client(), "/tenants", "{\"name\":\"rival\"}").expectStatus().isCreated();
        String rival =
                (String)
                        post(
                                        server.client(),
                                        "/keys",
                                        "{\"name\":\"rival-app\",\"scope\":\"infer\","
                                                + "\"tenant\":\"rival\"}")
                                .expectStatus()
                                .isCreated()
                                .expectBody(Map.class)
                                .returnResult()
                                .getResponseBody()
                                .get("key");
        OpenAIClient client = openAi(rival);

        assertThat(client.models().list().data()).isEmpty();
        for (String name : List.of(MODEL, "default/" + MODEL, vfmId)) {
            assertThatThrownBy(
                            () ->
                                    client.embeddings()
                                            .create(
                                                    EmbeddingCreateParams.builder()
                                                            .model(name)
                                                            .input("hello")
                                                            .build()))
                    .as("model %s", name)
                    .isInstanceOfSatisfying(
                            NotFoundException.class,
                            e -> assertThat(e.getMessage()).contains("no model '" + name + "'"));
        }
    }

    private static OpenAIClient openAi(String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(server.baseUrl() + "/v1")
                .apiKey(key)
                .maxRetries(0)
                .build();
    }

    /** The vectors as the SDK hands them over, or decoded from base64 as OpenAI specifies. */
    private static float[] floats(EmbeddingValue value) {
        if (value.isBase64()) {
            ByteBuffer bytes =
                    ByteBuffer.wrap(Base64.getDecoder().decode(value.asBase64()))
                            .order(ByteOrder.LITTLE_ENDIAN);
            float[] vector = new float[bytes.remaining() / Float.BYTES];
            bytes.asFloatBuffer().get(vector);
            return vector;
        }
        List<Float> list = value.asFloats();
        float[] vector = new float[list.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = list.get(i);
        }
        return vector;
    }

    private record Native(List<float[]> vectors, long units) {}

    /** The same texts through the native endpoint of the same vFM. */
    @SuppressWarnings("unchecked")
    private static Native nativeEmbeddings(List<String> texts) {
        StringBuilder inputs = new StringBuilder();
        for (String text : texts) {
            inputs.append(inputs.isEmpty() ? "" : ",").append('"').append(text).append('"');
        }
        Map<String, Object> reply =
                post(server.client(), "/vfms/" + vfmId + "/infer", "{\"inputs\":[" + inputs + "]}")
                        .expectStatus()
                        .isOk()
                        .expectBody(Map.class)
                        .returnResult()
                        .getResponseBody();
        List<float[]> vectors = new ArrayList<>();
        for (Object output : (List<Object>) reply.get("outputs")) {
            List<Number> values = (List<Number>) ((Map<String, Object>) output).get("embedding");
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = values.get(i).floatValue();
            }
            vectors.add(vector);
        }
        long units =
                ((Number) ((Map<String, Object>) reply.get("usage")).get("inputUnits")).longValue();
        return new Native(vectors, units);
    }
}
