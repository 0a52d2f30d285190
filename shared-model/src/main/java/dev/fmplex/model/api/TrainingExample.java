package dev.fmplex.model.api;

/**
 * One labelled example of a training job.
 *
 * @param input what {@code POST /vfms/{id}/infer} takes as one input (a text, a sentence pair, an
 *     image, a series)
 * @param label the expected label (classification: one of the task's labels)
 * @param value the expected number (regression)
 */
public record TrainingExample(Object input, String label, Double value) {}
