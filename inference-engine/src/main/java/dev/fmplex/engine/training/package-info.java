/**
 * Training a vFM's extensions on a frozen shared backbone: what a recipe asks for ({@link
 * LoraRecipe}), how a trainer takes the backbone's time ({@link StepGate}, through its fair
 * scheduler in a worker) and what it gives back ({@link TrainedAdapter}). The trainers themselves
 * are per family, beside the encoders they differentiate.
 */
package dev.fmplex.engine.training;
