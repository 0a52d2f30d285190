package dev.fmplex.engine.extension;

import ai.djl.ndarray.NDArray;
import dev.fmplex.engine.nn.Projection;

/**
 * The low-rank update of one linear layer, {@code y += x · Aᵀ · (s·B)ᵀ}, stored in the layout the
 * batched product wants so a batch creates no derived copies of adapter tensors: {@code downT = Aᵀ}
 * and {@code upT = (s·B)ᵀ}, with {@code s = alpha / r} (or {@code alpha / sqrt(r)} for rsLoRA)
 * folded in once at load.
 *
 * @param downT {@code lora_A} transposed, shape {@code [in, r]}
 * @param upT {@code s · lora_B} transposed, shape {@code [r, out]}
 */
public record LoraModule(int layer, Projection linear, NDArray downT, NDArray upT) {

    public int rank() {
        return (int) downT.getShape().get(1);
    }
}
