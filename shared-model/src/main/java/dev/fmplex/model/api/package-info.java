/**
 * Request and response records of the public HTTP API (DESIGN.md, "API contract"), with the request
 * checks every entry point shares.
 */
package dev.fmplex.model.api;
