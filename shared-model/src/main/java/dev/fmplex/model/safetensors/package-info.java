/**
 * Header-level reading of the safetensors format, strict enough for untrusted uploads.
 *
 * <p>The format: an 8-byte little-endian header length N, N bytes of JSON mapping tensor names to
 * {@code {dtype, shape, data_offsets}} (plus an optional {@code __metadata__} of strings), then the
 * tensor bytes. Every claim of the header is checked against the file before a tensor library ever
 * sees the bytes.
 */
package dev.fmplex.model.safetensors;
