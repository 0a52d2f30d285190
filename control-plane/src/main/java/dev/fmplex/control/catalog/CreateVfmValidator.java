package dev.fmplex.control.catalog;

import dev.fmplex.model.api.CreateVfmRequest;
import dev.fmplex.model.problem.FmplexException;
import dev.fmplex.model.problem.ProblemType;
import java.util.regex.Pattern;

/** The rules a {@code POST /vfms} body must meet beyond being well-formed JSON. */
final class CreateVfmValidator {

    static final int MAX_NAME_LENGTH = 128;
    static final double DEFAULT_WEIGHT = 1.0;
    static final double MAX_WEIGHT = 1000.0;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private CreateVfmValidator() {}

    /** Returns the effective weight, or throws naming the first invalid field. */
    static double validate(CreateVfmRequest request) {
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw invalid("name", "name is required");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw invalid(
                    "name",
                    "name is " + name.length() + " characters; the limit is " + MAX_NAME_LENGTH);
        }
        if (!NAME.matcher(name).matches()) {
            throw invalid("name", "name may hold only letters, digits, '.', '_' and '-'");
        }
        if (request.backbone() == null || request.backbone().isBlank()) {
            throw invalid("backbone", "backbone is required (see GET /backbones)");
        }
        if (request.task() == null) {
            throw invalid("task", "task is required, e.g. {\"kind\":\"embedding\"}");
        }
        double weight = request.weight() == null ? DEFAULT_WEIGHT : request.weight();
        if (!(weight > 0) || weight > MAX_WEIGHT) {
            throw invalid("weight", "weight must be > 0 and <= " + MAX_WEIGHT + ", is " + weight);
        }
        if (request.quota() != null
                && request.quota().maxInputsPerRequest() != null
                && request.quota().maxInputsPerRequest() < 1) {
            throw invalid("quota.maxInputsPerRequest", "quota.maxInputsPerRequest must be >= 1");
        }
        return weight;
    }

    private static FmplexException invalid(String field, String detail) {
        return new FmplexException(ProblemType.INVALID_REQUEST, field, detail);
    }
}
