/**
 * Training on the worker's backbones beside serving: each forward-backward pass of a job queues on
 * the backbone's fair scheduler as background work of a low weight, so serving vFMs keep their
 * shares.
 */
package dev.fmplex.worker.training;
