/** API description of the control plane: the OpenAPI document's metadata. */
package dev.fmplex.control.api;
