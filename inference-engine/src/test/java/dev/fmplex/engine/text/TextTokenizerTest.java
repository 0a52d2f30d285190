package dev.fmplex.engine.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token limit is ours, not the tokenizer.json's (which says 128 for the bundled model). */
class TextTokenizerTest {

    private static TextTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream json =
                TextTokenizerTest.class
                        .getClassLoader()
                        .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            tokenizer = TextTokenizer.fromJson(json, 256);
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void shortTextsKeepTheirTokensWithClsAndSepAndNoPadding() {
        EncodedText text = tokenizer.encode("hello world");
        assertThat(text.ids()).containsExactly(101, 7592, 2088, 102);
        assertThat(text.inputTokens()).isEqualTo(4);
        assertThat(text.truncated()).isFalse();
    }

    @Test
    void textsBeyond128ButWithinTheLimitAreNotCut() {
        EncodedText text = tokenizer.encode(String.join(" ", Collections.nCopies(200, "word")));
        assertThat(text.ids()).hasSize(202);
        assertThat(text.truncated()).isFalse();
    }

    @Test
    void longerTextsAreCutToTheLimitEndingInSepAndReportTheirLength() {
        EncodedText text = tokenizer.encode(String.join(" ", Collections.nCopies(300, "word")));
        assertThat(text.ids()).hasSize(256);
        assertThat(text.ids()[0]).isEqualTo(101);
        assertThat(text.ids()[255]).isEqualTo(102);
        assertThat(text.ids()[254]).isEqualTo(2773);
        assertThat(text.inputTokens()).isEqualTo(302);
        assertThat(text.truncated()).isTrue();
    }

    @Test
    void aSentencePairIsClsFirstSepSecondSepWithSegmentOneOnTheSecondText() {
        EncodedText pair = tokenizer.encodePair("hello world", "good morning");
        assertThat(pair.ids()).containsExactly(101, 7592, 2088, 102, 2204, 2851, 102);
        assertThat(pair.typeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1);
        assertThat(pair.pair()).isTrue();
        assertThat(pair.truncated()).isFalse();
        assertThat(tokenizer.encode("hello world").pair()).isFalse();
    }

    @Test
    void anOverlongPairLosesTokensFromTheEndOfTheLongerTextFirst() {
        try (TextTokenizer small = tokenizerWithLimit(10)) {
            // 4 + 9 content tokens and 3 special tokens: 16, the limit 10 leaves 7 content tokens.
            String first = "one two three four";
            String second = String.join(" ", Collections.nCopies(9, "word"));
            EncodedText pair = small.encodePair(first, second);
            EncodedText alone = small.encode(first);
            assertThat(pair.inputTokens()).isEqualTo(16);
            assertThat(pair.ids()).hasSize(10);
            // The longer second text is cut one token at a time until both are as long (4), then
            // the second loses one more (a tie cuts the second): 4 + 3 tokens.
            assertThat(pair.ids())
                    .startsWith(
                            alone.ids()[0],
                            alone.ids()[1],
                            alone.ids()[2],
                            alone.ids()[3],
                            alone.ids()[4]);
            assertThat(pair.ids()[5]).isEqualTo(102);
            assertThat(pair.ids()[9]).isEqualTo(102);
            assertThat(pair.typeIds()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1, 1, 1);
            assertThat(pair.truncated()).isTrue();
        }
    }

    private static TextTokenizer tokenizerWithLimit(int limit) {
        try (InputStream json =
                TextTokenizerTest.class
                        .getClassLoader()
                        .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            return TextTokenizer.fromJson(json, limit);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
