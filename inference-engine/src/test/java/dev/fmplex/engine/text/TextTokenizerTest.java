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
}
