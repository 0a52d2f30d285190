/**
 * What the control plane and a worker exchange to train on a worker's backbone: the job and its
 * outcome, in plain values a network hop can carry.
 */
package dev.fmplex.model.training;
