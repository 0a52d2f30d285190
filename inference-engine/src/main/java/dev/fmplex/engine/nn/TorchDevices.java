package dev.fmplex.engine.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Chooses where backbones run from a configured name: {@code cpu}, {@code gpu} or {@code auto}. */
public final class TorchDevices {

    private TorchDevices() {}

    /**
     * Resolves a device preference.
     *
     * @throws IllegalArgumentException for an unknown name, or {@code gpu} when the PyTorch engine
     *     sees no CUDA device (the CPU native library never does)
     */
    public static Device select(String preference) {
        String name = preference == null ? "auto" : preference.trim().toLowerCase(Locale.ROOT);
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException(
                            "device 'gpu' requested but PyTorch sees no CUDA device; use a CUDA"
                                    + " build of pytorch-native or set the device to cpu");
                }
                yield Device.gpu();
            }
            default ->
                    throw new IllegalArgumentException(
                            "unknown device '" + preference + "'; expected cpu, gpu or auto");
        };
    }
}
