package dev.fmplex.model.cluster;

/** The control plane's answer to a registration: the worker's id and how often to heartbeat. */
public record RegistrationReply(String workerId, long heartbeatIntervalMs) {}
