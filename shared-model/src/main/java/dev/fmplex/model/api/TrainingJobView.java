package dev.fmplex.model.api;

import java.time.Instant;

/**
 * A training job as the API shows it.
 *
 * @param state {@code QUEUED}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED} or {@code
 *     CANCELLED}
 * @param phase while running: {@code features} (reading the frozen backbone's features of the
 *     examples), {@code fitting} (the head), {@code training} ({@code lora}: epochs on the
 *     backbone), {@code uploading}
 * @param featuresDone examples whose features have been read so far
 * @param lastEpoch {@code lora}: the latest finished epoch, while running and after
 * @param version the vFM version the job produced, once it succeeded
 * @param error why it failed
 */
public record TrainingJobView(
        String id,
        String vfm,
        String recipe,
        String state,
        String phase,
        int examples,
        int featuresDone,
        TrainingReport.Epoch lastEpoch,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Integer version,
        TrainingReport report,
        String error) {}
