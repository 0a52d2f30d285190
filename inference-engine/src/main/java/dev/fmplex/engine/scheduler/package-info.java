/**
 * The batch-aware weighted fair-queue scheduler: one queue per vFM, start-time fair queueing on
 * estimated cost over weight in virtual time, and batch formation in tag order up to a budget of
 * rows and padded tokens. One scheduler (and one executing thread) per backbone.
 *
 * <p>The contract with the executor is plain data: the scheduler hands a list of {@link
 * dev.fmplex.engine.scheduler.Work} items and gets one outcome per item back; only the scheduler
 * touches queues, tags and virtual time.
 */
package dev.fmplex.engine.scheduler;
