/**
 * What every modality's input has in common once it is checked and converted: the positions it
 * costs the backbone, which is the scheduler's unit of work (tokens for text, patches for images).
 */
package dev.fmplex.engine.input;
