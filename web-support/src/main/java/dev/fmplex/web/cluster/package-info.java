/**
 * Trust between FMplex processes: the cluster secret, the request signature the control plane and
 * workers put on every call to each other, and its verification. The signature proves the caller
 * holds the secret and binds method, path and time; it does not encrypt or cover the body, which is
 * what TLS in front of the processes is for.
 */
package dev.fmplex.web.cluster;
