/**
 * What a vFM does with the backbone's features: the task kinds of the API contract.
 *
 * <p>A {@link dev.fmplex.model.task.TaskSpec} is stored by the control plane as JSON and executed
 * by the worker; new kinds are new permitted records.
 */
package dev.fmplex.model.task;
