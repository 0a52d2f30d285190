/** HTTP endpoints of a worker running as its own process. */
package dev.fmplex.worker.api;
