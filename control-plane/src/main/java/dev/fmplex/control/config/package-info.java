/**
 * The control plane's settings: every {@code fmplex.control.*} property in one record, bound once
 * and injected where it is read.
 */
package dev.fmplex.control.config;
