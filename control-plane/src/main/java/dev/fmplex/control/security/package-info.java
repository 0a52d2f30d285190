/**
 * Tenants, API keys and what a key may reach. A key is random, shown once, stored as a keyed hash;
 * its scope ({@link dev.fmplex.control.security.Scope}) decides the endpoints, its tenant the vFMs
 * it can see — another tenant's vFM reads exactly like one that does not exist. Also here: per-key
 * rate limits and the audit of every mutating call.
 */
package dev.fmplex.control.security;
