/**
 * Importing task artifacts exactly as users produce them: Hugging Face PEFT adapters ({@code
 * adapter_config.json} + {@code adapter_model.safetensors}: LoRA with {@code modules_to_save}
 * heads, or prompt tuning) and plain safetensors heads. Every tensor is checked against the
 * backbone and the task before anything is built; a failed import leaves nothing behind.
 */
package dev.fmplex.engine.extension.peft;
