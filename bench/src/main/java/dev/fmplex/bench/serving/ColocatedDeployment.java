package dev.fmplex.bench.serving;

import dev.fmplex.engine.family.bert.BertServedBackbone;
import java.util.List;

/**
 * Best-effort co-location: one full backbone instance per task, each with its own executor thread
 * using every core, all contending for the machine (as N model servers on one host do).
 */
final class ColocatedDeployment extends InstancePerTask {

    ColocatedDeployment(List<BertServedBackbone> copies, int cores) {
        super(copies);
        for (int k = 0; k < instances.size(); k++) {
            DedicatedInstance instance = instances.get(k);
            startExecutor(
                    "colocated-" + k,
                    cores,
                    () -> {
                        while (!Thread.currentThread().isInterrupted() && instance.awaitWork()) {
                            instance.runOneBatch();
                        }
                    });
        }
    }

    @Override
    public String name() {
        return "co-location";
    }

    @Override
    protected void stopExecutors() {
        interruptExecutors();
    }
}
