/**
 * The catalog of backbones and vFMs: JPA entities over the Flyway schema in {@code db/migration},
 * the service that validates and stores definitions, and their REST controllers.
 */
package dev.fmplex.control.catalog;
