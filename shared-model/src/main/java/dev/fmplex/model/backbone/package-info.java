/** What a worker reports about a loaded backbone, and what the control plane stores. */
package dev.fmplex.model.backbone;
