/**
 * The catalog of definitions: backbones, vFMs, their versions and artifacts, as JPA entities over
 * the Flyway schema in {@code db/migration}, and the service that validates and stores them. It
 * decides nothing about lifecycle states (that is {@code dev.fmplex.control.lifecycle}, which
 * depends on it, never the reverse).
 */
package dev.fmplex.control.catalog;
