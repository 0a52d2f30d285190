/**
 * The batch-aware weighted fair-queue scheduler of one backbone: one queue per vFM, start-time fair
 * queueing on estimated cost over weight in virtual time, and batch formation up to a budget of
 * rows and padded tokens, in the order of a {@link dev.fmplex.engine.scheduler.QueuePolicy}.
 *
 * <p>{@link dev.fmplex.engine.scheduler.FairQueue} is the single-threaded core (queues, tags,
 * virtual time, batch formation, charges), tested step by step without threads and, through a
 * simulated backbone, against the share bound stated in README's scheduling section. {@link
 * dev.fmplex.engine.scheduler.FairScheduler} keeps the executor lanes, futures, {@link
 * dev.fmplex.engine.scheduler.Admission} and the {@link
 * dev.fmplex.engine.scheduler.SchedulerLedger} around it. The contract with the executor is plain
 * data: the scheduler hands a list of {@link dev.fmplex.engine.scheduler.Work} items and gets one
 * outcome per item back.
 */
package dev.fmplex.engine.scheduler;
