package dev.fmplex.control.training;

import dev.fmplex.model.api.TrainingExample;
import dev.fmplex.model.api.TrainingJobRequest;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * An uploaded examples file in JSON Lines: one example per line, {@code {"input": ..., "label":
 * ...}} (or {@code "value"}), blank lines skipped. Examples keep their inline names ({@code
 * examples[i]}, counting examples), and every refusal also names the file's line, which is what a
 * user opens in an editor.
 */
final class JsonlExamples {

    /** The largest examples file one job takes. */
    static final int MAX_BYTES = 16 * 1024 * 1024;

    private static final Pattern EXAMPLE_FIELD = Pattern.compile("examples\\[(\\d+)\\](.*)");

    private final List<TrainingExample> examples;
    private final int[] lines;

    private JsonlExamples(List<TrainingExample> examples, int[] lines) {
        this.examples = examples;
        this.lines = lines;
    }

    /**
     * @throws FmplexException {@code invalid-request} at {@code examples[i]} for a line that is not
     *     one JSON example, or at {@code examples} when the file holds none or too many
     */
    static JsonlExamples parse(byte[] content, JsonMapper json) {
        String text = new String(content, StandardCharsets.UTF_8);
        List<TrainingExample> examples = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] rows = text.split("\n", -1);
        for (int n = 0; n < rows.length; n++) {
            String row = rows[n].strip();
            if (row.isEmpty()) {
                continue;
            }
            if (examples.size() == TrainingJobRequest.MAX_EXAMPLES) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        "examples",
                        "the examples file holds more than "
                                + TrainingJobRequest.MAX_EXAMPLES
                                + " examples (line "
                                + (n + 1)
                                + " is one too many); at most "
                                + TrainingJobRequest.MAX_EXAMPLES
                                + " per job");
            }
            String field = "examples[" + examples.size() + "]";
            TrainingExample example;
            try {
                example = json.readValue(row, TrainingExample.class);
            } catch (JacksonException e) {
                throw new FmplexException(
                        ProblemType.INVALID_REQUEST,
                        field,
                        "line "
                                + (n + 1)
                                + " of the examples file is not one JSON example like"
                                + " {\"input\": \"...\", \"label\": \"...\"}: "
                                + e.getOriginalMessage());
            }
            examples.add(example);
            lines.add(n + 1);
        }
        if (examples.isEmpty()) {
            throw new FmplexException(
                    ProblemType.INVALID_REQUEST,
                    "examples",
                    "the examples file holds no example (one JSON object per line)");
        }
        return new JsonlExamples(
                List.copyOf(examples), lines.stream().mapToInt(Integer::intValue).toArray());
    }

    List<TrainingExample> examples() {
        return examples;
    }

    /** The refusal with the file's line added to its detail, when it names one example. */
    FmplexException atLine(FmplexException e) {
        Matcher m = EXAMPLE_FIELD.matcher(e.field() == null ? "" : e.field());
        if (!m.matches()) {
            return e;
        }
        int index = Integer.parseInt(m.group(1));
        if (index >= lines.length) {
            return e;
        }
        return new FmplexException(
                e.type(),
                e.field(),
                e.getMessage() + " (line " + lines[index] + " of the examples file)");
    }
}
