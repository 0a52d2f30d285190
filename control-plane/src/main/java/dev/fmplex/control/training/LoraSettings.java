package dev.fmplex.control.training;

import dev.fmplex.model.api.LoraOptions;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code lora} recipe's settings with every default filled in and every limit checked, each
 * refusal naming its field ({@code lora.rank}, {@code lora.targets[1]}, ...). The limits keep one
 * job's time and memory bounded on a shared backbone; the defaults train a few hundred sentences in
 * minutes on two cores.
 */
record LoraSettings(
        int rank,
        float alpha,
        List<String> targets,
        float learningRate,
        float weightDecay,
        int epochs,
        int batchRows,
        int patience,
        double validationFraction) {

    /** The projection roles a target may name, as the API spells them. */
    static final List<String> ROLES =
            List.of("query", "key", "value", "attention_output", "intermediate", "output");

    static LoraSettings of(LoraOptions options) {
        LoraOptions o =
                options == null
                        ? new LoraOptions(null, null, null, null, null, null, null, null, null)
                        : options;
        int rank = within("lora.rank", o.rank(), 8, 1, 64);
        double alpha = within("lora.alpha", o.alpha(), 16.0, 0, false, 1024);
        double learningRate = within("lora.learningRate", o.learningRate(), 5e-3, 0, false, 1);
        double weightDecay = within("lora.weightDecay", o.weightDecay(), 0.01, 0, true, 1);
        int epochs = within("lora.epochs", o.epochs(), 10, 1, 50);
        int batchRows = within("lora.batchRows", o.batchRows(), 8, 1, 64);
        int patience = within("lora.patience", o.patience(), 3, 1, 50);
        double fraction =
                within("lora.validationFraction", o.validationFraction(), 0.2, 0.05, true, 0.5);
        List<String> targets = new ArrayList<>();
        List<String> asked = o.targets() == null ? List.of("query", "value") : o.targets();
        if (asked.isEmpty()) {
            throw invalid("lora.targets", "lora.targets must name at least one of " + ROLES);
        }
        for (int i = 0; i < asked.size(); i++) {
            String role = asked.get(i);
            if (role == null || !ROLES.contains(role)) {
                throw invalid(
                        "lora.targets[" + i + "]",
                        "lora.targets[" + i + "] must be one of " + ROLES + ", is " + role);
            }
            String upper = role.toUpperCase(Locale.ROOT);
            if (targets.contains(upper)) {
                throw invalid("lora.targets[" + i + "]", "lora.targets[" + i + "] repeats " + role);
            }
            targets.add(upper);
        }
        return new LoraSettings(
                rank,
                (float) alpha,
                List.copyOf(targets),
                (float) learningRate,
                (float) weightDecay,
                epochs,
                batchRows,
                patience,
                fraction);
    }

    /** The targets as the API spells them, for the report. */
    List<String> targetNames() {
        return targets.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
    }

    private static int within(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw invalid(field, field + " must be in [" + min + ", " + max + "], is " + v);
        }
        return v;
    }

    private static double within(
            String field,
            Double value,
            double fallback,
            double min,
            boolean minIncluded,
            double max) {
        double v = value == null ? fallback : value;
        boolean aboveMin = minIncluded ? v >= min : v > min;
        if (!aboveMin || !(v <= max)) {
            throw invalid(
                    field,
                    field
                            + " must be in "
                            + (minIncluded ? "[" : "(")
                            + min
                            + ", "
                            + max
                            + "], is "
                            + v);
        }
        return v;
    }

    private static FmplexException invalid(String field, String detail) {
        return new FmplexException(ProblemType.INVALID_REQUEST, field, detail);
    }
}
