package dev.fmplex.model.training;

import dev.fmplex.model.api.TrainingReport;
import java.util.List;
import java.util.Map;

/**
 * What a worker's {@code lora} training made: the version files (PEFT's {@code adapter_config.json}
 * and {@code adapter_model.safetensors}, the head in {@code modules_to_save}) and how it went.
 *
 * @param startValidationLoss the warm-start head's validation loss, before any step
 * @param bestEpoch the epoch whose weights the files hold; 0 when none beat the start
 */
public record LoraOutcome(
        Map<String, byte[]> files,
        List<TrainingReport.Epoch> epochs,
        double startValidationLoss,
        int bestEpoch,
        boolean stoppedEarly) {}
