package dev.fmplex.engine.training;

import dev.fmplex.model.api.TrainingReport;
import dev.fmplex.model.training.LoraJob;
import dev.fmplex.model.training.LoraOutcome;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A backbone family's {@code lora} recipe, as a worker sees it ({@code
 * ServedBackbone.loraTraining()}): the worker schedules, budgets and logs; the family tokenizes,
 * trains and writes the PEFT files, so the worker names no family.
 */
public interface LoraTraining {

    /**
     * Loads an eager copy of the serving backbone (a {@code ServedBackbone} of the same family) to
     * train on; the training closes it. Typed as what it must be to the trainer, closeable, so this
     * package stays below {@code execution}.
     */
    @FunctionalInterface
    interface EagerCopy {
        AutoCloseable load();
    }

    /**
     * What {@code job} would hold at its peak with passes of at most {@code passRows} examples,
     * before anything is loaded.
     */
    TrainingMemory estimate(LoraJob job, int passRows);

    /**
     * Trains the job's adapter and head; blocking, for as long as the epochs take.
     *
     * @param copy asked for an eager copy when the serving backbone holds no weights of its own
     * @param gate every forward-backward pass goes through it
     * @param progress told after each epoch
     * @throws TrainingCancelledException when {@code cancelled} turned true
     */
    LoraOutcome train(
            LoraJob job,
            int passRows,
            EagerCopy copy,
            StepGate gate,
            Consumer<TrainingReport.Epoch> progress,
            BooleanSupplier cancelled);
}
