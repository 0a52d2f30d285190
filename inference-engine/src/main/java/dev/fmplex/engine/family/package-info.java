/**
 * The family SPI: {@link dev.fmplex.engine.family.BackboneFamily} is all a model family exposes
 * (its name, the {@code config.json} {@code model_type}s it accepts, loading a checkpoint directory
 * into a {@link dev.fmplex.engine.execution.ServedBackbone}), and {@link
 * dev.fmplex.engine.family.BackboneFamilies} finds the installed families with {@link
 * java.util.ServiceLoader} and picks one by {@code model_type}, with no fallback.
 *
 * <p>Each subpackage is one family and owns everything particular to it: configuration and its
 * reader, parameter names, checkpoint layout, encoder, batch executor, served backbone and LoRA
 * surface. Nothing outside the subpackages depends on them, and they do not depend on each other
 * (an architecture test enforces both).
 */
package dev.fmplex.engine.family;
