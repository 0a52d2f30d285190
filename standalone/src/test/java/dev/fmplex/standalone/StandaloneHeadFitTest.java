package dev.fmplex.standalone;

import static dev.fmplex.standalone.ApiCalls.BACKBONE;
import static dev.fmplex.standalone.ApiCalls.createVfm;
import static dev.fmplex.standalone.ApiCalls.embed;
import static dev.fmplex.standalone.ApiCalls.inferAll;
import static dev.fmplex.standalone.ApiCalls.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fmplex.control.training.HeadArtifacts;
import dev.fmplex.control.training.HeadFitter;
import dev.fmplex.control.training.LinearHead;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The {@code head} recipe's core on real parts (issue 18, first step): frozen MiniLM features read
 * over HTTP from an embedding vFM with the classifier's pooling, a head fitted on them by {@link
 * HeadFitter}, written by {@link HeadArtifacts} and uploaded as a version. The served classifier
 * must then be exactly the fitted head on those features (same label, same scores), and it must
 * tell two topics apart on sentences it never saw.
 */
class StandaloneHeadFitTest {

    private static final String[] SUBJECTS_SPORT = {
        "The striker",
        "Our goalkeeper",
        "The home team",
        "The young sprinter",
        "The coach",
        "The captain",
        "The tennis champion",
        "The cyclist"
    };
    private static final String[] ACTS_SPORT = {
        "scored twice in the second half", "won the final on penalties",
        "trained hard before the match", "broke the national record in the relay",
        "was sent off after a foul", "lifted the cup in front of the fans"
    };
    private static final String[] SUBJECTS_COOKING = {
        "The chef",
        "My grandmother",
        "The baker",
        "The cook",
        "Our host",
        "The pastry student",
        "The waiter",
        "A home cook"
    };
    private static final String[] ACTS_COOKING = {
        "simmered the onions in butter until golden", "kneaded the dough and let it rise",
        "seasoned the soup with garlic and thyme", "roasted the vegetables in a hot oven",
        "whisked the eggs with sugar for the cake", "served the pasta with fresh basil"
    };

    @TempDir Path dataDir;

    @Test
    void aHeadFittedOnFrozenFeaturesServesExactlyAsFittedAndSeparatesTopics() {
        List<String> texts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            for (int a = 0; a < 6; a++) {
                texts.add(SUBJECTS_SPORT[s] + " " + ACTS_SPORT[a] + ".");
                labels.add(0);
                texts.add(SUBJECTS_COOKING[s] + " " + ACTS_COOKING[a] + ".");
                labels.add(1);
            }
        }
        List<String> unseen =
                List.of(
                        "The referee stopped the game for a penalty kick.",
                        "She ran the marathon in under three hours.",
                        "Fry the garlic gently and add the tomatoes.",
                        "He baked bread with flour, water and salt.");
        int[] unseenLabels = {0, 0, 1, 1};

        try (StandaloneServer server = StandaloneServer.start(dataDir)) {
            WebTestClient admin = server.client();
            // The classifier reads the CLS position of the last layer; so does this embedding.
            String features =
                    createVfm(
                            admin,
                            "{\"name\":\"features\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":"
                                    + "{\"kind\":\"embedding\",\"pooling\":\"cls\","
                                    + "\"normalize\":false}}");
            String classifier =
                    createVfm(
                            admin,
                            "{\"name\":\"topics\",\"backbone\":\""
                                    + BACKBONE
                                    + "\",\"task\":"
                                    + "{\"kind\":\"classification\","
                                    + "\"labels\":[\"sport\",\"cooking\"]}}");
            double[][] x = embed(admin, features, texts);
            int[] y = labels.stream().mapToInt(Integer::intValue).toArray();

            HeadFitter.ClassifierFit fit =
                    HeadFitter.classifier(x, y, 2, HeadFitter.Options.defaults(42));
            assertThat(fit.accuracy()).as("cross-validated accuracy").isGreaterThan(0.95);
            LinearHead head = fit.head();
            upload(admin, classifier, HeadArtifacts.files(head)).expectStatus().isCreated();

            List<Map<String, Object>> served = inferAll(admin, classifier, texts);
            for (int i = 0; i < texts.size(); i++) {
                double[] scores = head.scores(x[i]);
                double pCooking = 1 / (1 + Math.exp(scores[0] - scores[1]));
                @SuppressWarnings("unchecked")
                Map<String, Number> got = (Map<String, Number>) served.get(i).get("scores");
                assertThat(got.get("cooking").doubleValue())
                        .as(texts.get(i))
                        .isCloseTo(pCooking, within(1e-4));
                assertThat(served.get(i).get("label"))
                        .isEqualTo(head.predictClass(x[i]) == 0 ? "sport" : "cooking");
            }
            List<Map<String, Object>> fresh = inferAll(admin, classifier, unseen);
            for (int i = 0; i < unseen.size(); i++) {
                assertThat(fresh.get(i).get("label"))
                        .as(unseen.get(i))
                        .isEqualTo(unseenLabels[i] == 0 ? "sport" : "cooking");
            }
        }
    }
}
